"""The daily rollup that churn detection, campaign evaluation and the merchant 360 read."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.core import clock
from parcelhub.insights.models import MerchantDay
from parcelhub.insights.services import merchant_days_backfill, merchant_days_refresh
from parcelhub.shipping.services import shipment_buy, shipment_from_order, shipment_void
from tests.shipping.conftest import funded, make_order, world  # noqa: F401


@pytest.fixture
def bought(funded):  # noqa: F811
    shipments = []
    for n in range(3):
        shipment = shipment_from_order(order=make_order(funded, f"T-{n}"))
        shipments.append(shipment_buy(shipment=shipment, rule="cheapest"))
    return shipments


def test_a_day_counts_the_labels_bought_that_day_and_their_money(bought, funded):  # noqa: F811
    today = clock.today()
    assert merchant_days_refresh(day=today) == 1
    row = MerchantDay.objects.get(merchant=funded, day=today)
    # Three 1 kg parcels 义乌 → 杭州 at ZTO's ¥8.00 minimum plus ¥2.00 insurance of the ¥25 order value,
    # costing the platform ¥3.50 each.
    assert (row.shipments, row.revenue_fen, row.cost_fen, row.margin_fen) == (3, 3000, 1050, 1950)


def test_a_void_lowers_the_day_it_was_bought_on_and_a_refresh_is_idempotent(bought, funded):  # noqa: F811
    today = clock.today()
    shipment_void(shipment=bought[0])
    merchant_days_refresh(day=today)
    merchant_days_refresh(day=today)
    row = MerchantDay.objects.get(merchant=funded, day=today)
    assert (row.shipments, row.revenue_fen) == (2, 2000)


def test_rows_of_merchants_without_labels_that_day_are_kept(bought, funded, merchant_b):  # noqa: F811
    yesterday = clock.today() - dt.timedelta(days=1)
    MerchantDay.objects.create(merchant=merchant_b[0], day=yesterday, shipments=7, revenue_fen=700)
    assert merchant_days_backfill(first=yesterday, last=clock.today()) == 1
    assert MerchantDay.objects.get(merchant=merchant_b[0], day=yesterday).shipments == 7
    assert MerchantDay.objects.filter(day=yesterday).count() == 1
