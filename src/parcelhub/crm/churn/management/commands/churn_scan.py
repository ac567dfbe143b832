"""`parcelhub churn-scan --volumes FILE.csv --as-of YYYY-MM-DD --out FILE.csv`: the churn detector offline.

Input columns `merchant_id,date,shipments` (merchant_id opaque; a day without a row is a day without shipments);
output `merchant_id,alert_date,reason,score`, one row per alert as it would have fired day by day from the start
of the data to --as-of, using only the data up to each day. Rows after --as-of are ignored."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from parcelhub.crm.churn.detector import scan
from parcelhub.crm.churn.reasons import reason_en, reason_zh

COLUMNS = ("merchant_id", "date", "shipments")


class Command(BaseCommand):
    help = "Scan daily shipments (CSV) for churn alerts as they would have fired day by day; write them as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--volumes", required=True, help="CSV with merchant_id,date,shipments")
        parser.add_argument("--as-of", required=True, dest="as_of", help="last day scanned (YYYY-MM-DD)")
        parser.add_argument("--out", required=True, help="CSV to write (merchant_id,alert_date,reason,score); "
                                                          "- for standard output")
        parser.add_argument("--language", choices=["en", "zh"], default="en", help="language of the reasons")

    def handle(self, *args, volumes: str, as_of: str, out: str, language: str, **options) -> None:
        last = _date(as_of, "--as-of")
        ids, start, matrix = read_volumes(Path(volumes), last=last)
        alerts = scan(matrix, start) if len(ids) else []
        reason = reason_zh if language == "zh" else reason_en
        rows = [(ids[a.merchant], (start + dt.timedelta(days=a.day)).isoformat(), reason(a), f"{a.score:.3f}")
                for a in alerts]
        if out == "-":
            _write(sys.stdout, rows)
        else:
            with open(out, "w", newline="", encoding="utf-8") as handle:
                _write(handle, rows)
        self.stderr.write(f"{len(ids)} merchants, {matrix.shape[1]} days from {start} to {last}: "
                          f"{len(rows)} alerts")


def _write(handle, rows: list[tuple[str, str, str, str]]) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(("merchant_id", "alert_date", "reason", "score"))
    writer.writerows(rows)


def _date(text: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"{where}: {text!r} is not a date (YYYY-MM-DD)") from None


def read_volumes(path: Path, *, last: dt.date) -> tuple[list[str], dt.date, np.ndarray]:
    """Merchant ids (in order of first appearance), the first day of the data, and the (merchants × days) matrix
    through `last`. Any bad row stops the run with its line number: a partial scan would mislead."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            ids, cells = _parse(csv.reader(handle), path, last)
    except OSError as error:
        raise CommandError(f"--volumes: cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise CommandError(f"--volumes: {path} is not UTF-8 text") from None
    if not cells:
        return [], last, np.zeros((0, 1))
    start = min(day for _, day in cells)
    matrix = np.zeros((len(ids), (last - start).days + 1))
    for (row_index, day), count in cells.items():
        matrix[row_index, (day - start).days] = count
    return list(ids), start, matrix


def _parse(reader, path: Path, last: dt.date) -> tuple[dict[str, int], dict[tuple[int, dt.date], int]]:
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise CommandError(f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}")
    at = [header.index(c) for c in COLUMNS]
    ids: dict[str, int] = {}
    cells: dict[tuple[int, dt.date], int] = {}
    dates: dict[str, dt.date] = {}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        merchant, day, count = _row(row, at, line, dates)
        if day > last:
            continue
        key = (ids.setdefault(merchant, len(ids)), day)
        if key in cells:
            raise CommandError(f"line {line}: a second row for merchant {merchant!r} on {day}")
        cells[key] = count
    return ids, cells


def _row(row: list[str], at: list[int], line: int, dates: dict[str, dt.date]) -> tuple[str, dt.date, int]:
    if len(row) <= max(at):
        raise CommandError(f"line {line}: expected {len(COLUMNS)} columns, found {len(row)}")
    merchant, day_text, count_text = (row[i].strip() for i in at)
    if not merchant:
        raise CommandError(f"line {line}: empty merchant_id")
    day = dates.get(day_text)
    if day is None:
        day = dates[day_text] = _date(day_text, f"line {line}")
    try:
        count = int(count_text)
    except ValueError:
        raise CommandError(f"line {line}: shipments {count_text!r} is not a whole number") from None
    if count < 0:
        raise CommandError(f"line {line}: shipments cannot be negative ({count})")
    return merchant, day, count
