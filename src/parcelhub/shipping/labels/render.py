"""E-waybill (电子面单) PDFs: one page per label, the page exactly the label's size.

Pure: reportlab, zxing-cpp and numpy only, no Django, so batch printing can run anywhere. The embedded font is
WenQuanYi Micro Hei (TrueType, subset into the PDF) so Chinese shows in every viewer and printer driver;
reportlab's CID fonts are never used because they are not embedded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import threading
from collections.abc import Iterable, Iterator
from typing import NamedTuple
from zoneinfo import ZoneInfo

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from parcelhub.shipping.labels.data import LABEL_SIZES, LabelData
from parcelhub.shipping.labels.layout import (
    CAPTION_W,
    Box,
    Layout,
    Stub,
    draw_frame,
    hub_caption_box,
    layout_for,
)
from parcelhub.shipping.labels.pdfops import (
    DOT,
    MM,
    PageInk,
    bars_ops,
    clean_text,
    code128_bars,
    label_font,
    qr_matrix,
    qr_ops,
)
from parcelhub.shipping.labels.privacy import mask_name, mask_phone

__all__ = ["LABEL_SIZES", "binary_streams", "format_money", "format_weight", "new_label_canvas", "render_labels"]

CHINA = ZoneInfo("Asia/Shanghai")
PAD = 1.2 * MM


def format_money(fen: int) -> str:
    """123450 -> ¥1,234.50 (integer fen in, exact)."""
    yuan, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}¥{yuan:,}.{cents:02d}"


def format_weight(grams: int) -> str:
    """1250 -> 1.25kg, 3000 -> 3kg, 80 -> 0.08kg."""
    whole, rest = divmod(grams, 1000)
    return f"{whole}kg" if rest == 0 else f"{whole}.{rest:03d}".rstrip("0") + "kg"


def format_time(when: dt.datetime) -> str:
    if when.tzinfo is not None:
        when = when.astimezone(CHINA)
    return when.strftime("%Y-%m-%d %H:%M")


_a85_lock = threading.Lock()
_a85_users = 0
_a85_saved = 1


@contextlib.contextmanager
def binary_streams() -> Iterator[None]:
    """Page streams Flate-compressed only, not also ASCII85-armoured: a third smaller, and reportlab's
    pure-Python ASCII85 encoder would otherwise cost more per page than drawing the label. The setting is
    reportlab-global: the first of concurrent renders switches it, the last one puts it back (any PDF
    written meanwhile is valid either way: filters are recorded per stream)."""
    global _a85_users, _a85_saved
    with _a85_lock:
        if _a85_users == 0:
            _a85_saved = rl_config.useA85
            rl_config.useA85 = 0
        _a85_users += 1
    try:
        yield
    finally:
        with _a85_lock:
            _a85_users -= 1
            if _a85_users == 0:
                rl_config.useA85 = _a85_saved


def new_label_canvas(buffer: io.BytesIO, layout: Layout) -> Canvas:
    """A canvas with pages of the layout's size, compressed (use inside binary_streams())."""
    # initial font: else reportlab lists a never-used, non-embedded Helvetica that preflight checks flag
    canvas = Canvas(buffer, pagesize=(layout.width, layout.height), pageCompression=1,
                    initialFontName=label_font().fontName, initialFontSize=10)
    canvas.setTitle("电子面单")
    canvas.setCreator("ParcelHub")
    return canvas


def render_labels(labels: Iterable[LabelData], *, size: str = "100x150") -> bytes:
    """One PDF with one page per label, each page exactly `size` millimetres (see LABEL_SIZES)."""
    layout = layout_for(size)
    buffer = io.BytesIO()
    now = dt.datetime.now(CHINA)
    with binary_streams():
        canvas = new_label_canvas(buffer, layout)
        frame = draw_frame(canvas, layout)
        ink = PageInk(canvas)
        pages = 0
        for label in labels:
            canvas.doForm(frame)
            _draw_label(ink, layout, label, format_time(label.printed_at or now))
            ink.flush(canvas)
            canvas.showPage()
            pages += 1
        if not pages:
            raise ValueError("no labels to render")
        canvas.save()
    return buffer.getvalue()


def _mid(box: Box, size: float) -> float:
    """Baseline that centres a line of CJK text of this size vertically in box."""
    return box.y + box.h / 2 - size * 0.36


