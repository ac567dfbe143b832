"""The business review as an A4 PDF in the house style of the wallet statement (embedded CJK TrueType font, a
fixed grid of rows). Sections flow down the page and continue on a new page when the space runs out."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from parcelhub.core.fonts import CJK_FONT_NAME, cjk_font
from parcelhub.core.money import format_fen
from parcelhub.crm.workbench.review import BusinessReview

FONT = CJK_FONT_NAME
MARGIN = 40
ROW = 13
BOTTOM = 50
WIDTH, HEIGHT = A4


def _fit(text: str, width: float, size: float) -> str:
    if pdfmetrics.stringWidth(text, FONT, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


class _Page:
    """A cursor down the page that starts a new page (with the running header) when a block does not fit."""

    def __init__(self, canvas: Canvas, title: str) -> None:
        self.canvas, self.title, self.page = canvas, title, 0
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        if self.page:
            self.canvas.showPage()
        self.page += 1
        self.canvas.setFont(FONT, 8)
        self.canvas.setFillGray(0.4)
        self.canvas.drawString(MARGIN, HEIGHT - 28, self.title)
        self.canvas.drawRightString(WIDTH - MARGIN, HEIGHT - 28, str(self.page))
        self.canvas.setFillGray(0)
        self.y = HEIGHT - 48

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.new_page()

    def heading(self, text: str) -> None:
        self.need(ROW * 4)
        self.y -= 8
        self.canvas.setFont(FONT, 12)
        self.canvas.drawString(MARGIN, self.y, text)
        self.y -= 6
        self.canvas.line(MARGIN, self.y, WIDTH - MARGIN, self.y)
        self.y -= ROW + 2

    def line(self, text: str, *, size: float = 9, gray: float = 0) -> None:
        self.need(ROW)
        self.canvas.setFont(FONT, size)
        self.canvas.setFillGray(gray)
        self.canvas.drawString(MARGIN, self.y, _fit(text, WIDTH - 2 * MARGIN, size))
        self.canvas.setFillGray(0)
        self.y -= ROW

    def table(self, columns: tuple[tuple[str, float, bool], ...], rows: list[tuple[str, ...]]) -> None:
        """`columns`: (header, width, right-aligned); the header repeats on a new page."""
        def cells(texts: tuple[str, ...], size: float, gray: float) -> None:
            self.canvas.setFont(FONT, size)
            self.canvas.setFillGray(gray)
            x = MARGIN
            for (_header, width, right), text in zip(columns, texts, strict=True):
                text = _fit(text, width - 4, size)
                if right:
                    self.canvas.drawRightString(x + width - 4, self.y, text)
                else:
                    self.canvas.drawString(x, self.y, text)
                x += width
            self.canvas.setFillGray(0)
            self.y -= ROW

        self.need(ROW * 2)
        cells(tuple(c[0] for c in columns), 8, 0.35)
        for row in rows:
            if self.y - ROW < BOTTOM:
                self.new_page()
                cells(tuple(c[0] for c in columns), 8, 0.35)
            cells(row, 8.5, 0)
        self.y -= 4


def review_pdf(review: BusinessReview) -> bytes:
    cjk_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    merchant = review.merchant
    canvas.setTitle(f"{merchant.public_id} business review {review.end:%Y-%m-%d}")
    page = _Page(canvas, f"{merchant.name} · {_('Business review')} · {review.start:%Y-%m-%d} – {review.end:%Y-%m-%d}")
    canvas.setFont(FONT, 18)
    canvas.drawString(MARGIN, page.y - 6, _("Business review"))
    canvas.setFont(FONT, 10)
    canvas.drawString(MARGIN, page.y - 24, f"{merchant.name} · {merchant.public_id}")
    page.y -= 44
    summary = (
        (_("Parcels in the last 90 days"), f"{review.shipments:,}"),
        (_("Spend in the last 90 days"), format_fen(review.spend_fen)),
        (_("Exception rate"), _pct(review.exception_rate)),
        (_("Possible savings per month"), format_fen(review.savings_per_month_fen)),
    )
    for label, value in summary:
        page.line(f"{label}: {value}", size=10)

    page.heading(_("Volume and spend by month"))
    page.table(((_("Month"), 120, False), (_("Parcels"), 120, True), (_("Spend"), 140, True)),
               [(f"{m.month:%Y-%m}", f"{m.shipments:,}", format_fen(m.revenue_fen)) for m in review.months])

    cost_columns = ((_("Carrier"), 180, False), (_("Parcels"), 80, True), (_("Spend"), 100, True),
                    (_("Share"), 70, True), (_("Per parcel"), 85, True))
    page.heading(_("Cost by carrier"))
    page.table(cost_columns, [(r.label, f"{r.shipments:,}", format_fen(r.spend_fen), _pct(r.share),
                               format_fen(r.average_fen)) for r in review.by_carrier])
    page.heading(_("Cost by lane"))
    page.table(((_("Lane"), 180, False), *cost_columns[1:]),
               [(r.label, f"{r.shipments:,}", format_fen(r.spend_fen), _pct(r.share), format_fen(r.average_fen))
                for r in review.by_lane])

    page.heading(_("Lanes running late against the carrier's norm"))
    if review.late_lanes:
        page.table(((_("Carrier"), 80, False), (_("Lane"), 170, False), (_("Delivered"), 80, True),
                    (_("On time"), 80, True), (_("Carrier on this lane"), 105, True)),
                   [(x.carrier, x.lane, str(x.delivered), _pct(x.on_time_rate), _pct(x.carrier_rate))
                    for x in review.late_lanes])
    else:
        page.line(_("No lane ran late against its carrier's norm."), gray=0.4)

    page.heading(_("Exceptions"))
    if review.exceptions:
        page.table(((_("Kind"), 300, False), (_("Parcels"), 80, True)),
                   [(kind, str(n)) for kind, n in review.exceptions])
    else:
        page.line(_("No exceptions in the period."), gray=0.4)

    page.heading(_("Savings suggestions"))
    if review.savings:
        page.table(((_("Lane"), 120, False), (_("Now"), 110, False), (_("Switch to"), 110, False),
                    (_("On time now → then"), 85, True), (_("Saved per month"), 90, True)),
                   [(s.lane, f"{s.current.carrier.upper()} {s.current.service_name} {format_fen(s.current.price_fen)}",
                     f"{s.better.carrier.upper()} {s.better.service_name} {format_fen(s.better.price_fen)}",
                     f"{_pct(s.current.on_time_rate)} → {_pct(s.better.on_time_rate)}", format_fen(s.per_month_fen))
                    for s in review.savings])
        page.line(_("Prices are this merchant's prices today for the lane's median parcel; parcels per month from "
                    "the last 90 days."), size=7.5, gray=0.4)
    else:
        page.line(_("No cheaper service with an equal on-time rate on the top lanes."), gray=0.4)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
