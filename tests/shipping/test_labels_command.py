"""`parcelhub labels sample`: demo shipments first, topped up with synthetic labels (no database needed)."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from parcelhub.shipping import selectors
from parcelhub.shipping.labels.samples import synthetic_labels

MM = 72 / 25.4


def pages(path) -> list[tuple[float, float]]:
    document = pdfium.PdfDocument(path.read_bytes())
    return [document[i].get_size() for i in range(len(document))]


def test_sample_writes_n_pages_of_the_size(tmp_path, capsys):
    out = tmp_path / "labels.pdf"
    call_command("labels", "sample", "--count", "3", "--size", "76x130", "--out", str(out), "--synthetic-only")
    sizes = pages(out)
    assert len(sizes) == 3
    assert sizes[0] == pytest.approx((76 * MM, 130 * MM), abs=1e-3)
    assert "Wrote 3 labels (76x130 mm; 0 from demo shipments, 3 synthetic)" in capsys.readouterr().out


def test_demo_shipments_come_first_and_synthetic_ones_fill_up(tmp_path, capsys, monkeypatch):
    demo = synthetic_labels(1, seed=99)
    monkeypatch.setattr(selectors, "sample_label_data", lambda count: demo)
    out = tmp_path / "labels.pdf"
    call_command("labels", "sample", "--count", "4", "--out", str(out))
    assert len(pages(out)) == 4
    assert "1 from demo shipments, 3 synthetic" in capsys.readouterr().out
    first = pdfium.PdfDocument(out.read_bytes())[0].get_textpage().get_text_range()
    assert demo[0].waybill_no in first


def test_without_a_database_all_labels_are_synthetic(tmp_path, capsys, monkeypatch):
    def no_tables(count):
        raise OperationalError("no such table: shipping_shipment")

    monkeypatch.setattr(selectors, "sample_label_data", no_tables)
    out = tmp_path / "labels.pdf"
    call_command("labels", "sample", "--count", "2", "--out", str(out))
    assert len(pages(out)) == 2
    assert "0 from demo shipments, 2 synthetic" in capsys.readouterr().out


def test_count_must_be_positive(tmp_path):
    with pytest.raises(CommandError):
        call_command("labels", "sample", "--count", "0", "--out", str(tmp_path / "x.pdf"))
