"""`parcelhub labels sample --count N --size 100x150 --out FILE.pdf`: a PDF of e-waybills to look at or print.

Labels come from the newest bought demo shipments when the database has them (shipping.selectors), topped up
with synthetic ones (labels.samples) so that the file always has N pages.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from parcelhub.shipping.labels.data import LABEL_SIZES, LabelData
from parcelhub.shipping.labels.render import render_labels
from parcelhub.shipping.labels.samples import synthetic_labels


def demo_labels(count: int) -> list[LabelData]:
    """Up to count labels of demo shipments; none when that code or its tables are not there."""
    try:
        from parcelhub.shipping import selectors
    except ImportError:
        return []
    sample = getattr(selectors, "sample_label_data", None)
    if sample is None:
        return []
    try:
        return list(sample(count))[:count]
    except DatabaseError:  # not migrated yet: synthetic labels will do
        return []


class Command(BaseCommand):
    help = "E-waybill PDFs: `labels sample` renders N labels (demo shipments, then synthetic ones) into a file."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sample"], help="sample: render sample labels")
        parser.add_argument("--count", type=int, default=10, help="number of labels (pages), default 10")
        parser.add_argument("--size", choices=LABEL_SIZES, default="100x150", help="label size in mm")
        parser.add_argument("--out", default="labels-sample.pdf", help="PDF file to write")
        parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic labels")
        parser.add_argument("--synthetic-only", action="store_true", help="do not look for demo shipments")

    def handle(self, *args, action: str, count: int, size: str, out: str, seed: int, synthetic_only: bool,
               **options):
        if count < 1:
            raise CommandError("--count must be at least 1")
        labels = [] if synthetic_only else demo_labels(count)
        demo = len(labels)
        labels += synthetic_labels(count - demo, seed=seed, base_url=settings.SITE_URL)
        pdf = render_labels(labels, size=size)
        path = Path(out)
        path.write_bytes(pdf)
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {count} labels ({size} mm; {demo} from demo shipments, {count - demo} synthetic) "
            f"to {path} ({len(pdf) / 1024:,.0f} KB)"))
