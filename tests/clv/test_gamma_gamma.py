"""Gamma-Gamma against the published CDNOW results (Fader & Hardie, 946 repeat buyers) and the discounted CLV."""

from __future__ import annotations

import numpy as np
import pytest

from parcelhub.crm import clv
from tests.clv.cdnow import cdnow


def test_fit_recovers_the_published_parameters_on_the_repeat_buyers():
    d = cdnow()
    assert int(np.count_nonzero(d["x"] > 0)) == 946
    fit = clv.gamma_gamma_fit(d["x"], d["zbar"])
    assert fit.p == pytest.approx(6.25, abs=0.01)
    assert fit.q == pytest.approx(3.74, abs=0.01)
    assert fit.v == pytest.approx(15.44, abs=0.02)


def test_expected_spend_shrinks_a_customers_mean_towards_the_population_mean():
    p, q, v = 6.25, 3.74, 15.44
    population = p * v / (q - 1)
    spend = clv.gamma_gamma_expected_spend(p, q, v, [0, 1, 2, 1000], [0.0, 60.0, 22.35, 60.0])
    assert spend[0] == pytest.approx(population, rel=1e-12)
    # One purchase of 60: weight p/(p+q-1) on it.
    assert spend[1] == pytest.approx((2.74 * population + 6.25 * 60) / (6.25 + 2.74), rel=1e-12)
    assert spend[2] == pytest.approx((2.74 * population + 12.5 * 22.35) / (12.5 + 2.74), rel=1e-12)
    assert spend[3] == pytest.approx(60.0, rel=1e-3)


def test_gamma_gamma_needs_repeat_buyers_and_finite_mean():
    with pytest.raises(clv.ClvInputError, match="at least two customers"):
        clv.gamma_gamma_fit([0, 0, 1], [0, 0, 5])
    with pytest.raises(clv.ClvInputError, match="0 or more"):
        clv.gamma_gamma_fit([1, 2], [-5, 3])
    with pytest.raises(clv.ClvInputError, match="q must be greater than 1"):
        clv.gamma_gamma_expected_spend(1.0, 0.9, 1.0, [1], [1])


def test_monthly_discount_rate_compounds_to_the_annual_rate():
    assert (1 + clv.monthly_discount_rate(0.10)) ** 12 == pytest.approx(1.10, rel=1e-12)
    assert clv.monthly_discount_rate(0.0) == 0.0


def test_clv_without_discount_is_twelve_months_of_purchases_times_spend():
    bg = clv.BgNbdParams(0.243, 4.414, 0.793, 2.426, 0.0)
    gg = clv.GammaGammaParams(6.25, 3.74, 15.44, 0.0)
    x, t_x, t, m = np.array([2.0, 0.0]), np.array([30.43, 0.0]), np.array([38.86, 38.86]), np.array([22.35, 0.0])
    value = clv.clv_discounted(bg, gg, x, t_x, t, m, annual_discount_rate=0.0, periods_per_month=52 / 12)
    purchases = clv.bgnbd_expected_purchases(0.243, 4.414, 0.793, 2.426, x, t_x, t, 52.0)
    spend = clv.gamma_gamma_expected_spend(6.25, 3.74, 15.44, x, m)
    assert value == pytest.approx(purchases * spend, rel=1e-12)


def test_one_month_clv_is_discounted_once():
    bg = clv.BgNbdParams(0.243, 4.414, 0.793, 2.426, 0.0)
    gg = clv.GammaGammaParams(6.25, 3.74, 15.44, 0.0)
    value = clv.clv_discounted(bg, gg, [3], [20], [30], [40.0], months=1, periods_per_month=4.0,
                               annual_discount_rate=0.2)
    purchases = clv.bgnbd_expected_purchases(0.243, 4.414, 0.793, 2.426, 3, 20, 30, 4.0)
    spend = clv.gamma_gamma_expected_spend(6.25, 3.74, 15.44, [3], [40.0])
    assert value == pytest.approx(purchases * spend / 1.2 ** (1 / 12), rel=1e-12)
    twelve = clv.clv_discounted(bg, gg, [3], [20], [30], [40.0], annual_discount_rate=0.2)
    undiscounted = clv.clv_discounted(bg, gg, [3], [20], [30], [40.0], annual_discount_rate=0.0)
    assert twelve[0] < undiscounted[0]
