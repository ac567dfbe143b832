"""Benchmark: full e-waybills (labels.render) against minimal reportlab pages, in one run.

    .venv/bin/python bench/labels.py [--count 10000] [--size 100x150] [--repeat 3] [--sample 25]

Renders `count` synthetic labels into one PDF, and the same number of minimal pages into another: one line of
text and one Code128 drawn with reportlab's own API (`drawString`, `Code128.drawOn`), same page size, same
embedded font, same stream settings. A third row draws that same minimal page with the primitives the labels
use (operators batched per page), to show what the page itself costs. Times are the best of --repeat runs,
taken in turns so that machine noise hits every row alike. Prints a Markdown table; then rasterises a sample
of pages of each PDF at 203 dpi and exits 1 unless every sampled page's Code128 decodes to its waybill
number and every label's QR code to its tracking URL.
"""

from __future__ import annotations

import argparse
import io
import platform
import sys
import time
from collections.abc import Callable, Sequence
from importlib import metadata

import pypdfium2
import reportlab
import zxingcpp
from reportlab.graphics.barcode.code128 import Code128

from parcelhub.shipping.labels.data import LABEL_SIZES, LabelData
from parcelhub.shipping.labels.layout import layout_for
from parcelhub.shipping.labels.pdfops import DOT, FONT_NAME, MM, PageInk, bars_ops, code128_bars, label_font
from parcelhub.shipping.labels.preview import rasterize
from parcelhub.shipping.labels.render import binary_streams, new_label_canvas, render_labels
from parcelhub.shipping.labels.samples import synthetic_labels


def minimal_reportlab(labels: Sequence[LabelData], size: str) -> bytes:
    """One line of text and one Code128 per page, the way reportlab's documentation draws them."""
    layout = layout_for(size)
    buffer = io.BytesIO()
    with binary_streams():
        canvas = new_label_canvas(buffer, layout)
        for label in labels:
            canvas.setFont(FONT_NAME, 10)
            canvas.drawString(5 * MM, layout.height - 10 * MM, f"{label.carrier_name} {label.waybill_no}")
            Code128(label.waybill_no, barWidth=3 * DOT, barHeight=15 * MM, quiet=0).drawOn(
                canvas, 8 * MM, layout.height - 30 * MM)
            canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def minimal_primitives(labels: Sequence[LabelData], size: str) -> bytes:
    """The same page drawn with the labels' own primitives."""
    layout = layout_for(size)
    buffer = io.BytesIO()
    with binary_streams():
        canvas = new_label_canvas(buffer, layout)
        ink = PageInk(canvas)
        for label in labels:
            ink.text(5 * MM, layout.height - 10 * MM, f"{label.carrier_name} {label.waybill_no}", 10)
            bars, _ = code128_bars(label.waybill_no)
            ink.gfx.append(bars_ops(bars, 8 * MM, layout.height - 30 * MM, 3 * DOT, 15 * MM))
            ink.flush(canvas)
            canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def check(pdf: bytes, labels: Sequence[LabelData], sample: int, *, qr: bool) -> list[str]:
    """Problems found on an evenly spread sample of pages (empty when all is well)."""
    document = pypdfium2.PdfDocument(pdf)
    pages = len(document)
    document.close()
    if pages != len(labels):
        return [f"{pages} pages for {len(labels)} labels"]
    picked = sorted({round(i * (pages - 1) / max(sample - 1, 1)) for i in range(min(sample, pages))})
    problems = []
    for index, image in zip(picked, rasterize(pdf, 203, pages=picked), strict=True):
        found = {result.text for result in zxingcpp.read_barcodes(image)}
        label = labels[index]
        if label.waybill_no not in found:
            problems.append(f"page {index + 1}: Code128 {label.waybill_no} not read (read {sorted(found)})")
        if qr and label.tracking_url not in found:
            problems.append(f"page {index + 1}: QR {label.tracking_url} not read")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--size", choices=LABEL_SIZES, default="100x150")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=25, help="pages of each PDF to decode")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    labels = synthetic_labels(args.count, seed=args.seed)
    label_font()
    rows: list[tuple[str, Callable[[], bytes]]] = [
        ("full labels (labels.render)", lambda: render_labels(labels, size=args.size)),
        ("minimal page, reportlab API", lambda: minimal_reportlab(labels, args.size)),
        ("minimal page, label primitives", lambda: minimal_primitives(labels, args.size)),
    ]
    best = {name: float("inf") for name, _ in rows}
    pdfs: dict[str, bytes] = {}
    for _ in range(args.repeat):
        for name, run in rows:
            start = time.perf_counter()
            pdfs[name] = run()
            best[name] = min(best[name], time.perf_counter() - start)

    full, minimal = best[rows[0][0]], best[rows[1][0]]
    print(f"| what ({args.size} mm) | pages | seconds | pages/s | MB | vs minimal reportlab page |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, _ in rows:
        seconds = best[name]
        print(f"| {name} | {args.count:,} | {seconds:.3f} | {args.count / seconds:,.0f} "
              f"| {len(pdfs[name]) / 1e6:.1f} | {seconds / minimal:.2f}× |")
    print(f"\nfull / minimal (reportlab API): **{full / minimal:.2f}×**; full / minimal (label primitives): "
          f"{full / best[rows[2][0]]:.2f}×. Best of {args.repeat}, one process, Python "
          f"{platform.python_version()}, reportlab {reportlab.Version}, zxing-cpp {metadata.version('zxing-cpp')}.")

    problems = check(pdfs[rows[0][0]], labels, args.sample, qr=True)
    problems += check(pdfs[rows[1][0]], labels, args.sample, qr=False)
    for problem in problems:
        print(problem, file=sys.stderr)
    print("decoded: " + ("FAILED" if problems else f"all {args.sample} sampled pages of each PDF read back"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
