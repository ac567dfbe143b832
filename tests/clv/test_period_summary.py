"""Dated activity -> (frequency, recency, T, monetary value) with one purchase per active week."""

from __future__ import annotations

import numpy as np
import pytest

from parcelhub.crm import clv


def test_weekly_summary_of_three_customers():
    customer = [10, 10, 10, 10, 3, 7, 7]
    day = [0, 1, 8, 20, 5, 10, 17]
    value = [5.0, 5.0, 10.0, 20.0, 7.0, 4.0, 6.0]
    s = clv.period_summary(customer, day, value, last_day=27)
    assert s.customers.tolist() == [3, 7, 10]
    assert s.frequency.tolist() == [0.0, 1.0, 2.0]
    assert s.recency.tolist() == [0.0, 1.0, 2.0]
    assert s.T.tolist() == pytest.approx([23 / 7, 18 / 7, 28 / 7])
    # The first active week is the acquisition, not a repeat purchase: its value is left out of the mean.
    assert s.monetary_value.tolist() == [0.0, 6.0, 15.0]


def test_daily_periods_and_a_summary_the_model_accepts():
    s = clv.period_summary([1, 1, 1, 2], [100, 101, 105, 104], [1.0, 2.0, 3.0, 4.0], last_day=105, period_days=1)
    assert (s.frequency.tolist(), s.recency.tolist(), s.T.tolist()) == ([2.0, 0.0], [5.0, 0.0], [6.0, 2.0])
    clv.validate_summary(s.frequency, s.recency, s.T)


def test_activity_after_the_observation_end_is_rejected():
    with pytest.raises(clv.ClvInputError, match="after the last day"):
        clv.period_summary([1], [30], [1.0], last_day=29)
    with pytest.raises(clv.ClvInputError, match="non-empty"):
        clv.period_summary([], [], [], last_day=29)


def test_discounted_value_with_explicit_spend_matches_clv_discounted():
    bg = clv.BgNbdParams(0.243, 4.414, 0.793, 2.426, 0.0)
    gg = clv.GammaGammaParams(6.25, 3.74, 15.44, 0.0)
    x, t_x, t, m = np.array([2.0, 5.0]), np.array([30.0, 20.0]), np.array([38.0, 39.0]), np.array([22.0, 40.0])
    spend = clv.gamma_gamma_expected_spend(6.25, 3.74, 15.44, x, m)
    assert clv.discounted_value(bg, x, t_x, t, spend).tolist() == clv.clv_discounted(bg, gg, x, t_x, t, m).tolist()
