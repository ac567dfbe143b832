"""Delivery estimates from delivered history: an 80 % interval of transit days, in whole days. Pure: no Django.

A history sample is one delivered parcel: carrier, origin and destination province, and the number of
calendar days from the start (pickup scan, or label purchase for quote-time estimates) to delivery.

For a lane the model looks for at least `min_samples` samples, from the finest group to the coarsest:
carrier × origin × destination, carrier × destination, carrier × distance band (same province or not),
carrier, then everything. Transit days are whole calendar days, so a plain 10th–90th percentile range
over-covers (with three possible days of 30/50/20 % both ends land on a tail and the range holds 100 %).
The interval is therefore the whole-day range whose historical share is closest to 80 %, tails as equal as
possible, then the narrower — which is the 10th–90th percentile range whenever the data allows one.

After events, the estimate is conditional on the time already spent: only parcels that were still on their
way after as many days count, and the interval is over their remaining days.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

TARGET = 0.80
MIN_SAMPLES = 30
ALL = "*"

Key = tuple[str, ...]
Days = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Sample:
    carrier: str
    origin: str          # province adcode
    destination: str     # province adcode
    days: int            # calendar days from the start to delivery


@dataclass(frozen=True)
class Estimate:
    low: int             # days from the reference date
    high: int
    basis: str           # lane | carrier_destination | carrier_band | carrier | all
    samples: int

    def dates(self, start: dt.date) -> tuple[dt.date, dt.date]:
        return start + dt.timedelta(days=self.low), start + dt.timedelta(days=self.high)


def band(origin: str, destination: str) -> str:
    return "intra" if origin == destination else "inter"


def _keys(carrier: str, origin: str, destination: str) -> list[tuple[str, Key]]:
    return [("lane", ("lane", carrier, origin, destination)),
            ("carrier_destination", ("dest", carrier, destination)),
            ("carrier_band", ("band", carrier, band(origin, destination))),
            ("carrier", ("carrier", carrier)),
            ("all", (ALL,))]


def interval(days: Days, target: float = TARGET) -> tuple[int, int]:
    """The whole-day range [low, high] whose share of `days` is closest to `target` (equal tails, then
    narrower, break ties)."""
    values, counts = np.unique(days, return_counts=True)
    n = int(counts.sum())
    cum = np.concatenate(([0], np.cumsum(counts)))
    i, j = np.triu_indices(len(values))
    covered = (cum[j + 1] - cum[i]) / n
    below = cum[i] / n
    above = (n - cum[j + 1]) / n
    width = values[j] - values[i]
    order = np.lexsort((width, np.abs(below - above), np.round(np.abs(covered - target), 9)))
    best = order[0]
    return int(values[i[best]]), int(values[j[best]])


class EtaModel:
    """Transit-day samples grouped at every level of the fallback chain."""

    def __init__(self, samples: Iterable[Sample], *, min_samples: int = MIN_SAMPLES) -> None:
        self.min_samples = min_samples
        groups: dict[Key, list[int]] = defaultdict(list)
        for s in samples:
            for _basis, key in _keys(s.carrier, s.origin, s.destination):
                groups[key].append(s.days)
        self.groups: dict[Key, Days] = {k: np.sort(np.asarray(v, dtype=np.int64)) for k, v in groups.items()}

    @property
    def size(self) -> int:
        return int(self.groups[(ALL,)].size) if (ALL,) in self.groups else 0

    def estimate(self, carrier: str, origin: str, destination: str, *, elapsed: int = 0) -> Estimate | None:
        """Days from today (or from the start when `elapsed` is 0) to delivery, given `elapsed` whole days
        already spent on the way; None without enough history anywhere."""
        for basis, key in _keys(carrier, origin, destination):
            days = self.groups.get(key)
            if days is None:
                continue
            remaining = days[days >= elapsed] - elapsed if elapsed > 0 else days
            if remaining.size >= self.min_samples:
                low, high = interval(remaining)
                return Estimate(low=low, high=high, basis=basis, samples=int(remaining.size))
        return None


@dataclass(frozen=True)
class Calibration:
    tested: int
    inside: int
    per_carrier: dict[str, tuple[int, int]]   # carrier -> (tested, inside)

    @property
    def coverage(self) -> float:
        return self.inside / self.tested if self.tested else 0.0


def calibrate(train: Sequence[Sample], test: Sequence[Sample], *, min_samples: int = MIN_SAMPLES,
              elapsed: int = 0) -> Calibration:
    """Share of held-out deliveries whose transit days fall inside the interval fitted on `train`; with
    `elapsed`, of the held-out parcels still on their way after that many days, the share whose remaining
    days fall inside the conditional interval."""
    model = EtaModel(train, min_samples=min_samples)
    tested, inside = 0, 0
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for s in test:
        if s.days < elapsed:
            continue
        estimate = model.estimate(s.carrier, s.origin, s.destination, elapsed=elapsed)
        if estimate is None:
            continue
        hit = estimate.low <= s.days - elapsed <= estimate.high
        tested += 1
        inside += hit
        per[s.carrier][0] += 1
        per[s.carrier][1] += hit
    return Calibration(tested=tested, inside=inside, per_carrier={c: (v[0], v[1]) for c, v in sorted(per.items())})


def split(samples: Sequence[Sample], holdout: float, seed: int = 0) -> tuple[list[Sample], list[Sample]]:
    """A random train/test split, reproducible by `seed`."""
    rng = np.random.default_rng(seed)
    mask = rng.random(len(samples)) < holdout
    train = [s for s, m in zip(samples, mask, strict=True) if not m]
    test = [s for s, m in zip(samples, mask, strict=True) if m]
    return train, test
