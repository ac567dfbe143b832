"""Merchant lifetime value from the daily rollup: weekly BG/NBD + Gamma-Gamma on margin, stored per merchant."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.core.models import AuditLog
from parcelhub.crm import clv
from parcelhub.crm.workbench.models import ClvRun, MerchantValue, WorkbenchSettings
from parcelhub.crm.workbench.selectors import merchant_clv_fen
from parcelhub.crm.workbench.value import WEEKS_PER_MONTH, merchant_values_refresh
from tests.workbench.conftest import write_days

pytestmark = pytest.mark.django_db


def _every(step: int, first_ago: int, last_ago: int, as_of: dt.date) -> list[dt.date]:
    return [as_of - dt.timedelta(days=ago) for ago in range(first_ago, last_ago - 1, -step)]


@pytest.fixture
def population():
    as_of = clock.today() - dt.timedelta(days=1)
    made = {}
    for i in range(16):
        m = Merchant.objects.create(name=f"商家{i}", contact_name="c", phone="1")
        # A mix of cadences so the model has something to fit; a third of them stopped shipping at some point.
        last_ago = 30 + 10 * i if i % 3 == 0 else i % 3
        write_days(m, _every(2 + i % 5, 290 - 5 * i, last_ago, as_of), revenue_fen=9_000 + 500 * i)
    made["steady"] = Merchant.objects.create(name="steady", contact_name="c", phone="1")
    write_days(made["steady"], _every(3, 299, 0, as_of))
    made["stopped"] = Merchant.objects.create(name="stopped", contact_name="c", phone="1")
    write_days(made["stopped"], _every(3, 299, 100, as_of))
    made["loss"] = Merchant.objects.create(name="loss", contact_name="c", phone="1")
    write_days(made["loss"], _every(3, 299, 0, as_of), revenue_fen=7_000, cost_fen=8_000)
    made["none"] = Merchant.objects.create(name="none", contact_name="c", phone="1")
    return made, as_of


def test_refresh_values_every_shipping_merchant(population):
    made, as_of = population
    run = merchant_values_refresh()
    assert (run.as_of, run.merchants, run.annual_discount_rate_bp) == (as_of, 19, 1000)
    assert MerchantValue.objects.count() == 19
    steady, stopped, loss = (MerchantValue.objects.get(merchant=made[k]) for k in ("steady", "stopped", "loss"))
    # Day 299 ago to yesterday, every third day: 100 active days in 43 distinct weeks; last activity in week 42.
    assert (steady.frequency, steady.recency_weeks, steady.age_weeks) == (42, 42.0, 300 / 7)
    assert steady.margin_per_week_fen > 0 and steady.clv_fen > stopped.clv_fen > 0
    assert steady.p_alive > 0.9 > stopped.p_alive
    # Its own mean: 97 shipping days after the first week, over 42 repeat weeks, at −1,000 fen a day.
    assert loss.clv_fen < 0 and loss.margin_per_week_fen == round(-97_000 / 42)
    assert merchant_clv_fen(made["none"]) is None
    assert merchant_clv_fen(made["steady"]) == steady.clv_fen
    assert AuditLog.objects.filter(action="workbench.merchant_values_refresh").count() == 1


def test_stored_value_is_the_discounted_sum_at_the_configured_rate(population):
    made, _ = population
    settings = WorkbenchSettings.current()
    settings.clv_annual_discount_rate_bp = 2500
    settings.save()
    run = merchant_values_refresh()
    row = MerchantValue.objects.get(merchant=made["steady"])
    bg = clv.BgNbdParams(**run.params["bgnbd"])
    expected = clv.discounted_value(bg, [row.frequency], [row.recency_weeks], [row.age_weeks],
                                    [row.margin_per_week_fen], periods_per_month=WEEKS_PER_MONTH,
                                    annual_discount_rate=0.25)
    # The margin per week was rounded to whole fen for storage: at most half a fen per expected active week.
    assert abs(row.clv_fen - float(expected[0])) <= 0.5 * row.expected_active_weeks + 1
    undiscounted = float(np.sum(row.expected_active_weeks * row.margin_per_week_fen))
    assert row.clv_fen < undiscounted


def test_too_few_merchants_leave_values_alone(db):
    m = Merchant.objects.create(name="alone", contact_name="c", phone="1")
    write_days(m, [clock.today() - dt.timedelta(days=d) for d in (3, 10, 20)])
    assert merchant_values_refresh() is None
    assert MerchantValue.objects.count() == 0 and ClvRun.objects.count() == 0
