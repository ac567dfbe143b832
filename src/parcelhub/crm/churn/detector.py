"""Churn early warning: a day-by-day scan of merchants' daily shipments for drops and silences. Pure (numpy, no
Django), vectorised over a (merchants × days) matrix.

For each merchant and day t, using only days before t (no look-ahead):
- a seasonal baseline: the merchant's level (mean of the last `window` ordinary days, leaving out the newest
  `guard` days so a drop does not drag its own baseline down), its own day-of-week profile from the same days, and
  the calendar (618, Double 11, the New Year; crm.churn.calendar). Calendar days never enter the level;
- a standardised residual z = (x − e) / sqrt(e + (c·e)²): Poisson noise plus the merchant's own relative noise c
  (measured on the same days; at least `calendar_noise` on calendar days, whose size varies merchant by merchant);
- a lower-side CUSUM S = max(0, S − z − k) that fires at h, when the volume over the run is at least
  `min_deficit` below baseline (so a statistically sure but small wobble of a big merchant does not page anyone);
- an inactivity rule: days without a shipment against the merchant's usual rhythm: the silence a healthy merchant
  with its ship-day rate would reach with probability `alpha`; for sparse shippers, BG/NBD P(alive)
  (crm.clv) below `p_alive_min` instead.
During the New Year shutdown (day −9 to +16 of 正月初一) nothing accumulates: there is no telling a closed workshop
from a lost merchant. An alert opens an episode that lasts until the volume is back near the level it had when
the alert fired; no new alert fires during an episode.

The scan loops over days (a few numpy operations per day on all merchants at once), never over merchants.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np

from parcelhub.crm.churn.calendar import calendar_mask, cny_factor, cny_offset, day_range, season_factor
from parcelhub.crm.clv import bgnbd_p_alive

DROP, INACTIVE = "drop", "inactive"


@dataclass(frozen=True)
class Config:
    window: int = 42            # ordinary days in the level
    guard: int = 7              # newest days left out of the level
    min_history: int = 21       # ordinary days needed before a merchant is scanned
    k: float = 0.6              # CUSUM allowance (in standard deviations)
    h: float = 6.5              # CUSUM decision threshold
    min_deficit: float = 0.35   # share of volume missing over the run for a drop alert
    noise_floor: float = 0.1    # relative noise never below this (no merchant is a clock)
    calendar_noise: float = 0.4  # relative noise on calendar days
    cny_strength: float = 0.75  # the New Year dip the baseline expects (belts go deeper, cities less)
    alpha: float = 0.0003       # chance a healthy merchant goes this long without shipping
    min_silence: int = 7        # never call fewer silent days inactivity
    sparse_rate: float = 0.5    # merchants shipping on fewer days than this are sparse shippers
    p_alive_min: float = 0.5    # sparse shippers: P(alive) below this (more likely gone than not) alerts
    # BG/NBD (r, alpha, a, b) per day for sparse shippers: about a ship day in two to four, and one ship day in
    # 25 the last. A prior rather than a fit: a fit on the days before each day would see almost no dropouts.
    bgnbd: tuple[float, float, float, float] = (0.9, 4.0, 0.25, 6.0)
    recover_share: float = 0.8  # an episode ends when a week's volume is back to this share of the level
    block: int = 2_000          # merchants per block: small enough for the cache; blocks are independent


DEFAULT = Config()


@dataclass(frozen=True)
class Alert:
    merchant: int       # row of the matrix
    day: int            # column: the day the alert fires
    kind: str           # DROP or INACTIVE
    score: float        # 0..1
    deficit: float      # share of volume below baseline over `run_days` (drop)
    run_days: int
    silence: int        # days without a shipment (inactive)
    usual_gap: float    # days between shipments when healthy
    baseline: float     # expected shipments that day (weekday and calendar included)
    level: float        # the merchant's usual shipments per day before the alert (no calendar, no weekday)


@dataclass(frozen=True)
class Baseline:
    """Everything the scan derives from history before each day, as day-major (days × merchants) arrays."""

    expected: np.ndarray   # e: expected shipments that day
    noise: np.ndarray      # c: relative noise
    level: np.ndarray      # deseasonalised level (shipments per average day)
    ship_rate: np.ndarray  # share of ordinary days with at least one shipment
    ready: np.ndarray      # enough history to judge


@dataclass(frozen=True)
class Standing:
    """Where each merchant stands after the last day of a scan (arrays of one value per merchant)."""

    in_episode: np.ndarray  # an alert fired and the volume has not come back since
    pressure: np.ndarray    # the CUSUM as a share of its threshold (1 = a drop alert)
    deficit: np.ndarray     # share of volume missing over the current run below baseline
    run_days: np.ndarray
    silence: np.ndarray     # days without a shipment
    quiet_share: np.ndarray  # silence as a share of the silence that raises an alert


def scan(shipments: np.ndarray, start: dt.date, config: Config = DEFAULT) -> list[Alert]:
    """Every alert as it would have fired day by day, for a (merchants × days) matrix of daily shipments whose
    first column is `start`. Merchants are independent: blocks of them are scanned one after the other."""
    return scan_standing(shipments, start, config)[0]


def scan_standing(shipments: np.ndarray, start: dt.date,
                  config: Config = DEFAULT) -> tuple[list[Alert], Standing]:
    """The alerts and where every merchant stands after the last day."""
    matrix = np.asarray(shipments, dtype=np.float64)
    alerts: list[Alert] = []
    parts: list[Standing] = []
    for first in range(0, matrix.shape[0], config.block):
        block_alerts, standing = _scan_block(matrix[first:first + config.block], start, config)
        alerts += [_shift(a, first) for a in block_alerts]
        parts.append(standing)
    joined = Standing(*(np.concatenate([getattr(p, f.name) for p in parts]) if parts else np.zeros(0)
                        for f in dataclasses.fields(Standing)))
    return sorted(alerts, key=lambda a: (a.day, a.merchant)), joined


def _shift(alert: Alert, by: int) -> Alert:
    return alert if by == 0 else dataclasses.replace(alert, merchant=alert.merchant + by)


def calendar_expectation(dates: np.ndarray, config: Config = DEFAULT) -> np.ndarray:
    """The calendar's multiplier the baseline expects each day (never below 0.05: the shutdown is not zero)."""
    factor: np.ndarray = np.maximum(season_factor(dates) * cny_factor(dates, config.cny_strength), 0.05)
    return factor


