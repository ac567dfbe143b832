"""Customer lifetime value: BG/NBD for the number of future purchases, Gamma-Gamma for their value.

Pure numerics (numpy / scipy, no Django) so the models can be fitted offline (`parcelhub clv-fit`), checked against
the published CDNOW results, and reused by churn detection (P(alive) for sparse shippers).

Notation follows Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way": per customer `frequency` x
(repeat purchases), `recency` t_x (age at the last purchase) and `T` (age at the end of the calibration period), all
in one time unit of the caller's choice (weeks for CDNOW, weeks for merchants). Gamma-Gamma (Fader & Hardie, "The
Gamma-Gamma Model of Monetary Value") takes the mean value of the repeat purchases; its scale parameter is called
`v` (γ in the note). Every function is vectorised over numpy arrays of customers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import linalg, optimize, special

Array = NDArray[np.float64]


@dataclass(frozen=True)
class BgNbdParams:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    v: float
    log_likelihood: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


class ClvInputError(ValueError):
    """The customer summary cannot be fitted (negative counts, recency after T, no repeat buyers, …)."""


def _arrays(*values: ArrayLike) -> list[Array]:
    return [np.asarray(v, dtype=np.float64) for v in values]


def validate_summary(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> None:
    x, t_x, t = _arrays(frequency, recency, T)
    if not (x.shape == t_x.shape == t.shape) or x.ndim != 1 or x.size == 0:
        raise ClvInputError("frequency, recency and T must be non-empty columns of the same length")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(t_x)) and np.all(np.isfinite(t))):
        raise ClvInputError("frequency, recency and T must be finite numbers")
    if np.any(x < 0) or np.any(x != np.floor(x)):
        raise ClvInputError("frequency must be a whole number of repeat purchases, 0 or more")
    if np.any(t_x < 0) or np.any(t <= 0):
        raise ClvInputError("recency must be 0 or more and T greater than 0")
    if np.any(t_x > t * (1 + 1e-9)):
        raise ClvInputError("recency cannot be later than T")
    if np.any((x == 0) & (t_x != 0)):
        raise ClvInputError("recency must be 0 for customers without repeat purchases")


# --- BG/NBD -----------------------------------------------------------------------------------------------------

def bgnbd_log_likelihood_terms(r: float, alpha: float, a: float, b: float, frequency: ArrayLike,
                               recency: ArrayLike, T: ArrayLike) -> Array:
    """Log-likelihood of each customer's (x, t_x, T) under BG/NBD (equation 6 of the paper)."""
    x, t_x, t = _arrays(frequency, recency, T)
    # r·ln α − (r+x)·ln(α+T) written with log1p: near-Poisson fits have huge r and α, where the difference of two
    # large logarithms loses every significant digit.
    ln_rate = special.gammaln(r + x) - special.gammaln(r)
    ln_a2 = special.betaln(a, b + x) - special.betaln(a, b) - r * np.log1p(t / alpha) - x * np.log(alpha + t)
    repeat = x > 0
    # B(a+1, b+x-1) is undefined for x = 0; those customers have no dropout term, so evaluate it at x = 1.
    x_safe = np.where(repeat, x, 1.0)
    ln_a3 = (special.betaln(a + 1, b + x_safe - 1) - special.betaln(a, b) - r * np.log1p(t_x / alpha)
             - x * np.log(alpha + t_x))
    return np.asarray(ln_rate + np.where(repeat, np.logaddexp(ln_a2, ln_a3), ln_a2), dtype=np.float64)


def bgnbd_log_likelihood(r: float, alpha: float, a: float, b: float, frequency: ArrayLike, recency: ArrayLike,
                         T: ArrayLike) -> float:
    return float(np.sum(bgnbd_log_likelihood_terms(r, alpha, a, b, frequency, recency, T)))


def _compress(*columns: Array) -> tuple[list[Array], Array]:
    """Identical customers contribute identical terms: fit on the distinct rows, weighted by their counts."""
    rows, counts = np.unique(np.column_stack(columns), axis=0, return_counts=True)
    return [rows[:, i] for i in range(rows.shape[1])], counts.astype(np.float64)


# Log-parameters stay within e^±20: a population of perfectly regular buyers drives the likelihood towards the
# Poisson limit (r, α → ∞) or a degenerate dropout (a, b → 0), where nothing more is learnt and floats overflow.
LOG_BOUND = 20.0


