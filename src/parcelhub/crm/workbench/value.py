"""Merchant lifetime value from the daily rollup: BG/NBD on active weeks, Gamma-Gamma on weekly gross margin.

A merchant "purchases" in a week in which it ships at least once; the value of a purchase is that week's gross
margin (what the merchant paid minus what the carriers charge), because margin — not revenue — is what losing the
merchant costs the platform. The value is 12 months ahead, discounted monthly at the configured annual rate.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction

from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.crm import clv
from parcelhub.crm.workbench.models import ClvRun, MerchantValue, WorkbenchSettings
from parcelhub.insights.models import MerchantDay

# Fewer merchants than this do not pin down four BG/NBD parameters; values are left as they were.
MIN_MERCHANTS = 10
WEEKS_PER_MONTH = 365.25 / 12 / 7


def _history(as_of: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = np.array(list(MerchantDay.objects.filter(shipments__gt=0, day__lte=as_of)
                         .values_list("merchant_id", "day", "revenue_fen", "cost_fen").order_by()),
                    dtype=object)
    if rows.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    days = np.fromiter((d.toordinal() for d in rows[:, 1]), dtype=np.int64, count=len(rows))
    margin = rows[:, 2].astype(np.float64) - rows[:, 3].astype(np.float64)
    return rows[:, 0].astype(np.int64), days, margin


def _spend(summary: clv.PeriodSummary) -> tuple[np.ndarray, dict[str, float]]:
    """Gamma-Gamma expected margin per active week; merchants whose own repeat weeks lose money keep their own
    (negative) mean, which Gamma-Gamma cannot model, so their value shows as a loss rather than the average."""
    x, m = summary.frequency, summary.monetary_value
    try:
        gg = clv.gamma_gamma_fit(x, np.where(m > 0, m, 0.0))
        spend = clv.gamma_gamma_expected_spend(gg.p, gg.q, gg.v, x, np.where(m > 0, m, 0.0))
        params = {"p": gg.p, "q": gg.q, "v": gg.v}
    except clv.ClvInputError:
        # Too few profitable repeat buyers, or q <= 1 (no finite mean): fall back to each merchant's own mean.
        positive = m[(x > 0) & (m > 0)]
        spend, params = np.where(x > 0, m, float(positive.mean()) if positive.size else 0.0), {}
    return np.where((x > 0) & (m <= 0), m, spend), params


def merchant_values_refresh(*, as_of: dt.date | None = None) -> ClvRun | None:
    """Fit on every merchant's shipping history up to `as_of` (default yesterday) and store each one's value."""
    as_of = as_of or clock.today() - dt.timedelta(days=1)
    merchants, days, margin = _history(as_of)
    if np.unique(merchants).size < MIN_MERCHANTS:
        return None
    summary = clv.period_summary(merchants, days, margin, last_day=as_of.toordinal())
    bg = clv.bgnbd_fit(summary.frequency, summary.recency, summary.T)
    spend, gg_params = _spend(summary)
    rate_bp = WorkbenchSettings.current().clv_annual_discount_rate_bp
    value = clv.discounted_value(bg, summary.frequency, summary.recency, summary.T, spend,
                                 periods_per_month=WEEKS_PER_MONTH, annual_discount_rate=rate_bp / 10_000)
    params = (bg.r, bg.alpha, bg.a, bg.b)
    alive = clv.bgnbd_p_alive(*params, summary.frequency, summary.recency, summary.T)
    weeks = clv.bgnbd_expected_purchases(*params, summary.frequency, summary.recency, summary.T,
                                         12 * WEEKS_PER_MONTH)
    now = clock.now()
    rows = [MerchantValue(merchant_id=int(mid), clv_fen=round(float(v)), p_alive=float(p),
                          expected_active_weeks=float(w), margin_per_week_fen=round(float(s)), frequency=int(x),
                          recency_weeks=float(r), age_weeks=float(t), as_of=as_of, computed_at=now)
            for mid, v, p, w, s, x, r, t in zip(summary.customers, value, alive, weeks, spend, summary.frequency,
                                                summary.recency, summary.T, strict=True)]
    with transaction.atomic():
        MerchantValue.objects.bulk_create(
            rows, batch_size=500, update_conflicts=True, unique_fields=["merchant"],
            update_fields=["clv_fen", "p_alive", "expected_active_weeks", "margin_per_week_fen", "frequency",
                           "recency_weeks", "age_weeks", "as_of", "computed_at"])
        run = ClvRun.objects.create(as_of=as_of, merchants=len(rows), annual_discount_rate_bp=rate_bp,
                                    params={"bgnbd": bg.as_dict(), "gamma_gamma": gg_params}, computed_at=now)
        audit(action="workbench.merchant_values_refresh", target=run,
              data={"as_of": as_of.isoformat(), "merchants": len(rows)})
    return run