def baseline(shipments: np.ndarray, start: dt.date, config: Config = DEFAULT) -> Baseline:
    """The baseline of a (merchants × days) matrix; its arrays are day-major (days × merchants)."""
    x = np.ascontiguousarray(np.asarray(shipments, dtype=np.float64).T)
    return _baseline(x, start, config)


def expected_series(shipments: np.ndarray, start: dt.date, config: Config = DEFAULT) -> np.ndarray:
    """One merchant's expected shipments per day (0 where there is not enough history yet)."""
    base = baseline(np.asarray(shipments, dtype=np.float64)[None, :], start, config)
    return np.where(base.ready[:, 0], base.expected[:, 0], 0.0)


def _baseline(x: np.ndarray, start: dt.date, config: Config) -> Baseline:
    """Day-major throughout: every window read is a gather of whole rows (one day of all merchants)."""
    d, n = x.shape
    dates = day_range(start, d)
    ordinary = ~calendar_mask(dates)
    cal = calendar_expectation(dates, config)
    y = x * (ordinary / cal)[:, None]
    lo, hi, count = _windows(ordinary, d, config)
    days = count[:, None].astype(np.float64)
    level = np.divide(_window_sum(y, lo, hi), days, out=np.zeros((d, n)), where=days > 0)
    same_day, same_count = _weekday_window_sum(y, ordinary, lo, hi)
    dow = np.divide(same_day + 2 * level, (same_count[:, None] + 2) * level, out=np.ones_like(level),
                    where=level > 0)
    expected = level * dow * cal[:, None]
    judged = (expected > 0) & ordinary[:, None]
    safe = np.where(judged, expected, 1.0)
    rel2 = np.where(judged, ((x - expected) ** 2 - expected) / safe ** 2, 0.0)
    judged_days = _window_sum(judged.astype(np.float64), lo, hi)
    noise2 = np.divide(_window_sum(rel2, lo, hi), judged_days, out=np.zeros_like(level), where=judged_days > 0)
    noise = np.sqrt(np.clip(noise2, config.noise_floor ** 2, 1.0))
    ship_rate = np.divide(_window_sum((x > 0) * ordinary[:, None], lo, hi), days, out=np.zeros_like(level),
                          where=days > 0)
    ready = (count[:, None] >= config.min_history) & (level > 0)
    return Baseline(expected, noise, level, ship_rate, ready)