def _minimise(objective: Callable[[Array], float], start: Array) -> Array:
    # Nelder-Mead is robust from a poor start; L-BFGS-B then polishes to a tight optimum. Parameters are optimised
    # as logarithms so they stay positive.
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    coarse = optimize.minimize(objective, start, method="Nelder-Mead", bounds=bounds,
                               options={"maxiter": 4000, "xatol": 1e-7, "fatol": 1e-9})
    fine = optimize.minimize(objective, coarse.x, method="L-BFGS-B", bounds=bounds,
                             options={"ftol": 1e-12, "gtol": 1e-7})
    best = fine if np.isfinite(fine.fun) and fine.fun <= coarse.fun else coarse
    return np.asarray(best.x, dtype=np.float64)


def bgnbd_fit(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> BgNbdParams:
    """Maximum-likelihood BG/NBD parameters for a customer summary."""
    validate_summary(frequency, recency, T)
    (x, t_x, t), weights = _compress(*_arrays(frequency, recency, T))
    scale = float(np.mean(t)) or 1.0

    def objective(log_params: Array) -> float:
        r, alpha, a, b = np.exp(log_params)
        with np.errstate(all="ignore"):
            value = -float(np.sum(weights * bgnbd_log_likelihood_terms(r, alpha, a, b, x, t_x, t)))
        return value if np.isfinite(value) else 1e300

    # α is a time scale: start it at the mean customer age so the start is sensible in days, weeks or months.
    r, alpha, a, b = np.exp(_minimise(objective, np.log(np.array([1.0, scale, 1.0, 1.0]))))
    ll = float(np.sum(weights * bgnbd_log_likelihood_terms(r, alpha, a, b, x, t_x, t)))
    return BgNbdParams(r=float(r), alpha=float(alpha), a=float(a), b=float(b), log_likelihood=ll)


def bgnbd_p_alive(r: float, alpha: float, a: float, b: float, frequency: ArrayLike, recency: ArrayLike,
                  T: ArrayLike) -> Array:
    """P(still active at T | x, t_x, T); 1 for customers without repeat purchases (they cannot have dropped out)."""
    x, t_x, t = _arrays(frequency, recency, T)
    repeat = x > 0
    x_safe = np.where(repeat, x, 1.0)
    log_ratio = np.log(a) - np.log(b + x_safe - 1) + (r + x) * np.log1p((t - t_x) / (alpha + t_x))
    return np.where(repeat, 1.0 / (1.0 + np.exp(log_ratio)), 1.0)


def bgnbd_expected_purchases(r: float, alpha: float, a: float, b: float, frequency: ArrayLike, recency: ArrayLike,
                             T: ArrayLike, horizon: float | ArrayLike) -> Array:
    """E[Y(horizon) | x, t_x, T]: expected purchases in the next `horizon` time units (equation 10 of the paper)."""
    x, t_x, t, h = np.broadcast_arrays(*_arrays(frequency, recency, T, horizon))
    z = h / (alpha + t + h)
    with np.errstate(all="ignore"):
        ratio = np.exp(-(r + x) * np.log1p(h / (alpha + t)))
        alive = (a + b + x - 1) / (a - 1) * (1.0 - ratio * special.hyp2f1(r + x, b + x, a + b + x - 1, z))
    alive = np.array(alive, dtype=np.float64, ndmin=1)
    bad = ~np.isfinite(alive)
    if np.any(bad):
        # Very regular buyers fit to huge r and alpha (nearly Poisson) where 2F1 overflows: integrate instead.
        flat = [np.ravel(v)[bad.ravel()] for v in (x, t, h)]
        alive[bad] = _expected_alive_by_quadrature(r, alpha, a, b, *flat)
    return alive.reshape(x.shape) * bgnbd_p_alive(r, alpha, a, b, x, t_x, t)


def _expected_alive_by_quadrature(r: float, alpha: float, a: float, b: float, x: Array, t: Array,
                                  h: Array, nodes: int = 48) -> Array:
    """E[Y(h) | alive at T] = E_p[(1 − (1 + p·h/(α+T))^−(r+x)) / p] with p ~ Beta(a, b+x): the gamma rate integrated
    out in closed form, the dropout probability by Gauss-Jacobi quadrature (one rule per distinct x)."""
    out = np.empty_like(x, dtype=np.float64)
    for value in np.unique(x):
        nodes_u, weights = _gauss_jacobi(nodes, b + value - 1, a - 1)
        p = (1 + nodes_u) / 2
        rows = np.nonzero(x == value)[0]
        scale = (h[rows] / (alpha + t[rows]))[:, None]
        f = -np.expm1(-(r + value) * np.log1p(p[None, :] * scale)) / p[None, :]
        out[rows] = f @ weights
    return out


def _gauss_jacobi(n: int, alpha_j: float, beta_j: float) -> tuple[Array, Array]:
    """Nodes on [−1, 1] and weights summing to 1 for the weight (1−u)^α (1+u)^β (Golub-Welsch).

    scipy's roots_jacobi scales the weights by 2^(α+β+1)·B(…), which overflows for the large α that a long purchase
    history gives; normalised weights come straight from the eigenvectors without it."""
    k = np.arange(n, dtype=np.float64)
    s = 2 * k + alpha_j + beta_j
    with np.errstate(divide="ignore", invalid="ignore"):
        diag = (beta_j ** 2 - alpha_j ** 2) / (s * (s + 2))
    diag[0] = (beta_j - alpha_j) / (alpha_j + beta_j + 2)
    kk, ss = k[1:], s[1:]
    off = np.sqrt(4 * kk * (kk + alpha_j) * (kk + beta_j) * (kk + alpha_j + beta_j)
                  / (ss ** 2 * (ss + 1) * (ss - 1)))
    nodes, vectors = linalg.eigh_tridiagonal(diag, off)
    weights = vectors[0, :] ** 2
    return nodes, weights / weights.sum()


def bgnbd_expected_purchases_new(r: float, alpha: float, a: float, b: float, horizon: float | ArrayLike) -> Array:
    """E[X(t)]: expected purchases of a newly acquired customer in `horizon` time units (equation 9)."""
    h = np.asarray(horizon, dtype=np.float64)
    ratio = (alpha / (alpha + h)) ** r
    value = (a + b - 1) / (a - 1) * (1.0 - ratio * special.hyp2f1(r, b, a + b - 1, h / (alpha + h)))
    return np.asarray(value, dtype=np.float64)


# --- Gamma-Gamma --------------------------------------------------------------------------------------------------

def _spend_arrays(frequency: ArrayLike, monetary_value: ArrayLike) -> tuple[Array, Array]:
    x, m = _arrays(frequency, monetary_value)
    if x.shape != m.shape or x.ndim != 1:
        raise ClvInputError("frequency and monetary_value must be columns of the same length")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(m))):
        raise ClvInputError("frequency and monetary_value must be finite numbers")
    if np.any(m < 0):
        raise ClvInputError("monetary_value must be 0 or more")
    return x, m


