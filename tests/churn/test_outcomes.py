from __future__ import annotations

import numpy as np

from parcelhub.crm.churn.outcomes import CHURNED, RECOVERED, Rules, outcome


def test_a_week_back_at_the_usual_level_is_a_recovery_on_its_last_day():
    series = np.array([0, 0, 3, 10, 10, 10, 8, 8, 9, 10, 10, 10])
    # Level 10 needs 56 parcels in 7 days: days 1..7 hold 49, days 2..8 hold 58, so day 8 decides.
    assert outcome(series, level=10) == (RECOVERED, 8)


def test_the_alert_day_itself_never_counts_towards_recovery():
    series = np.array([80, 0, 0, 0, 0, 0, 0, 0])
    assert outcome(series, level=10) is None


def test_thirty_days_of_nothing_is_churn_counting_the_silence_before_the_alert():
    series = np.zeros(40)
    assert outcome(series, level=5, silent_before=10) == (CHURNED, 19)
    assert outcome(series, level=5) == (CHURNED, 29)
    assert outcome(series[:29], level=5) is None


def test_a_trickle_below_the_usual_level_is_neither():
    series = np.array([1, 0, 0, 1, 0, 0, 1] * 8)
    assert outcome(series, level=10, rules=Rules(churned_days=30)) is None


def test_no_recovery_for_two_months_is_churn_too():
    series = np.array([1, 0, 0, 1, 0, 0, 1] * 10)
    assert outcome(series, level=10) == (CHURNED, 60)
    assert outcome(series[:60], level=10) is None
