"""Label PDFs as images: the shipment page's preview and the tests' barcode reads (pypdfium2, no Django)."""

from __future__ import annotations

import io
from collections.abc import Iterable

import pypdfium2 as pdfium
from PIL import Image


def _render(document: pdfium.PdfDocument, index: int, dpi: float) -> Image.Image:
    page = document[index]
    try:
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        try:
            # copy: the PIL image must outlive pdfium's buffer
            image: Image.Image = bitmap.to_pil().copy()
            return image
        finally:
            bitmap.close()
    finally:
        page.close()


def rasterize(pdf_bytes: bytes, dpi: float = 203, *, pages: Iterable[int] | None = None) -> list[Image.Image]:
    """Every page (or the given pages) as a greyscale image at `dpi` (203 = what a thermal label printer
    sees)."""
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        return [_render(document, i, dpi) for i in (range(len(document)) if pages is None else pages)]
    finally:
        document.close()


def render_preview_png(pdf_bytes: bytes, *, page: int = 0, dpi: float = 203) -> bytes:
    """One page as PNG bytes; IndexError for a page the PDF does not have."""
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        if not 0 <= page < len(document):
            raise IndexError(f"page {page} of a {len(document)}-page PDF")
        image = _render(document, page, dpi)
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG")  # optimize=True: 4% smaller, 5× slower
    return out.getvalue()
