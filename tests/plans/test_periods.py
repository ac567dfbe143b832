"""The pure period, proration, reminder and status rules."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.plans import periods

D = dt.date


@pytest.mark.parametrize("start,months,end", [
    (D(2026, 11, 23), 1, D(2026, 12, 22)),
    (D(2026, 1, 31), 1, D(2026, 2, 27)),      # Feb 28 is the "same day"; the period ends the day before
    (D(2028, 1, 31), 1, D(2028, 2, 28)),      # leap year: Feb 29 − 1
    (D(2026, 12, 1), 12, D(2027, 11, 30)),
    (D(2026, 3, 1), 1, D(2026, 3, 31)),
])
def test_period_end(start, months, end):
    assert periods.period_end(start, months) == end


def test_add_months_crosses_years():
    assert periods.add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert periods.add_months(D(2026, 5, 15), 12) == D(2027, 5, 15)


def test_upgrade_half_way_through_a_thirty_day_month():
    # Paid ¥99.00 for 2026-11-01 … 2026-11-30 (30 days); on the 16th, 15 days are unused (16th … 30th).
    p = periods.prorate(new_price_fen=49_900, paid_fen=9_900, period_start=D(2026, 11, 1),
                        period_end=D(2026, 11, 30), today=D(2026, 11, 16))
    assert (p.credit_fen, p.due_fen, p.unused_days, p.period_days) == (4_950, 44_950, 15, 30)


def test_credit_rounds_down_to_a_whole_fen():
    # 9 900 × 10 ÷ 31 = 3 193.548… → 3 193
    p = periods.prorate(new_price_fen=0, paid_fen=9_900, period_start=D(2026, 12, 1),
                        period_end=D(2026, 12, 31), today=D(2026, 12, 22))
    assert (p.credit_fen, p.due_fen, p.unused_days) == (3_193, -3_193, 10)


def test_downgrade_from_annual_gives_money_back():
    # ¥4 990.00 for 365 days, 100 days in: 265 unused → 499 000 × 265 // 365 = 362 287; Pro monthly costs 9 900.
    start = D(2026, 1, 1)
    p = periods.prorate(new_price_fen=9_900, paid_fen=499_000, period_start=start,
                        period_end=periods.cycle_end(start, "annual"), today=start + dt.timedelta(days=100))
    assert (p.credit_fen, p.due_fen, p.unused_days, p.period_days) == (362_287, -352_387, 265, 365)


def test_no_credit_without_a_period_or_on_the_first_day_full_credit():
    assert periods.prorate(new_price_fen=9_900, paid_fen=0, period_start=None, period_end=None,
                           today=D(2026, 1, 1)).due_fen == 9_900
    first = periods.prorate(new_price_fen=9_900, paid_fen=9_900, period_start=D(2026, 1, 1),
                            period_end=D(2026, 1, 31), today=D(2026, 1, 1))
    assert (first.credit_fen, first.due_fen) == (9_900, 0)
    after = periods.prorate(new_price_fen=9_900, paid_fen=9_900, period_start=D(2026, 1, 1),
                            period_end=D(2026, 1, 31), today=D(2026, 2, 3))
    assert (after.credit_fen, after.unused_days) == (0, 0)


@pytest.mark.parametrize("days_left,due", [(8, None), (7, 7), (6, 7), (4, 7), (3, 3), (2, 3), (1, 1), (0, None),
                                           (-1, None)])
def test_which_reminder_is_due(days_left, due):
    end = D(2026, 12, 31)
    assert periods.reminder_due(period_end=end, today=end - dt.timedelta(days=days_left)) == due


@pytest.mark.parametrize("stored,days_after_end,auto_renew,expected", [
    ("active", -1, True, "active"), ("active", 0, True, "active"), ("active", 1, True, "grace"),
    ("active", 7, True, "grace"), ("active", 8, True, "expired"), ("active", 1, False, "expired"),
    ("trial", 0, False, "trial"), ("trial", 1, False, "free"), ("expired", -5, True, "expired"),
    ("free", 0, True, "free"),
])
def test_effective_status(stored, days_after_end, auto_renew, expected):
    end = D(2026, 12, 31)
    assert periods.effective_status(stored=stored, period_end=end, today=end + dt.timedelta(days=days_after_end),
                                    grace_days=7, auto_renew=auto_renew) == expected
