from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from parcelhub.accounts.models import Merchant
from parcelhub.insights.models import MerchantDay
from parcelhub.simulation.timeline import clock_at

# An ordinary day: no sales season or New Year in the weeks before it.
TODAY = dt.date(2026, 9, 16)
HISTORY = 240


@pytest.fixture
def today():
    """The services take the time from core.clock: fix it at TODAY (09:00)."""
    with clock_at(timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9, 0)))):
        yield TODAY


def write_days(merchant: Merchant, series: np.ndarray, *, last: dt.date = TODAY - dt.timedelta(days=1)) -> None:
    """Store a daily series ending on `last` as MerchantDay rows (days with nothing get no row)."""
    first = last - dt.timedelta(days=len(series) - 1)
    MerchantDay.objects.bulk_create([
        MerchantDay(merchant=merchant, day=first + dt.timedelta(days=i), shipments=int(v), revenue_fen=int(v) * 600,
                    cost_fen=int(v) * 500) for i, v in enumerate(series) if v > 0])


def poisson(level: float, days: int = HISTORY, *, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).poisson(level, days).astype(float)
