"""When an alert's story ended: the merchant recovered (a run of days back near its usual volume) or churned
(a long stretch of nothing, or no recovery for two months). Pure (numpy, no Django): the daily job and the demo's
history both use it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RECOVERED, CHURNED = "recovered", "churned"


@dataclass(frozen=True)
class Rules:
    recover_days: int = 7        # N: days whose mean volume must be back near the usual level
    recover_share: float = 0.8   # "near": this share of the level the merchant had before the alert
    churned_days: int = 30       # M: days of nothing after which the merchant counts as churned
    # Not back after this many days: the volume went elsewhere for good (a share switched to a competitor
    # never shows M days of nothing).
    lost_days: int = 60


def outcome(series: np.ndarray, *, level: float, silent_before: int = 0,
            rules: Rules = Rules()) -> tuple[str, int] | None:
    """`series` holds the daily shipments from the alert day (index 0) to today; `silent_before` the days without
    a shipment just before the alert day. Returns (RECOVERED or CHURNED, index of the day it was decided), or
    None while the alert is still open."""
    x = np.asarray(series, dtype=np.float64)
    n = len(x)
    recovered_at = churned_at = n
    if n > rules.recover_days:
        # Windows that start after the alert day: the day that raised the alert does not vouch for a recovery.
        sums = np.convolve(x[1:], np.ones(rules.recover_days), mode="valid")
        hits = np.flatnonzero(sums >= rules.recover_share * level * rules.recover_days)
        if len(hits):
            recovered_at = int(hits[0]) + rules.recover_days
    zeros_run = _zero_runs(x, silent_before)
    hits = np.flatnonzero(zeros_run >= rules.churned_days)
    if len(hits):
        churned_at = int(hits[0])
    if n > rules.lost_days:
        churned_at = min(churned_at, rules.lost_days)
    if recovered_at == churned_at == n:
        return None
    return (RECOVERED, recovered_at) if recovered_at < churned_at else (CHURNED, churned_at)


def _zero_runs(x: np.ndarray, silent_before: int) -> np.ndarray:
    """Length of the run of zero days ending at each index (the days before the alert included)."""
    index = np.arange(len(x))
    last_shipment = np.maximum.accumulate(np.where(x > 0, index, -1 - silent_before))
    return index - last_shipment
