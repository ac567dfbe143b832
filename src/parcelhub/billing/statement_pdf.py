"""The monthly statement as a PDF (A4), with an embedded CJK TrueType font so Chinese memos print everywhere.

reportlab's built-in CID fonts are not embedded (viewers show boxes) and it cannot embed CFF-based OpenType,
so the statement uses WenQuanYi Micro Hei (Debian's fonts-wqy-microhei), subset into each file.
The layout is a fixed grid of rows, which makes the page count a simple function of the row count.
"""

from __future__ import annotations

import datetime as dt
import io
import math

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from parcelhub.billing.models import TransactionKind
from parcelhub.billing.statements import Statement, next_month
from parcelhub.core.fonts import CJK_FONT_NAME, cjk_font
from parcelhub.core.money import format_fen

FONT = CJK_FONT_NAME

MARGIN = 40
ROW_HEIGHT = 13
BOTTOM = 50
FIRST_TABLE_TOP = 624   # page 1 carries the summary above the table
OTHER_TABLE_TOP = 744
FIRST_PAGE_ROWS = (FIRST_TABLE_TOP - ROW_HEIGHT - BOTTOM) // ROW_HEIGHT
OTHER_PAGE_ROWS = (OTHER_TABLE_TOP - ROW_HEIGHT - BOTTOM) // ROW_HEIGHT

# (x, width, right-aligned, smaller type) of: time, transaction, kind, reference and memo, amount, balance.
# Ids are set a point smaller so they print whole: support quotes them.
COLUMNS = ((MARGIN, 64, False, False), (106, 128, False, True), (236, 44, False, False),
           (282, 158, False, True), (440, 55, True, False), (500, 55, True, False))


def register_font() -> str:
    cjk_font()
    return FONT


def page_count(row_count: int) -> int:
    if row_count <= FIRST_PAGE_ROWS:
        return 1
    return 1 + math.ceil((row_count - FIRST_PAGE_ROWS) / OTHER_PAGE_ROWS)


def _fit(text: str, width: float, size: float) -> str:
    if pdfmetrics.stringWidth(text, FONT, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


def _grid(statement: Statement) -> list[tuple[tuple[str, ...], bool]]:
    """Table rows as cell texts, flagged when they are an itemised line under a transaction."""
    kinds = dict(TransactionKind.choices)
    rows: list[tuple[tuple[str, ...], bool]] = []
    for row in statement.rows:
        about = " · ".join(part for part in (row.reference, row.memo) if part)
        rows.append(((f"{row.at:%Y-%m-%d %H:%M}", row.transaction_id, str(kinds.get(row.kind, row.kind)), about,
                      format_fen(row.amount_fen), format_fen(row.balance_after_fen)), False))
        for line in row.lines:
            rows.append((("", "", "", f"  {line['code']}", format_fen(line["amount_fen"]), ""), True))
    return rows


def _cells(canvas: Canvas, y: float, cells: tuple[str, ...], size: float) -> None:
    for (x, width, right, smaller), text in zip(COLUMNS, cells, strict=True):
        cell_size = size - 1 if smaller else size
        canvas.setFontSize(cell_size)
        text = _fit(text, width, cell_size)
        if right:
            canvas.drawRightString(x + width, y, text)
        else:
            canvas.drawString(x, y, text)


def statement_pdf(statement: Statement) -> bytes:
    font = register_font()
    grid = _grid(statement)
    pages = page_count(len(grid))
    width, height = A4
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{statement.merchant.public_id} {statement.label}")
    last_day = next_month(statement.month) - dt.timedelta(days=1)
    period = f"{statement.month:%Y-%m-%d} – {last_day:%Y-%m-%d} ({settings.TIME_ZONE})"
    header = (_("Time"), _("Transaction"), _("Type"), _("Reference and memo"), _("Amount"), _("Balance"))
    index = 0
    for page in range(1, pages + 1):
        canvas.setFont(font, 16)
        canvas.drawString(MARGIN, height - 48, _("Wallet statement %(month)s") % {"month": statement.label})
        canvas.setFont(font, 9)
        canvas.drawString(MARGIN, height - 64, f"{statement.merchant.name} · {statement.merchant.public_id}")
        canvas.drawString(MARGIN, height - 77, period)
        canvas.drawRightString(width - MARGIN, height - 48, _("Page %(page)s of %(pages)s") % {
            "page": page, "pages": pages})
        if page == 1:
            summary = ((_("Opening balance"), statement.opening_fen), (_("Recharges"), statement.recharges_fen),
                       (_("Charges"), -statement.charges_fen), (_("Refunds"), statement.refunds_fen),
                       (_("Adjustments"), statement.adjustments_fen), (_("Closing balance"), statement.closing_fen))
            y = height - 108
            for label, amount in summary:
                canvas.setFont(font, 10)
                canvas.drawString(MARGIN, y, label)
                canvas.drawRightString(MARGIN + 260, y, format_fen(amount))
                y -= 15
            top = FIRST_TABLE_TOP
            capacity = FIRST_PAGE_ROWS
        else:
            top, capacity = OTHER_TABLE_TOP, OTHER_PAGE_ROWS
        canvas.setFont(font, 8)
        canvas.setFillGray(0.35)
        _cells(canvas, top, header, 8)
        canvas.setFillGray(0)
        canvas.line(MARGIN, top - 4, width - MARGIN, top - 4)
        y = top - ROW_HEIGHT - 2
        for cells, is_line in grid[index:index + capacity]:
            canvas.setFont(font, 7 if is_line else 8)
            canvas.setFillGray(0.4 if is_line else 0)
            _cells(canvas, y, cells, 7 if is_line else 8)
            y -= ROW_HEIGHT
        canvas.setFillGray(0)
        if not grid and page == 1:
            canvas.setFont(font, 9)
            canvas.drawString(MARGIN, y, _("No transactions this month."))
        index += capacity
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
