"""The statistics of campaign evaluation: holdout assignment, CUPED, difference-in-differences, ROI.

Pure numpy/scipy, no Django: the report selectors feed arrays of per-merchant figures in and render what comes out.

Estimands (docs/campaigns.md):
- A campaign with a holdout: the average effect per treated merchant, mean(Y | treatment) − mean(Y | control), where
  Y is a merchant's total over a window (shipments, revenue or margin). CUPED subtracts θ·(X − mean X) from every Y,
  X being the same merchant's pre-period total and θ = cov(Y, X) / var(X) pooled over both arms (each arm centred on
  its own means, so the treatment effect itself does not leak into θ when the arms' X differ by chance — the
  ANCOVA slope); randomisation makes X independent of the arm, so the estimate stays unbiased while the variance
  drops by a factor 1 − ρ².
- A regional push without a control: each merchant's change (post − pre); the effect is the treated regions' mean
  change minus the comparison regions' mean change, its interval from the merchant-level spread of the changes.
Intervals are Welch t intervals (unequal variances, Welch–Satterthwaite degrees of freedom).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

TREATMENT = "treatment"
CONTROL = "control"
BASIS = 10_000  # control shares are in basis points (1000 = 10 %)


def arm_for(campaign_key: str, merchant_key: str, control_bp: int) -> str:
    """Treatment or control, decided by a stable hash of the two ids: the same pair always lands in the same arm,
    so a relaunch, a late enrolment or a re-evaluation never reshuffles anybody."""
    digest = hashlib.sha256(f"{campaign_key}:{merchant_key}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") % BASIS
    return CONTROL if bucket < control_bp else TREATMENT


@dataclass(frozen=True)
class Estimate:
    """A difference of two means with its confidence interval."""

    effect: float
    low: float
    high: float
    se: float
    n_treatment: int
    n_control: int
    treatment_mean: float
    control_mean: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    @property
    def relative(self) -> float | None:
        """The effect as a share of the control mean (0.15 = +15 %)."""
        return self.effect / self.control_mean if self.control_mean else None


@dataclass(frozen=True)
class CupedEstimate:
    adjusted: Estimate
    plain: Estimate
    theta: float

    @property
    def variance_reduction(self) -> float:
        """1 − var(CUPED) / var(plain): the share of the plain estimate's variance removed."""
        if self.plain.se == 0:
            return 0.0
        return 1.0 - (self.adjusted.se / self.plain.se) ** 2


def _array(values: ArrayLike) -> np.ndarray:
    return np.asarray(values, dtype=float)


def welch(treatment: ArrayLike, control: ArrayLike, *, level: float = 0.95) -> Estimate | None:
    """mean(treatment) − mean(control) with a Welch t interval; None when an arm has fewer than two merchants."""
    t, c = _array(treatment), _array(control)
    if len(t) < 2 or len(c) < 2:
        return None
    var_t, var_c = t.var(ddof=1) / len(t), c.var(ddof=1) / len(c)
    se = math.sqrt(var_t + var_c)
    effect = float(t.mean() - c.mean())
    if se == 0:
        return Estimate(effect, effect, effect, 0.0, len(t), len(c), float(t.mean()), float(c.mean()))
    df = (var_t + var_c) ** 2 / (var_t ** 2 / (len(t) - 1) + var_c ** 2 / (len(c) - 1))
    half = float(stats.t.ppf(0.5 + level / 2, df)) * se
    return Estimate(effect, effect - half, effect + half, se, len(t), len(c), float(t.mean()), float(c.mean()))


def cuped_theta(y: ArrayLike, x: ArrayLike) -> float:
    """cov(Y, X) / var(X) over every merchant of both arms; 0 when the pre-period has no spread."""
    y, x = _array(y), _array(x)
    if len(x) < 2:
        return 0.0
    var_x = x.var(ddof=1)
    if var_x == 0:
        return 0.0
    return float(np.cov(y, x, ddof=1)[0, 1] / var_x)


def pooled_theta(y_treatment: ArrayLike, x_treatment: ArrayLike, y_control: ArrayLike,
                 x_control: ArrayLike) -> float:
    """Σ within-arm cov(Y, X) / Σ within-arm var(X); 0 when the pre-period has no spread."""
    arms = [(_array(y), _array(x)) for y, x in ((y_treatment, x_treatment), (y_control, x_control))]
    pairs = [(y - y.mean(), x - x.mean()) for y, x in arms if len(x)]
    sxx = sum(float(x @ x) for _, x in pairs)
    if sxx == 0:
        return 0.0
    return sum(float(y @ x) for y, x in pairs) / sxx


def cuped(y_treatment: ArrayLike, x_treatment: ArrayLike, y_control: ArrayLike, x_control: ArrayLike, *,
          level: float = 0.95) -> CupedEstimate | None:
    """The CUPED-adjusted difference of the arms' means next to the plain one. Adjusted means are reported on the
    scale of the raw metric (the pooled pre-period mean is added back)."""
    yt, xt, yc, xc = _array(y_treatment), _array(x_treatment), _array(y_control), _array(x_control)
    plain = welch(yt, yc, level=level)
    if plain is None:
        return None
    theta = pooled_theta(yt, xt, yc, xc)
    x_mean = np.concatenate([xt, xc]).mean()
    adjusted = welch(yt - theta * (xt - x_mean), yc - theta * (xc - x_mean), level=level)
    assert adjusted is not None  # same sizes as the plain estimate
    return CupedEstimate(adjusted=adjusted, plain=plain, theta=theta)


def did(pre_treated: ArrayLike, post_treated: ArrayLike, pre_comparison: ArrayLike, post_comparison: ArrayLike,
        *, level: float = 0.95) -> Estimate | None:
    """Difference-in-differences over merchants: mean change of the treated minus mean change of the comparison.
    The reported means are the mean changes of each group."""
    change_t = _array(post_treated) - _array(pre_treated)
    change_c = _array(post_comparison) - _array(pre_comparison)
    return welch(change_t, change_c, level=level)


def proportion_difference(hits_treatment: int, n_treatment: int, hits_control: int, n_control: int, *,
                          level: float = 0.95) -> Estimate | None:
    """Difference of two shares (retention) with a normal-approximation (Wald) interval."""
    if n_treatment < 1 or n_control < 1:
        return None
    p_t, p_c = hits_treatment / n_treatment, hits_control / n_control
    se = math.sqrt(p_t * (1 - p_t) / n_treatment + p_c * (1 - p_c) / n_control)
    half = float(stats.norm.ppf(0.5 + level / 2)) * se
    effect = p_t - p_c
    return Estimate(effect, effect - half, effect + half, se, n_treatment, n_control, p_t, p_c)


def roi(incremental_margin_fen: float, cost_fen: int) -> float | None:
    """(incremental margin − promotion cost) / promotion cost; None when nothing was spent."""
    if cost_fen <= 0:
        return None
    return (incremental_margin_fen - cost_fen) / cost_fen