def gamma_gamma_log_likelihood_terms(p: float, q: float, v: float, frequency: ArrayLike,
                                     monetary_value: ArrayLike) -> Array:
    """Log-density of each repeat buyer's mean purchase value m_x given x (x > 0 and m_x > 0 only)."""
    x, m = _arrays(frequency, monetary_value)
    px = p * x
    terms = (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(v)
             + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(v + x * m))
    return np.asarray(terms, dtype=np.float64)


def gamma_gamma_fit(frequency: ArrayLike, monetary_value: ArrayLike) -> GammaGammaParams:
    """Fit on the customers with repeat purchases and a positive mean value; the others carry no spend signal."""
    x, m = _spend_arrays(frequency, monetary_value)
    keep = (x > 0) & (m > 0)
    if np.count_nonzero(keep) < 2:
        raise ClvInputError("the Gamma-Gamma model needs at least two customers with repeat purchases and spend")
    (xs, ms), weights = _compress(x[keep], m[keep])

    def objective(log_params: Array) -> float:
        p, q, v = np.exp(log_params)
        with np.errstate(all="ignore"):
            value = -float(np.sum(weights * gamma_gamma_log_likelihood_terms(p, q, v, xs, ms)))
        return value if np.isfinite(value) else 1e300

    start = np.log(np.array([1.0, 1.0, float(np.mean(ms))]))
    p, q, v = np.exp(_minimise(objective, start))
    ll = float(np.sum(weights * gamma_gamma_log_likelihood_terms(p, q, v, xs, ms)))
    return GammaGammaParams(p=float(p), q=float(q), v=float(v), log_likelihood=ll)


def gamma_gamma_expected_spend(p: float, q: float, v: float, frequency: ArrayLike, monetary_value: ArrayLike) -> Array:
    """E[Z | x, m_x]: a weighted mean of the population mean p·v/(q−1) and the customer's own mean m_x.

    Customers without repeat purchases (x = 0) get the population mean. Requires q > 1 (a finite population mean)."""
    x, m = _spend_arrays(frequency, monetary_value)
    if q <= 1:
        raise ClvInputError("q must be greater than 1 for the expected spend to be finite")
    population = p * v / (q - 1)
    weight_own = p * x / (p * x + q - 1)
    return (1 - weight_own) * population + weight_own * m


# --- lifetime value -----------------------------------------------------------------------------------------------