def _windows(ordinary: np.ndarray, d: int, config: Config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each day t, the span [lo, hi) of day indices holding its level's last `window` ordinary days before
    t − guard, and how many ordinary days that span holds. The calendar is the same for every merchant, so these
    are per day, not per merchant."""
    hi = np.clip(np.arange(d) - config.guard, 0, d)
    before = np.concatenate([[0], np.cumsum(ordinary)])  # ordinary days before index k
    wanted = np.maximum(before[hi] - config.window, 0)
    positions = np.flatnonzero(ordinary)
    lo = np.where(before[hi] > wanted, positions[np.minimum(wanted, max(len(positions) - 1, 0))], hi)
    lo = np.minimum(lo, hi)
    return lo, hi, before[hi] - before[lo]


def _cumulative(values: np.ndarray) -> np.ndarray:
    """Running sums over days with a leading row of zeros: row k holds the sum of days before k."""
    out = np.zeros((values.shape[0] + 1, values.shape[1]))
    np.cumsum(values, axis=0, out=out[1:])
    return out


def _window_sum(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    cumulative = _cumulative(values)
    total: np.ndarray = cumulative[hi] - cumulative[lo]
    return total


def _weekday_window_sum(y: np.ndarray, ordinary: np.ndarray, lo: np.ndarray,
                        hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum (and count of ordinary days) over [lo, hi) of the days sharing day t's weekday, for every t: running
    sums along each weekday (a cumulative sum with stride 7), read at the last such day before hi and before lo."""
    d, n = y.shape
    weeks = -(-d // 7)
    padded = np.zeros((7 + weeks * 7, n))
    padded[7:7 + d] = y
    stride = padded.reshape(weeks + 1, 7, n).cumsum(axis=0).reshape(-1, n)
    flags = np.zeros(7 + weeks * 7)
    flags[7:7 + d] = ordinary
    flag_stride = flags.reshape(weeks + 1, 7).cumsum(axis=0).reshape(-1)
    t = np.arange(d)
    last_before_hi = hi - 1 - (hi - 1 - t) % 7 + 7
    last_before_lo = lo - 1 - (lo - 1 - t) % 7 + 7
    return (stride[last_before_hi] - stride[last_before_lo],
            flag_stride[last_before_hi] - flag_stride[last_before_lo])


def _scan_block(block: np.ndarray, start: dt.date, config: Config) -> tuple[list[Alert], Standing]:
    x = np.ascontiguousarray(block.T)  # day-major
    d, n = x.shape
    dates = day_range(start, d)
    base = _baseline(x, start, config)
    offset = cny_offset(dates)
    shutdown = (offset >= -9) & (offset <= 16)
    noise = np.where(calendar_mask(dates)[:, None], np.maximum(base.noise, config.calendar_noise), base.noise)
    e = base.expected
    z = (x - e) / np.sqrt(np.maximum(e + (noise * e) ** 2, 1e-9))
    silence, gap_threshold, p_alive, usual = _inactivity(x, base, shutdown, config)
    sparse = usual < config.sparse_rate
    inactive = base.ready & (silence >= gap_threshold) & (~sparse | (p_alive < config.p_alive_min))
    week = _rolling(x / np.maximum(e / np.maximum(base.level, 1e-9), 1e-9), 7)
    state = _State(n)
    fired: list[tuple[np.ndarray, int, np.ndarray, np.ndarray, np.ndarray]] = []
    for t in np.flatnonzero(~shutdown):
        fire, is_drop, deficit, run_days = state.step(x[t], e[t], z[t], base.ready[t], inactive[t], week[t],
                                                      base.level[t], config)
        if fire.any():
            fired.append((fire, int(t), is_drop[fire], deficit[fire], run_days[fire]))
    alerts = [_alert(int(i), t, bool(drop), float(deficit), int(run), silence, p_alive, usual, base)
              for fire, t, drops, deficits, runs in fired
              for i, drop, deficit, run in zip(np.flatnonzero(fire), drops, deficits, runs, strict=True)]
    running = state.run_e > 0
    standing = Standing(
        in_episode=state.in_alert.copy(), pressure=state.cusum / config.h,
        deficit=np.where(running, 1.0 - state.run_x / np.where(running, state.run_e, 1.0), 0.0),
        run_days=state.run_days.copy(), silence=silence[-1].astype(np.int64) if d else np.zeros(n, np.int64),
        quiet_share=silence[-1] / gap_threshold[-1] if d else np.zeros(n))
    return alerts, standing


def _alert(i: int, t: int, is_drop: bool, deficit: float, run_days: int, silence: np.ndarray, p_alive: np.ndarray,
           usual: np.ndarray, base: Baseline) -> Alert:
    rate = float(usual[t, i])
    usual_gap = 1.0 / rate if rate > 0 else float("inf")
    expected, level = float(base.expected[t, i]), float(base.level[t, i])
    if is_drop:
        return Alert(i, t, DROP, round(min(deficit, 1.0), 3), deficit, run_days, int(silence[t, i]), usual_gap,
                     expected, level)
    quiet = int(silence[t, i])
    score = 1.0 - float(p_alive[t, i]) if p_alive[t, i] < 1.0 else 1.0 - (1.0 - rate) ** quiet
    return Alert(i, t, INACTIVE, round(min(max(score, 0.0), 1.0), 3), 1.0, quiet, quiet, usual_gap, expected,
                 level)


def _rolling(values: np.ndarray, width: int) -> np.ndarray:
    """Mean of the last `width` days up to and including each day."""
    cumulative = _cumulative(values)
    t = np.arange(1, values.shape[0] + 1)
    mean: np.ndarray = (cumulative[t] - cumulative[np.maximum(t - width, 0)]) / width
    return mean


def _inactivity(x: np.ndarray, base: Baseline, shutdown: np.ndarray, config: Config) -> tuple[np.ndarray, ...]:
    """Silent days (the shutdown does not count), the silence that is alarming for each merchant's ship-day rate,
    BG/NBD P(alive) over the last 120 days (1 where it does not apply) and the ship-day rate itself."""
    d, n = x.shape
    t = np.arange(d)[:, None]
    shipped = x > 0
    last = np.maximum.accumulate(np.where(shipped, t, -1), axis=0)
    counted = np.concatenate([[0], np.cumsum(~shutdown)])
    silence = np.where(last >= 0, counted[t + 1] - counted[np.maximum(last, 0) + 1], 0)
    # The rhythm as it was at the last shipment: the silence itself must not make silences look usual.
    usual = np.take_along_axis(base.ship_rate, np.maximum(last, 0), axis=0)
    rate = np.clip(usual, 1e-6, 1 - 1e-9)
    threshold = np.maximum(config.min_silence, np.ceil(np.log(config.alpha) / np.log1p(-rate)))
    # BG/NBD in days over a trailing 120-day window: repeat ship days, age at the last one, age now; computed
    # only for merchants that are sparse shippers at some point.
    p_alive = np.ones((d, n))
    sparse = usual < config.sparse_rate
    cols = np.flatnonzero(sparse.any(axis=0))
    if len(cols):
        span = 120
        active = _rolling(shipped[:, cols].astype(np.float64), span) * span
        first = _first_in_window(shipped[:, cols], span)
        age = np.maximum(t - first, 1)
        recency = np.clip(last[:, cols] - first, 0, None)
        cells = sparse[:, cols] & (first >= 0)
        days, which = np.nonzero(cells)
        p_alive[days, cols[which]] = bgnbd_p_alive(*config.bgnbd, np.maximum(active[cells] - 1, 0), recency[cells],
                                                   age[cells])
    return silence, threshold, p_alive, usual


def _first_in_window(shipped: np.ndarray, span: int) -> np.ndarray:
    """Index of the first shipping day within the trailing `span` days (-1 if none)."""
    d = shipped.shape[0]
    t = np.arange(d)
    # Next shipping day at or after each index, then read it at the window's start.
    following = np.where(shipped, t[:, None], d)
    following = np.minimum.accumulate(following[::-1], axis=0)[::-1]
    first = following[np.maximum(t - span + 1, 0)]
    return np.where(first <= t[:, None], first, -1)


class _State:
    """Per-merchant CUSUM and episode state, advanced one day at a time for all merchants at once."""

    def __init__(self, n: int) -> None:
        self.cusum = np.zeros(n)
        self.run_x = np.zeros(n)
        self.run_e = np.zeros(n)
        self.run_days = np.zeros(n, dtype=np.int64)
        self.in_alert = np.zeros(n, dtype=bool)
        self.alert_level = np.zeros(n)

    def step(self, x: np.ndarray, e: np.ndarray, z: np.ndarray, ready: np.ndarray, inactive: np.ndarray,
             week: np.ndarray, level: np.ndarray,
             config: Config) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """One day for every merchant: which fire, whether as a drop, the run's deficit and length."""
        self.cusum = np.where(ready, np.maximum(0.0, self.cusum - z - config.k), 0.0)
        running = self.cusum > 0
        self.run_x = np.where(running, self.run_x + x, 0.0)
        self.run_e = np.where(running, self.run_e + e, 0.0)
        self.run_days = np.where(running, self.run_days + 1, 0)
        deficit = 1.0 - np.divide(self.run_x, self.run_e, out=np.ones_like(x), where=self.run_e > 0)
        # An episode ends when a week's volume is back near the level the merchant had when it was flagged.
        recovered = self.in_alert & (week >= config.recover_share * self.alert_level)
        self.in_alert &= ~recovered
        self.cusum[recovered] = 0.0
        drop = ready & (self.cusum >= config.h) & (deficit >= config.min_deficit)
        fire = ~self.in_alert & (drop | inactive)
        self.in_alert |= fire
        self.alert_level = np.where(fire, level, self.alert_level)
        return fire, drop, deficit, self.run_days
