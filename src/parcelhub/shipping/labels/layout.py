"""Where everything sits on each label size, and the static frame (lines, captions) drawn once per document.

Layouts follow the common 电子面单 templates: a main part read by sorting staff and couriers (carrier, big
sort code, hub, barcode, recipient, sender, items with value-added marks, QR), and on the two-part sizes a
stub below a tear line that stays with the sender as a receipt. Heights are in millimetres from the top.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase import pdfmetrics

from parcelhub.shipping.labels.data import LABEL_SIZES
from parcelhub.shipping.labels.pdfops import FONT_NAME, MM, label_font

MARGIN = 1.5 * MM        # printers drift a little: keep lines off the paper's edge
CAPTION_W = 7 * MM       # the 收 / 寄 caption column
LINE = 0.9               # frame line width, points (about one dot and a half)


@dataclass(frozen=True)
class Box:
    """A rectangle in points, origin bottom-left as in PDF."""

    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w

    def inset(self, dx: float, dy: float | None = None) -> Box:
        dy = dx if dy is None else dy
        return Box(self.x + dx, self.y + dy, self.w - 2 * dx, self.h - 2 * dy)


@dataclass(frozen=True)
class Bands:
    """Band heights in mm, top to bottom; stub_* are zero on the one-part size."""

    header: float
    sort: float
    hub: float
    barcode: float
    recipient: float
    sender: float
    info: float
    footer: float          # one-part size only: signature, reference, print time
    qr_col: float          # width of the QR column beside sender + info
    stub_head: float = 0
    stub_recipient: float = 0
    stub_sender: float = 0
    stub_info: float = 0
    tear_gap: float = 0    # blank strip around the tear line

    @property
    def main(self) -> float:
        return (self.header + self.sort + self.hub + self.barcode + self.recipient + self.sender + self.info
                + self.footer)

    @property
    def stub(self) -> float:
        return self.stub_head + self.stub_recipient + self.stub_sender + self.stub_info


BANDS: dict[str, Bands] = {
    "76x130": Bands(header=11, sort=15, hub=8, barcode=20, recipient=23, sender=15, info=20, footer=15,
                    qr_col=22),
    "100x150": Bands(header=11, sort=15, hub=8, barcode=19, recipient=19, sender=13, info=15, footer=0,
                     qr_col=26, stub_head=13, stub_recipient=11, stub_sender=10, stub_info=10, tear_gap=3),
    "100x180": Bands(header=12, sort=18, hub=9, barcode=22, recipient=24, sender=16, info=19, footer=0,
                     qr_col=30, stub_head=15, stub_recipient=14, stub_sender=12, stub_info=13, tear_gap=3),
}


@dataclass(frozen=True)
class Stub:
    """The part below the tear line of a two-part label: the sender's receipt."""

    tear_y: float
    head: Box
    recipient: Box
    sender: Box
    info: Box


@dataclass(frozen=True)
class Layout:
    size: str
    width: float
    height: float
    bands: Bands
    header: Box
    sort: Box
    hub: Box
    barcode: Box
    recipient: Box
    sender: Box
    info: Box
    qr: Box
    footer: Box | None
    stub: Stub | None

    @property
    def form_name(self) -> str:
        return f"parcelhub_label_frame_{self.size}"


def parse_size(size: str) -> tuple[float, float]:
    if size not in LABEL_SIZES:
        raise ValueError(f"unknown label size {size!r}; one of {', '.join(LABEL_SIZES)}")
    w, h = size.split("x")
    return float(w), float(h)


@functools.cache
def layout_for(size: str) -> Layout:
    width_mm, height_mm = parse_size(size)
    bands = BANDS[size]
    width, height = width_mm * MM, height_mm * MM
    stub_total = bands.stub + bands.tear_gap
    if abs(bands.main + stub_total + 2 * MARGIN / MM - height_mm) > 0.01:
        raise AssertionError(f"{size}: bands add up to {bands.main + stub_total + 2 * MARGIN / MM} mm")
    x0, x1 = MARGIN, width - MARGIN
    inner = x1 - x0
    cursor = height - MARGIN

    def take(h_mm: float, x: float = x0, w: float = inner) -> Box:
        nonlocal cursor
        cursor -= h_mm * MM
        return Box(x, cursor, w, h_mm * MM)

    header, sort, hub, barcode = take(bands.header), take(bands.sort), take(bands.hub), take(bands.barcode)
    recipient = take(bands.recipient)
    lower_top = cursor
    left_w = inner - bands.qr_col * MM
    sender, info = take(bands.sender, w=left_w), take(bands.info, w=left_w)
    qr = Box(x0 + left_w, cursor, bands.qr_col * MM, lower_top - cursor)
    footer = take(bands.footer) if bands.footer else None
    stub = None
    if bands.stub:
        cursor -= bands.tear_gap * MM
        tear_y = cursor + bands.tear_gap * MM / 2
        stub_head, stub_recipient = take(bands.stub_head), take(bands.stub_recipient)
        stub = Stub(tear_y, stub_head, stub_recipient, take(bands.stub_sender), take(bands.stub_info))
    return Layout(size, width, height, bands, header, sort, hub, barcode, recipient, sender, info, qr, footer,
                  stub)


