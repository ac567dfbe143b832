"""How good the churn detector is on a population with known ground truth. Pure (numpy, no Django).

Definitions (docs/churn.md):
- an alert is *true* when its merchant churned and it fires on or after the day the drop started; every other
  alert (a healthy merchant, a dip that recovers, a churner before its drop) is *false*. Precision = true / all.
- a churner is *caught* when an alert fires within `within` days of the start of its drop (day 0 to 14).
  Recall = caught / churners; the delay is the days from the drop to the first such alert.
- calendar false alarms: the share of merchants that did not churn (by the end of the window) and got an alert in
  the window around the New Year (day −12 to +28 of 正月初一) or Double 11 (31 Oct to 27 Nov).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from parcelhub.crm.churn.calendar import CNY_DATES
from parcelhub.crm.churn.detector import Alert


@dataclass(frozen=True)
class Quality:
    alerts: int
    true_alerts: int
    churners: int
    caught: int
    precision: float
    recall: float
    median_delay: float
    cny_false_share: float
    double11_false_share: float
    recall_by_kind: dict[str, float]

    def meets_targets(self) -> bool:
        return (self.precision >= 0.8 and self.recall >= 0.8 and self.median_delay <= 7
                and self.cny_false_share < 0.05 and self.double11_false_share < 0.05)


def evaluate(alerts: list[Alert], *, drop_day: np.ndarray, churn_kind: np.ndarray, start: dt.date, days: int,
             within: int = 14) -> Quality:
    merchant = np.array([a.merchant for a in alerts], dtype=np.int64)
    day = np.array([a.day for a in alerts], dtype=np.int64)
    drop_of_alert = drop_day[merchant] if len(alerts) else np.array([], dtype=np.int64)
    true = (drop_of_alert >= 0) & (day >= drop_of_alert)
    churners = np.flatnonzero(drop_day >= 0)
    delays: list[int] = []
    caught_by_kind: dict[str, list[bool]] = {}
    for i in churners:
        mine = day[(merchant == i) & (day >= drop_day[i]) & (day <= drop_day[i] + within)]
        if len(mine):
            delays.append(int(mine.min() - drop_day[i]))
        caught_by_kind.setdefault(str(churn_kind[i]), []).append(bool(len(mine)))
    return Quality(
        alerts=len(alerts), true_alerts=int(true.sum()), churners=len(churners), caught=len(delays),
        precision=float(true.mean()) if len(alerts) else 1.0,
        recall=len(delays) / len(churners) if len(churners) else 1.0,
        median_delay=float(np.median(delays)) if delays else float("nan"),
        cny_false_share=_window_false_share(merchant, day, drop_day, _cny_windows(start, days)),
        double11_false_share=_window_false_share(merchant, day, drop_day, _double11_windows(start, days)),
        recall_by_kind={kind: float(np.mean(hits)) for kind, hits in sorted(caught_by_kind.items())},
    )


def _offset(day: dt.date, start: dt.date) -> int:
    return (day - start).days


def _cny_windows(start: dt.date, days: int) -> list[tuple[int, int]]:
    spans = [(_offset(d, start) - 12, _offset(d, start) + 28) for d in CNY_DATES.values()]
    return [(lo, hi) for lo, hi in spans if lo >= 0 and hi < days]


def _double11_windows(start: dt.date, days: int) -> list[tuple[int, int]]:
    spans = [(_offset(dt.date(y, 10, 31), start), _offset(dt.date(y, 11, 27), start)) for y in range(2023, 2028)]
    return [(lo, hi) for lo, hi in spans if lo >= 0 and hi < days]


def _window_false_share(merchant: np.ndarray, day: np.ndarray, drop_day: np.ndarray,
                        windows: list[tuple[int, int]]) -> float:
    """Mean over the windows of: merchants still healthy at the window's end with an alert inside it / those."""
    if not windows:
        return float("nan")
    shares = []
    for lo, hi in windows:
        healthy = (drop_day < 0) | (drop_day > hi)
        alerted = np.zeros(len(drop_day), dtype=bool)
        alerted[merchant[(day >= lo) & (day <= hi)]] = True
        shares.append(float((alerted & healthy).sum() / max(healthy.sum(), 1)))
    return float(np.mean(shares))