class _Texts(NamedTuple):
    """A label's strings as printed: one line each, privacy masking applied."""

    carrier: str
    service: str
    sort_code: str
    hub: str
    waybill: str
    recipient_name: str
    recipient_phone: str
    recipient_address: str
    sender_name: str
    sender_phone: str
    sender_address: str
    items: str
    marks: str
    reference: str
    printed: str


def _texts(label: LabelData, printed: str) -> _Texts:
    recipient, sender = label.recipient, label.sender
    name, phone = recipient.name, recipient.phone
    if label.privacy:
        name, phone = mask_name(name), mask_phone(phone)
    marks = [f"重量：{format_weight(label.weight_g)}"]
    if label.insured_value_fen > 0:
        marks.append(f"保价：{format_money(label.insured_value_fen)}")
    if label.cod_fen > 0:
        marks.append(f"代收：{format_money(label.cod_fen)}")
    return _Texts(
        clean_text(label.carrier_name), clean_text(label.service_name), clean_text(label.sort_code),
        clean_text(label.hub), clean_text(label.waybill_no), clean_text(name), clean_text(phone),
        clean_text(recipient.address), clean_text(sender.name), clean_text(sender.phone),
        clean_text(sender.address), f"物品：{clean_text(label.items_summary)}", "  ".join(marks),
        f"订单号：{clean_text(label.reference)}" if label.reference.strip() else "", printed)


def _draw_label(ink: PageInk, layout: Layout, label: LabelData, printed: str) -> None:
    t = _texts(label, printed)
    ink.measure((*t, f"{t.recipient_name}  {t.recipient_phone}", f"{t.sender_name}  {t.sender_phone}"))
    bars, modules = code128_bars(t.waybill)

    _header(ink, layout.header, label, t)
    sort = layout.sort
    ink.fit(sort.x + sort.w / 2, _mid(sort, sort.h * 0.62) + 1, t.sort_code, sort.h * 0.72,
            sort.w - 2 * PAD, min_size=12, align="center", bold=True)

    hub = layout.hub
    cap = hub_caption_box(layout)
    time_w = ink.width(printed, 7)
    ink.text(hub.right - PAD, _mid(hub, 7), printed, 7, align="right")
    ink.fit(cap.right + PAD, _mid(hub, hub.h * 0.55), t.hub, hub.h * 0.55,
            hub.right - cap.right - time_w - 4 * PAD, min_size=7, bold=True)

    _barcode(ink, layout.barcode, bars, modules, t.waybill, dots=(3, 2), text_size=11)

    wide = layout.width > 250
    _party(ink, layout.recipient, t.recipient_name, t.recipient_phone, t.recipient_address,
           name_size=13 if wide else 12, address_size=11.5 if wide else 11, min_size=7)
    _party(ink, layout.sender, t.sender_name, t.sender_phone, t.sender_address, name_size=8.5,
           address_size=8, min_size=6.5)

    info = layout.info.inset(PAD, PAD * 0.6)
    lines = [(t.marks, 8.0, True)]
    if layout.footer is None:
        lines.append((t.reference, 7.0, False))
    y = info.y + 0.5
    for text, size, bold in reversed(lines):
        ink.fit(info.x, y + size * 0.2, text, size, info.w, min_size=6, bold=bold)
        y += size * 1.25
    ink.paragraph(info.x, info.top, t.items, 8, info.w, info.top - y - 1, min_size=6.5)

    _qr(ink, layout.qr, label.tracking_url)

    if layout.footer is not None:
        f = layout.footer.inset(PAD)
        left_w = layout.footer.w * 0.55 - 2 * PAD
        ink.fit(f.x, f.top - 8, t.reference, 7.5, left_w, min_size=6)
        ink.fit(f.x, f.top - 18, f"{t.carrier} · {t.service}", 7, left_w, min_size=6)
        ink.fit(f.x, f.y + 1, f"打印时间：{printed}  已验视", 6.5, left_w, min_size=5.5)

    if layout.stub is not None:
        _stub(ink, layout.stub, t, bars, modules)