def hub_caption_box(layout: Layout) -> Box:
    return Box(layout.hub.x, layout.hub.y, 12 * MM, layout.hub.h)


def draw_frame(canvas: Any, layout: Layout) -> str:
    """Defines the size's static frame as a form XObject on this canvas and returns its name: every page
    then draws it with one `Do` instead of repeating ~30 lines and captions."""
    label_font()
    name = layout.form_name
    canvas.beginForm(name)
    canvas.setLineWidth(LINE)
    canvas.setStrokeGray(0)
    canvas.setFillGray(0)
    main_bottom = (layout.footer or layout.info).y
    top = layout.header.top
    canvas.rect(MARGIN, main_bottom, layout.width - 2 * MARGIN, top - main_bottom, stroke=1, fill=0)
    for box in (layout.header, layout.sort, layout.hub, layout.barcode, layout.recipient):
        canvas.line(box.x, box.y, box.right, box.y)
    canvas.line(layout.sender.x, layout.sender.y, layout.sender.right, layout.sender.y)
    canvas.line(layout.qr.x, layout.qr.y, layout.qr.x, layout.qr.top)
    if layout.footer is not None:
        canvas.line(layout.footer.x, layout.footer.top, layout.footer.right, layout.footer.top)
    caption = hub_caption_box(layout)
    canvas.line(caption.right, caption.y, caption.right, caption.top)
    canvas.setFont(FONT_NAME, 8)
    canvas.drawCentredString(caption.x + caption.w / 2, caption.y + caption.h / 2 - 3, "集包地")
    _party_caption(canvas, layout.recipient, "收", 15)
    _party_caption(canvas, layout.sender, "寄", 12)
    qr = layout.qr
    canvas.setFont(FONT_NAME, 6)
    canvas.drawCentredString(qr.x + qr.w / 2, qr.y + 2.2, "扫码查件")
    if layout.footer is not None:
        f = layout.footer
        mid = f.x + f.w * 0.55
        canvas.line(mid, f.y, mid, f.top)
        canvas.setFont(FONT_NAME, 7)
        canvas.drawString(mid + 1.5 * MM, f.top - 3 * MM, "签收人 / 时间：")
        _fitted(canvas, mid + 1.5 * MM, f.y + 1.5 * MM, "您的签字代表您已验收此包裹，并已确认商品信息无误",
                5.5, f.right - mid - 3 * MM)
    stub = layout.stub
    if stub is not None:
        canvas.setLineWidth(0.6)
        canvas.setDash(3, 2)
        canvas.line(0, stub.tear_y, layout.width, stub.tear_y)
        canvas.setDash()
        canvas.setLineWidth(LINE)
        canvas.rect(MARGIN, stub.info.y, layout.width - 2 * MARGIN, stub.head.top - stub.info.y, stroke=1, fill=0)
        for box in (stub.head, stub.recipient, stub.sender):
            canvas.line(box.x, box.y, box.right, box.y)
        _party_caption(canvas, stub.recipient, "收", 11)
        _party_caption(canvas, stub.sender, "寄", 10)
        canvas.setFont(FONT_NAME, 6.5)
        canvas.drawString(stub.head.x + 1.2 * MM, stub.head.y + 1.2 * MM, "寄件联 · 请妥善保管")
    canvas.endForm()
    return name


def _fitted(canvas: Any, x: float, y: float, text: str, size: float, max_width: float) -> None:
    """Static text too must stay inside its box; long notes wrap onto a second line above."""
    width = pdfmetrics.stringWidth(text, FONT_NAME, size)
    if width <= max_width:
        canvas.setFont(FONT_NAME, size)
        canvas.drawString(x, y, text)
        return
    cut = max(1, int(len(text) * max_width / width))
    while cut > 1 and pdfmetrics.stringWidth(text[:cut], FONT_NAME, size) > max_width:
        cut -= 1
    _fitted(canvas, x, y + size * 1.2, text[:cut], size, max_width)
    _fitted(canvas, x, y, text[cut:], size, max_width)


def _party_caption(canvas: Any, box: Box, text: str, size: float) -> None:
    canvas.line(box.x + CAPTION_W, box.y, box.x + CAPTION_W, box.top)
    canvas.setFont(FONT_NAME, size)
    canvas.drawCentredString(box.x + CAPTION_W / 2, box.y + box.h / 2 - size * 0.36, text)
