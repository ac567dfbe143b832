"""The pure statistics on synthetic data with a known effect."""

from __future__ import annotations

import numpy as np
import pytest

from parcelhub.marketing.campaigns import evaluation
from parcelhub.marketing.campaigns.evaluation import CONTROL, TREATMENT

EFFECT = 12.0      # shipments per treated merchant over the window
REPLICATIONS = 200


def synthetic_campaign(seed: int, n: int = 400, control_share: float = 0.5, effect: float = EFFECT):
    """Pre-period volume X (skewed, like merchants'), window volume Y ≈ X + noise, plus `effect` for treatment."""
    rng = np.random.default_rng(seed)
    x = rng.gamma(shape=2.0, scale=40.0, size=n)
    y = 1.1 * x + rng.normal(0, 15.0, size=n)
    treated = rng.random(n) >= control_share
    y = y + effect * treated
    return y[treated], x[treated], y[~treated], x[~treated]


def test_arm_is_stable_and_near_the_share():
    arms = [evaluation.arm_for("cmp_A", f"mch_{i}", 1000) for i in range(5000)]
    assert arms == [evaluation.arm_for("cmp_A", f"mch_{i}", 1000) for i in range(5000)]
    assert 0.085 < arms.count(CONTROL) / 5000 < 0.115
    # Another campaign shuffles independently; share 0 puts everybody in treatment, 100 % in control.
    other = [evaluation.arm_for("cmp_B", f"mch_{i}", 1000) for i in range(5000)]
    assert other != arms
    assert {evaluation.arm_for("cmp_A", f"mch_{i}", 0) for i in range(500)} == {TREATMENT}
    assert {evaluation.arm_for("cmp_A", f"mch_{i}", 10_000) for i in range(500)} == {CONTROL}


def test_welch_on_hand_checked_numbers():
    estimate = evaluation.welch([1, 2, 3, 4], [1, 1, 1, 2])
    assert estimate.effect == pytest.approx(1.25)
    # se = sqrt(var_t/4 + var_c/4) = sqrt(1.6667/4 + 0.25/4)
    assert estimate.se == pytest.approx(((5 / 3) / 4 + 0.25 / 4) ** 0.5)
    assert (estimate.treatment_mean, estimate.control_mean) == (2.5, 1.25)
    assert estimate.low < 1.25 < estimate.high
    assert evaluation.welch([1], [1, 2]) is None


def test_cuped_is_unbiased_and_narrower_than_the_plain_difference():
    adjusted, plain, adjusted_se, plain_se = [], [], [], []
    for seed in range(REPLICATIONS):
        result = evaluation.cuped(*synthetic_campaign(seed))
        adjusted.append(result.adjusted.effect)
        plain.append(result.plain.effect)
        adjusted_se.append(result.adjusted.se)
        plain_se.append(result.plain.se)
    # Unbiased: the mean over 200 replications is within ~3 standard errors of that mean of the truth.
    assert abs(np.mean(adjusted) - EFFECT) < 3 * np.std(adjusted) / np.sqrt(REPLICATIONS)
    assert abs(np.mean(adjusted) - EFFECT) < 1.0
    # Narrower: the pre-period explains most of the window's variance here (ρ² ≈ 0.9).
    assert np.mean(adjusted_se) < 0.45 * np.mean(plain_se)
    assert np.std(adjusted) < 0.45 * np.std(plain)


def test_cuped_theta_is_the_pooled_regression_slope():
    x = np.array([10.0, 20.0, 30.0, 40.0])
    y = 2 * x + 5
    assert evaluation.cuped_theta(y, x) == pytest.approx(2.0)
    assert evaluation.cuped_theta(y, np.full(4, 7.0)) == 0.0


def test_pooled_theta_ignores_the_arms_difference():
    # Within each arm Y = X (+5 for treatment); the arms' X differ, which must not tilt θ away from 1.
    x_t, x_c = np.array([20.0, 22, 24, 26]), np.array([10.0, 12, 14])
    theta = evaluation.pooled_theta(x_t + 5, x_t, x_c, x_c)
    assert theta == pytest.approx(1.0)
    assert evaluation.cuped(x_t + 5, x_t, x_c, x_c).adjusted.effect == pytest.approx(5.0)
    # The slope over everybody at once would mix the effect into θ.
    assert evaluation.cuped_theta(np.concatenate([x_t + 5, x_c]), np.concatenate([x_t, x_c])) > 1.1


def test_cuped_interval_covers_the_truth_about_95_percent_of_the_time():
    covered = sum(evaluation.cuped(*synthetic_campaign(seed, control_share=0.1)).adjusted.contains(EFFECT)
                  for seed in range(1000, 1000 + REPLICATIONS))
    assert 0.90 <= covered / REPLICATIONS <= 0.99


def test_null_effect_interval_covers_zero_about_95_percent_of_the_time():
    covered = sum(evaluation.cuped(*synthetic_campaign(seed, effect=0.0)).adjusted.contains(0.0)
                  for seed in range(2000, 2000 + REPLICATIONS))
    assert 0.90 <= covered / REPLICATIONS <= 0.99


def synthetic_regions(seed: int, effect: float, n_treated: int = 120, n_comparison: int = 300):
    """Regions differ in level (the treated one ships more) and share a common trend (+8 for everybody)."""
    rng = np.random.default_rng(seed)
    pre_t = rng.gamma(2.0, 50.0, n_treated) + 30
    pre_c = rng.gamma(2.0, 40.0, n_comparison)
    post_t = pre_t + 8 + effect + rng.normal(0, 12, n_treated)
    post_c = pre_c + 8 + rng.normal(0, 12, n_comparison)
    return pre_t, post_t, pre_c, post_c


def test_did_recovers_a_known_effect_despite_different_levels_and_a_common_trend():
    estimates = [evaluation.did(*synthetic_regions(seed, effect=20.0)) for seed in range(REPLICATIONS)]
    assert abs(np.mean([e.effect for e in estimates]) - 20.0) < 0.5
    coverage = sum(e.contains(20.0) for e in estimates) / REPLICATIONS
    assert 0.90 <= coverage <= 0.99
    # A naive post-period comparison would be far off: the treated region ships more to begin with.
    pre_t, post_t, pre_c, post_c = synthetic_regions(0, effect=20.0)
    assert post_t.mean() - post_c.mean() > 40


def test_proportion_difference():
    estimate = evaluation.proportion_difference(90, 100, 40, 50)
    assert estimate.effect == pytest.approx(0.1)
    assert estimate.se == pytest.approx((0.9 * 0.1 / 100 + 0.8 * 0.2 / 50) ** 0.5)
    assert estimate.low == pytest.approx(0.1 - 1.959964 * estimate.se, rel=1e-5)
    assert evaluation.proportion_difference(1, 0, 1, 1) is None


def test_roi():
    assert evaluation.roi(30_000, 10_000) == pytest.approx(2.0)
    assert evaluation.roi(5_000, 10_000) == pytest.approx(-0.5)
    assert evaluation.roi(5_000, 0) is None