def monthly_discount_rate(annual_rate: float) -> float:
    """The monthly rate equivalent to `annual_rate` compounded monthly (10 % a year ≈ 0.797 % a month)."""
    if annual_rate <= -1:
        raise ClvInputError("the annual discount rate must be greater than -100 %")
    return float((1 + annual_rate) ** (1 / 12) - 1)


def discounted_value(bgnbd: BgNbdParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
                     spend: ArrayLike, *, months: int = 12, periods_per_month: float = 52 / 12,
                     annual_discount_rate: float = 0.10) -> Array:
    """Σ_i E[purchases in month i] · spend / (1+d)^i over the next `months` months, with d the monthly rate.

    `spend` is the expected value of one purchase per customer; `periods_per_month` converts months into the
    summary's time unit (52/12 for weeks, 365.25/12 for days)."""
    if months < 1 or periods_per_month <= 0:
        raise ClvInputError("months must be 1 or more and periods_per_month positive")
    x, t_x, t, value_each = _arrays(frequency, recency, T, spend)
    rate = monthly_discount_rate(annual_discount_rate)
    params = (bgnbd.r, bgnbd.alpha, bgnbd.a, bgnbd.b)
    value = np.zeros_like(x)
    previous = np.zeros_like(x)
    for month in range(1, months + 1):
        cumulative = bgnbd_expected_purchases(*params, x, t_x, t, month * periods_per_month)
        value += (cumulative - previous) * value_each / (1 + rate) ** month
        previous = cumulative
    return value


def clv_discounted(bgnbd: BgNbdParams, gamma_gamma: GammaGammaParams, frequency: ArrayLike, recency: ArrayLike,
                   T: ArrayLike, monetary_value: ArrayLike, *, months: int = 12, periods_per_month: float = 52 / 12,
                   annual_discount_rate: float = 0.10) -> Array:
    """Discounted value of each customer's next `months` months with the Gamma-Gamma expected spend."""
    spend = gamma_gamma_expected_spend(gamma_gamma.p, gamma_gamma.q, gamma_gamma.v, frequency, monetary_value)
    return discounted_value(bgnbd, frequency, recency, T, spend, months=months, periods_per_month=periods_per_month,
                            annual_discount_rate=annual_discount_rate)


@dataclass(frozen=True)
class PeriodSummary:
    customers: NDArray[np.int64]   # the distinct customer keys, sorted
    frequency: Array               # active periods after the first one
    recency: Array                 # periods from the first active period to the last
    T: Array                       # periods from the first active period to the end of observation
    monetary_value: Array          # mean value of the repeat active periods (0 without repeats)


def period_summary(customer: ArrayLike, day: ArrayLike, value: ArrayLike, *, last_day: int,
                   period_days: int = 7) -> PeriodSummary:
    """Turn dated activity (customer key, day number, value; days with activity only) into the (x, t_x, T, m_x)
    summary with one "purchase" per active period.

    Counting active weeks rather than parcels keeps a daily shipper's history within the model's assumptions (one
    purchase per period at most, so x cannot explode) while a merchant who stops still shows up as silence. Periods
    are counted from each customer's first active day; T includes `last_day` itself."""
    keys, days, values = (np.asarray(customer, dtype=np.int64), np.asarray(day, dtype=np.int64),
                          np.asarray(value, dtype=np.float64))
    if not (keys.shape == days.shape == values.shape) or keys.size == 0:
        raise ClvInputError("customer, day and value must be non-empty columns of the same length")
    if np.any(days > last_day):
        raise ClvInputError("activity after the last day of observation")
    customers, index = np.unique(keys, return_inverse=True)
    first = np.full(customers.size, np.iinfo(np.int64).max)
    np.minimum.at(first, index, days)
    period = (days - first[index]) // period_days
    # One row per (customer, period), with the period's total value.
    pairs, pair_index = np.unique(np.column_stack([index, period]), axis=0, return_inverse=True)
    pair_value = np.bincount(pair_index.ravel(), weights=values, minlength=len(pairs))
    owner, pair_period = pairs[:, 0], pairs[:, 1]
    active = np.bincount(owner, minlength=customers.size).astype(np.float64)
    recency = np.zeros(customers.size)
    np.maximum.at(recency, owner, pair_period.astype(np.float64))
    repeat = pair_period > 0
    repeat_value = np.bincount(owner[repeat], weights=pair_value[repeat], minlength=customers.size)
    frequency = active - 1
    monetary = np.divide(repeat_value, frequency, out=np.zeros(customers.size), where=frequency > 0)
    T = (last_day - first + 1) / period_days
    return PeriodSummary(customers=customers, frequency=frequency, recency=recency, T=T.astype(np.float64),
                         monetary_value=monetary)
