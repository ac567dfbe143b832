"""Moving the demo's clock: the demo world's history happened in the past, and the services take the time
from core.clock, so while one past event is replayed the clock says when. Only the single-threaded demo
command does this."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from parcelhub.core import clock


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    real_now, real_today = clock.now, clock.today
    clock.now = lambda: moment
    clock.today = lambda: moment.date()
    try:
        yield
    finally:
        clock.now, clock.today = real_now, real_today
