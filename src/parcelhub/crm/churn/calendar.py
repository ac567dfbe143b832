"""The shopping and holiday calendar that moves every merchant's volume: 618, Double 11 (and the smaller Double 12)
and the Chinese New Year shutdown, for 2024–2027. Pure (numpy, no Django).

Two users: the synthetic population (how volume really moves on those days) and the churn detector (which days
are "calendar days" whose swings must not look like churn). Both read the same dates from here, so a new year is
one line in CNY_DATES.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

# 正月初一 (first day of the lunar year).
CNY_DATES = {
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
}

# Days around 正月初一 whose volume is shaped by the shutdown: couriers stop taking parcels about a week before,
# the belts' workshops close for two weeks and come back by 元宵 (day +15).
CNY_BEFORE, CNY_AFTER = 12, 21
# The sales seasons: presale shipping, the peak and the tail as parcels of the big day go out.
SEASONS = {
    "618": ((5, 31), (6, 24)),
    "double11": ((10, 31), (11, 20)),
    "double12": ((12, 9), (12, 15)),
}


def day_range(start: dt.date, days: int) -> np.ndarray:
    return np.arange(np.datetime64(start, "D"), np.datetime64(start, "D") + days)


def _offsets_to(dates: np.ndarray, anchor: dt.date) -> np.ndarray:
    return (dates - np.datetime64(anchor, "D")).astype(np.int64)


def cny_offset(dates: np.ndarray) -> np.ndarray:
    """For each date, its offset in days from the nearest 正月初一 (large when far from any)."""
    best = np.full(len(dates), 10_000, dtype=np.int64)
    for anchor in CNY_DATES.values():
        offset = _offsets_to(dates, anchor)
        best = np.where(np.abs(offset) < np.abs(best), offset, best)
    return best


def cny_factor(dates: np.ndarray, strength: float | np.ndarray) -> np.ndarray:
    """Volume multiplier of the New Year: 1 far from it, down to 1 − strength in the week of 初一.

    `strength` may be one value or one per merchant (shape (n, 1) against dates of shape (d,) gives (n, d)).
    A small pre-holiday rush (stocking up) precedes the stop."""
    offset = cny_offset(dates).astype(np.float64)
    # Depth profile 0..1: ramps down from day −8, bottom from −3 to +6, back to normal by +16.
    depth = np.interp(offset, [-9, -3, 6, 16], [0.0, 1.0, 1.0, 0.0], left=0.0, right=0.0)
    rush = np.interp(offset, [-28, -18, -10, -9], [0.0, 0.12, 0.12, 0.0], left=0.0, right=0.0)
    return (1.0 + rush) * (1.0 - np.asarray(strength) * depth)


def season_factor(dates: np.ndarray) -> np.ndarray:
    """Multiplier of the sales seasons (the same for everyone; merchants differ by a power, see population)."""
    factor = np.ones(len(dates))
    for year in range(2023, 2028):
        factor *= _bump(dates, dt.date(year, 5, 31), [0, 1, 3, 17, 19, 24], [1.0, 1.35, 1.15, 1.3, 1.55, 1.0])
        factor *= _bump(dates, dt.date(year, 10, 31), [0, 1, 5, 11, 12, 14, 20],
                        [1.0, 1.4, 1.2, 1.9, 2.2, 1.6, 1.0])
        factor *= _bump(dates, dt.date(year, 12, 9), [0, 3, 4, 6], [1.0, 1.2, 1.25, 1.0])
    return factor


def _bump(dates: np.ndarray, start: dt.date, days: list[int], values: list[float]) -> np.ndarray:
    offset = _offsets_to(dates, start).astype(np.float64)
    return np.interp(offset, days, values, left=1.0, right=1.0)


def calendar_mask(dates: np.ndarray) -> np.ndarray:
    """True on days whose volume the calendar dominates: the New Year window and the sales seasons (with a week
    after each, when buyers are spent and volume sags below any baseline)."""
    offset = cny_offset(dates)
    mask = (offset >= -CNY_BEFORE) & (offset <= CNY_AFTER)
    for year in range(2023, 2028):
        for (m1, d1), (m2, d2) in SEASONS.values():
            first, last = dt.date(year, m1, d1), dt.date(year, m2, d2) + dt.timedelta(days=7)
            mask |= (dates >= np.datetime64(first, "D")) & (dates <= np.datetime64(last, "D"))
    return mask


def event_name(day: dt.date) -> str | None:
    """"cny", "618", "double11", "double12" or None: which calendar event a day belongs to."""
    offset = int(cny_offset(day_range(day, 1))[0])
    if -CNY_BEFORE <= offset <= CNY_AFTER:
        return "cny"
    for name, ((m1, d1), (m2, d2)) in SEASONS.items():
        if dt.date(day.year, m1, d1) <= day <= dt.date(day.year, m2, d2) + dt.timedelta(days=7):
            return name
    return None
