"""The one place that asks what time it is, so tests can move time and services agree on 'today'."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate()


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the platform's time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
