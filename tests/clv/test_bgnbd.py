"""BG/NBD against the published CDNOW results (Fader, Hardie & Lee 2005) and against its own identities."""

from __future__ import annotations

import numpy as np
import pytest

from parcelhub.crm import clv
from tests.clv.cdnow import cdnow

PUBLISHED = (0.243, 4.414, 0.793, 2.426)


def test_log_likelihood_at_the_published_parameters_is_the_published_value():
    d = cdnow()
    assert round(clv.bgnbd_log_likelihood(*PUBLISHED, d["x"], d["t_x"], d["T"]), 1) == -9582.4


def test_fit_recovers_the_published_parameters():
    d = cdnow()
    fit = clv.bgnbd_fit(d["x"], d["t_x"], d["T"])
    assert fit.r == pytest.approx(0.243, abs=0.0015)
    assert fit.alpha == pytest.approx(4.414, abs=0.01)
    assert fit.a == pytest.approx(0.793, abs=0.002)
    assert fit.b == pytest.approx(2.426, abs=0.005)
    assert round(fit.log_likelihood, 1) == -9582.4
    # The optimum is at least as likely as the rounded published point.
    assert fit.log_likelihood >= clv.bgnbd_log_likelihood(*PUBLISHED, d["x"], d["t_x"], d["T"])


def test_conditional_expectation_of_the_papers_example_customer():
    # Section 5 of the paper: 2 repeat purchases, the last at week 30.43 of 38.86 -> 1.226 in the next 39 weeks.
    expected = clv.bgnbd_expected_purchases(*PUBLISHED, 2, 30.43, 38.86, 39)
    assert round(float(expected), 3) == 1.226


def test_p_alive_is_the_alive_share_of_the_likelihood():
    # L = A1·A2 (alive at T) + A1·A3 (dropped out after t_x), so P(alive) = A1·A2 / L, computed here independently.
    from scipy import special

    r, alpha, a, b = PUBLISHED
    x, t_x, t = np.array([1.0, 2.0, 7.0, 3.0]), np.array([2.0, 30.43, 35.0, 5.0]), np.array([38.86, 38.86, 38.0, 38.0])
    ln_alive = (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
                + special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * np.log(alpha + t))
    ln_total = clv.bgnbd_log_likelihood_terms(r, alpha, a, b, x, t_x, t)
    assert clv.bgnbd_p_alive(r, alpha, a, b, x, t_x, t) == pytest.approx(np.exp(ln_alive - ln_total), rel=1e-12)


def test_p_alive_of_customers_without_repeat_purchases_is_one_and_falls_with_silence():
    r, alpha, a, b = PUBLISHED
    assert clv.bgnbd_p_alive(r, alpha, a, b, [0, 0], [0, 0], [5, 80]).tolist() == [1.0, 1.0]
    silent_for = clv.bgnbd_p_alive(r, alpha, a, b, [4, 4, 4], [10, 10, 10], [12, 20, 40])
    assert silent_for[0] > silent_for[1] > silent_for[2]
    assert round(float(clv.bgnbd_p_alive(r, alpha, a, b, 2, 30.43, 38.86)), 4) == 0.7266


def test_a_brand_new_customer_expects_the_unconditional_number():
    r, alpha, a, b = PUBLISHED
    conditional = clv.bgnbd_expected_purchases(r, alpha, a, b, 0, 0, 1e-9, [13, 39, 78])
    assert conditional == pytest.approx(clv.bgnbd_expected_purchases_new(r, alpha, a, b, [13, 39, 78]), rel=1e-6)


def test_vectorised_equals_one_customer_at_a_time():
    d = cdnow()
    sl = slice(0, 50)
    whole = clv.bgnbd_expected_purchases(*PUBLISHED, d["x"][sl], d["t_x"][sl], d["T"][sl], 39)
    single = [float(clv.bgnbd_expected_purchases(*PUBLISHED, x, t_x, t, 39))
              for x, t_x, t in zip(d["x"][sl], d["t_x"][sl], d["T"][sl], strict=True)]
    assert whole.tolist() == pytest.approx(single, rel=1e-12)


def test_fit_recovers_parameters_of_simulated_customers():
    # Simulate the BG/NBD story directly (Poisson purchases at a gamma rate, a coin with beta p after each one).
    rng = np.random.default_rng(7)
    r, alpha, a, b, n, horizon = 0.8, 6.0, 0.6, 3.0, 6000, 52.0
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    x, t_x = np.zeros(n), np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > horizon:
                break
            x[i], t_x[i] = x[i] + 1, t
            if rng.random() < p[i]:
                break
    fit = clv.bgnbd_fit(x, t_x, np.full(n, horizon))
    assert fit.r == pytest.approx(r, rel=0.15)
    assert fit.alpha == pytest.approx(alpha, rel=0.2)
    assert fit.a == pytest.approx(a, rel=0.25)
    assert fit.b == pytest.approx(b, rel=0.35)


@pytest.mark.parametrize(("x", "t_x", "t", "needle"), [
    ([-1], [0], [5], "whole number"),
    ([1.5], [1], [5], "whole number"),
    ([2], [6], [5], "later than T"),
    ([0], [3], [5], "recency must be 0"),
    ([1], [1], [0], "T greater than 0"),
    ([1, 2], [1], [5], "same length"),
    ([], [], [], "non-empty"),
    ([1], [float("nan")], [5], "finite"),
])
def test_bad_summaries_are_rejected_with_a_reason(x, t_x, t, needle):
    with pytest.raises(clv.ClvInputError, match=needle):
        clv.bgnbd_fit(x, t_x, t)


def test_quadrature_path_agrees_with_the_closed_form_on_cdnow():
    d = cdnow()
    closed = (clv.bgnbd_expected_purchases(*PUBLISHED, d["x"], d["t_x"], d["T"], 39)
              / clv.bgnbd_p_alive(*PUBLISHED, d["x"], d["t_x"], d["T"]))
    integrated = clv._expected_alive_by_quadrature(*PUBLISHED, d["x"], d["T"], np.full(d["x"].size, 39.0))
    assert integrated == pytest.approx(closed, rel=1e-10)


def test_near_poisson_fits_of_very_regular_buyers_stay_finite():
    # Weekly shippers fit to huge r and alpha (rate r/alpha ≈ 0.98 a week) and tiny dropout, where 2F1 overflows.
    r, alpha, a, b = 15131.8, 15466.2, 25.04, 2178.3
    expected = clv.bgnbd_expected_purchases(r, alpha, a, b, [42, 0], [42, 0], [42.86, 42.86], 52)
    alive = clv.bgnbd_p_alive(r, alpha, a, b, 42, 42, 42.86)
    rate = (r + 42) / (alpha + 42.86)
    assert np.all(np.isfinite(expected))
    # Alive, a nearly fixed rate and dropout p ≈ a/(a+b+x) after each purchase: (1 − e^(−rate·p·52)) / p.
    p = a / (a + b + 42)
    assert expected[0] / alive == pytest.approx((1 - np.exp(-rate * p * 52)) / p, rel=0.01)
