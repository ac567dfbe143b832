"""Subscription periods, proration and the reminder/grace calendar: pure date and integer arithmetic.

No Django here, so the rules that decide what a merchant pays are unit-tested on their own. Periods are
inclusive: a monthly period starting 2026-11-23 covers 2026-11-23 … 2026-12-22, and `period_end` is its last
covered day.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

MONTHLY = "monthly"
ANNUAL = "annual"
CYCLES = (MONTHLY, ANNUAL)
CYCLE_MONTHS = {MONTHLY: 1, ANNUAL: 12}

# Days before the end of a period when the owner is reminded, largest first.
REMINDER_DAYS = (7, 3, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: dt.date, months: int) -> dt.date:
    """The last day covered by `months` months starting on `start`."""
    if months < 1:
        raise ValueError("a period is at least one month")
    return add_months(start, months) - dt.timedelta(days=1)


def cycle_end(start: dt.date, cycle: str) -> dt.date:
    return period_end(start, CYCLE_MONTHS[cycle])


def days_inclusive(first: dt.date, last: dt.date) -> int:
    return max(0, (last - first).days + 1)


@dataclass(frozen=True)
class Proration:
    """What a plan change costs today: the new period's price less the credit for the unused old period."""

    price_fen: int          # the new plan's price for one full cycle
    credit_fen: int         # the unused part of what was paid for the current period
    due_fen: int            # price − credit; negative means money goes back to the wallet
    unused_days: int
    period_days: int


def unused_credit(*, paid_fen: int, period_start: dt.date, period_end: dt.date, today: dt.date) -> tuple[int, int, int]:
    """(credit, unused days, period days). Credit = ⌊paid × unused days ÷ period days⌋, today counting as
    unused (the new plan starts today); rounding down keeps the result a whole fen and never over-credits."""
    total = days_inclusive(period_start, period_end)
    unused = days_inclusive(max(today, period_start), period_end)
    if paid_fen <= 0 or total == 0 or unused == 0:
        return 0, unused, total
    return paid_fen * unused // total, unused, total


def prorate(*, new_price_fen: int, paid_fen: int, period_start: dt.date | None, period_end: dt.date | None,
            today: dt.date) -> Proration:
    if new_price_fen < 0 or paid_fen < 0:
        raise ValueError("prices are never negative")
    if period_start is None or period_end is None:
        return Proration(new_price_fen, 0, new_price_fen, 0, 0)
    credit, unused, total = unused_credit(paid_fen=paid_fen, period_start=period_start, period_end=period_end,
                                          today=today)
    return Proration(new_price_fen, credit, new_price_fen - credit, unused, total)


def reminder_due(*, period_end: dt.date, today: dt.date) -> int | None:
    """Which reminder (7, 3 or 1 days before) is due today, if any: the smallest threshold at or above the days
    left, so a job that missed a day still sends each reminder, once, a little late rather than never."""
    days_left = (period_end - today).days
    if days_left < 1 or days_left > REMINDER_DAYS[0]:
        return None
    return min(t for t in REMINDER_DAYS if t >= days_left)


def effective_status(*, stored: str, period_end: dt.date | None, today: dt.date, grace_days: int,
                     auto_renew: bool) -> str:
    """The status a merchant has today, whether or not the daily job has run yet.

    trial → free once the trial's last day has passed; active → grace for `grace_days` after the period ends
    when it renews automatically (the renewal is being retried), then expired; a subscription that will not
    renew ends without grace."""
    if stored in ("free", "expired") or period_end is None:
        return stored if stored == "expired" else "free"
    if today <= period_end:
        return stored
    if stored == "trial":
        return "free"
    if auto_renew and (today - period_end).days <= grace_days:
        return "grace"
    return "expired"
