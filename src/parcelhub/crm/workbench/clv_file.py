"""The file side of `parcelhub clv-fit`: read a customer summary CSV, fit, and shape the JSON answer (no Django)."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from parcelhub.crm import clv

REQUIRED = ("id", "frequency", "recency", "t")


class SummaryFileError(ValueError):
    """The summary file cannot be used; the message names the row and column."""


@dataclass(frozen=True)
class Summary:
    ids: list[str]
    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    monetary_value: np.ndarray | None


def _number(raw: str, *, row: int, column: str) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise SummaryFileError(f"row {row}: {column} {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise SummaryFileError(f"row {row}: {column} {raw!r} is not a finite number")
    return value


def _check_row(row: int, x: float, t_x: float, t: float, m: float | None) -> None:
    if x < 0 or x != int(x):
        raise SummaryFileError(f"row {row}: frequency {x:g} must be a whole number, 0 or more")
    if t <= 0:
        raise SummaryFileError(f"row {row}: T {t:g} must be greater than 0")
    if t_x < 0 or t_x > t:
        raise SummaryFileError(f"row {row}: recency {t_x:g} must be between 0 and T ({t:g})")
    if x == 0 and t_x != 0:
        raise SummaryFileError(f"row {row}: recency must be 0 when frequency is 0")
    if m is not None and m < 0:
        raise SummaryFileError(f"row {row}: monetary_value {m:g} must be 0 or more")


def read_summary(lines: Iterable[str]) -> Summary:
    """Parse `id,frequency,recency,T[,monetary_value]` (header names case-insensitive, any column order)."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if not header:
        raise SummaryFileError("the file is empty; expected a header id,frequency,recency,T[,monetary_value]")
    names = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        wanted = ", ".join("T" if name == "t" else name for name in missing)
        raise SummaryFileError(f"missing column(s): {wanted} (header is {','.join(header)})")
    col = {name: names.index(name) for name in (*REQUIRED, "monetary_value") if name in names}
    has_spend = "monetary_value" in col
    ids: list[str] = []
    seen: set[str] = set()
    values: list[tuple[float, float, float, float]] = []
    for row, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) < len(header):
            raise SummaryFileError(f"row {row}: expected {len(header)} columns, found {len(record)}")
        ident = record[col["id"]].strip()
        if not ident:
            raise SummaryFileError(f"row {row}: id is empty")
        if ident in seen:
            raise SummaryFileError(f"row {row}: id {ident!r} appears twice")
        seen.add(ident)
        x, t_x, t = (_number(record[col[c]], row=row, column=label)
                     for c, label in (("frequency", "frequency"), ("recency", "recency"), ("t", "T")))
        m = _number(record[col["monetary_value"]], row=row, column="monetary_value") if has_spend else None
        _check_row(row, x, t_x, t, m)
        ids.append(ident)
        values.append((x, t_x, t, m if m is not None else 0.0))
    if not values:
        raise SummaryFileError("the file has a header but no customers")
    matrix = np.array(values, dtype=np.float64)
    return Summary(ids=ids, frequency=matrix[:, 0], recency=matrix[:, 1], T=matrix[:, 2],
                   monetary_value=matrix[:, 3] if has_spend else None)


def fit_summary(summary: Summary, *, horizon: float) -> dict[str, Any]:
    """The clv-fit answer: BG/NBD parameters, Gamma-Gamma when spend is given, and per customer P(alive) and the
    expected purchases over the next `horizon` periods."""
    if not (horizon > 0 and math.isfinite(horizon)):
        raise SummaryFileError("--horizon must be a positive number of periods")
    try:
        bg = clv.bgnbd_fit(summary.frequency, summary.recency, summary.T)
        gg = (clv.gamma_gamma_fit(summary.frequency, summary.monetary_value)
              if summary.monetary_value is not None else None)
    except clv.ClvInputError as exc:
        raise SummaryFileError(str(exc)) from None
    params = (bg.r, bg.alpha, bg.a, bg.b)
    alive = clv.bgnbd_p_alive(*params, summary.frequency, summary.recency, summary.T)
    expected = clv.bgnbd_expected_purchases(*params, summary.frequency, summary.recency, summary.T, horizon)
    result: dict[str, Any] = {"bgnbd": bg.as_dict()}
    if gg is not None:
        result["gamma_gamma"] = {"p": gg.p, "q": gg.q, "v": gg.v}
    result["customers"] = [{"id": ident, "p_alive": float(p), "expected_purchases": float(e)}
                           for ident, p, e in zip(summary.ids, alive, expected, strict=True)]
    return result