def _header(ink: PageInk, box: Box, label: LabelData, t: _Texts) -> None:
    right = box.right - PAD
    tags = (("代收", label.cod_fen > 0), ("保价", label.insured_value_fen > 0))
    tag_size = min(11.0, box.h * 0.4)
    for tag, shown in tags:
        if not shown:
            continue
        w = ink.width(tag, tag_size) + 5
        h = tag_size + 5
        ink.fill_rect(right - w, box.y + (box.h - h) / 2, w, h)
        ink.text(right - w / 2, _mid(box, tag_size), tag, tag_size, align="center", bold=True, white=True)
        right -= w + 3
    service_size = min(10.5, box.h * 0.38)
    service_w = min(ink.width(t.service, service_size), box.w * 0.36)
    ink.fit(right, _mid(box, service_size), t.service, service_size, service_w, min_size=6, align="right")
    carrier_size = min(16.0, box.h * 0.55)
    ink.fit(box.x + PAD, _mid(box, carrier_size), t.carrier, carrier_size,
            right - service_w - box.x - 4 * PAD, min_size=8, bold=True)


def _barcode(ink: PageInk, box: Box, bars: str, modules: int, number: str, *,
             dots: tuple[int, ...], text_size: float) -> None:
    """Code128 centred in box with at least 10 modules of quiet zone, bars whole printer dots wide when
    they fit (2 dots = 0.25 mm is the least a 203 dpi head prints reliably), number below."""
    room = box.w - 2 * PAD
    module = room / (modules + 20)
    for k in dots:
        if (modules + 20) * k * DOT <= room:
            module = k * DOT
            break
    text_h = text_size * 1.15
    bar_h = box.h - text_h - 2 * PAD
    x = round((box.x + (box.w - modules * module) / 2) / DOT) * DOT
    ink.gfx.append(bars_ops(bars, x, box.y + text_h + PAD, module, bar_h))
    ink.fit(box.x + box.w / 2, box.y + PAD * 0.8, number, text_size, room, min_size=6, align="center",
            bold=True)


def _party(ink: PageInk, box: Box, name: str, phone: str, address: str, *, name_size: float,
           address_size: float, min_size: float) -> None:
    x = box.x + CAPTION_W + PAD
    w = box.w - CAPTION_W - 2 * PAD
    top = box.top - PAD * 0.5
    ink.fit_pair(x, top - name_size * 0.85, name, phone, name_size, w, min_size=min_size, bold=True)
    top -= name_size * 1.25
    ink.paragraph(x, top, address, address_size, w, top - box.y - PAD * 0.5, min_size=min_size)


def _qr(ink: PageInk, box: Box, url: str) -> None:
    if not url:
        return
    dark = qr_matrix(url)
    n = dark.shape[0]
    caption = 8.5
    room = min(box.w, box.h - caption) - 2
    module = room / (n + 4)
    if module >= 2 * DOT:
        module = int(module / DOT) * DOT
    side = n * module
    x = round((box.x + (box.w - side) / 2) / DOT) * DOT
    y = round((box.y + caption + (box.h - caption - side) / 2) / DOT) * DOT  # page sizes are whole dots
    ink.gfx.append(qr_ops(dark, x, y, module))


def _stub(ink: PageInk, stub: Stub, t: _Texts, bars: str, modules: int) -> None:
    head, recipient, sender, info = stub.head, stub.recipient, stub.sender, stub.info
    # the receipt's barcode gets scanned at drop-off too: as wide (3-dot bars) as the head allows
    split = 0.36
    right = Box(head.x + head.w * split, head.y, head.w * (1 - split), head.h)
    _barcode(ink, right, bars, modules, t.waybill, dots=(3, 2), text_size=7.5)
    left_w = head.w * split - 2 * PAD
    ink.fit(head.x + PAD, head.top - 13, t.carrier, 11, left_w, min_size=7, bold=True)
    ink.fit(head.x + PAD, head.top - 23, t.service, 7.5, left_w, min_size=6)

    _party(ink, recipient, t.recipient_name, t.recipient_phone, t.recipient_address, name_size=8.5,
           address_size=7.5, min_size=6)
    _party(ink, sender, t.sender_name, t.sender_phone, t.sender_address, name_size=7.5, address_size=7,
           min_size=6)
    box = info.inset(PAD, PAD * 0.6)
    size = 7.0
    step = (box.h - size * 0.2) / 3
    last = f"{t.reference}    打印时间：{t.printed}" if t.reference else f"打印时间：{t.printed}"
    y = box.top - size * 0.85
    for text in (t.items, t.marks, last):
        ink.fit(box.x, y, text, size, box.w, min_size=5.5)
        y -= step
