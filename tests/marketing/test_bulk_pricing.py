"""Bulk labels: the preview shows tier prices; the run charges them, checks the tier once and settles 满减."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.core import clock
from parcelhub.insights.models import MerchantDay
from parcelhub.marketing.models import MerchantTier, Tier
from parcelhub.shipping import bulk
from parcelhub.shipping.models import BulkPurchase
from tests.shipping.conftest import balance, fund, make_order, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(world, merchant_a):  # noqa: F811
    return [make_order(merchant_a[0], f"TB-{i}") for i in range(4)]


def test_preview_and_run_at_gold_prices(merchant_a, orders, django_capture_on_commit_callbacks):
    merchant = merchant_a[0]
    MerchantTier.objects.create(merchant=merchant, tier=Tier.objects.get(code="gold"), since=dt.date(2026, 1, 1),
                                reason="upgrade")
    ids = [o.public_id for o in orders]
    preview = bulk.bulk_preview(merchant=merchant, order_ids=ids)
    # ZTO ¥8 + ¥2 insurance = ¥10.00, 6 % off = ¥9.40 a label.
    assert {s.rule: s.total_fen for s in preview.rules}["cheapest"] == 4 * 940
    fund(merchant, 10_000)
    with django_capture_on_commit_callbacks(execute=True):
        started = bulk.bulk_purchase_start(merchant=merchant, order_ids=ids, rule="cheapest")
    job = BulkPurchase.objects.get(pk=started.pk)
    assert (job.bought, job.charged_fen) == (4, 3760)
    assert balance(merchant) == 10_000 - 3760


def test_a_bulk_run_that_crosses_a_threshold_upgrades_once(merchant_a, orders, django_capture_on_commit_callbacks):
    merchant = merchant_a[0]
    if clock.today().day == 1:
        pytest.skip("on the 1st the month so far is only today")
    MerchantDay.objects.create(merchant=merchant, day=clock.today().replace(day=1), shipments=497)
    fund(merchant, 10_000)
    with django_capture_on_commit_callbacks(execute=True):
        bulk.bulk_purchase_start(merchant=merchant, order_ids=[o.public_id for o in orders], rule="cheapest")
    assert list(MerchantTier.objects.filter(merchant=merchant).values_list("tier__code", "reason")) == [
        ("silver", "upgrade")]
