"""The CDNOW calibration summary (2,357 customers, 39 weeks) as numpy columns, read once per test session."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "data" / "cdnow"
SUMMARY_CSV = DATA / "cdnow_customers_summary.csv"


@cache
def cdnow() -> dict[str, np.ndarray]:
    with open(DATA / "cdnow_customers_summary_with_transactions.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {name: np.array([float(row[column]) for row in rows])
            for name, column in (("x", "x"), ("t_x", "t_x"), ("T", "T"), ("zbar", "zbar"))}
