"""50 purchases at once against a wallet that can afford exactly 20 (PostgreSQL: real row locks)."""

from __future__ import annotations

import pytest
from django.db import connection

from parcelhub.accounts.models import Merchant
from parcelhub.billing.models import LedgerEntry
from parcelhub.billing.selectors import wallet_for
from parcelhub.billing.services import InsufficientFunds
from parcelhub.carriers.sandbox_models import SandboxWaybill
from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from parcelhub.shipping import services
from parcelhub.shipping.models import Shipment
from tests.concurrency import in_threads
from tests.rating.world import build_small_world
from tests.shipping.conftest import fund

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 50
AFFORDABLE = 20
ZTO_LABEL_FEN = 800  # 1 kg 义乌 -> 杭州 on the small world's ZTO card, no declared value


@pytest.fixture
def drafts(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock concurrency is tested on PostgreSQL (SQLite serialises every writer)")
    load_regions(Region)  # transactional tests flush the tables the migrations filled
    build_small_world()
    merchant = Merchant.objects.create(name="并发测试商家", contact_name="测试", phone="13800138000",
                                       origin_region_id="330782", origin_address="稠城街道工人北路1号")
    fund(merchant, AFFORDABLE * ZTO_LABEL_FEN)
    hangzhou = services.Party("张三", "13800138000", Region.objects.get(adcode="330106"), "文三路90号")
    return merchant, [services.shipment_create(merchant=merchant, recipient=hangzhou, weight_g=1000)
                      for _ in range(BUYERS)]


def test_exactly_the_affordable_purchases_succeed(drafts):
    merchant, shipments = drafts
    outcomes = in_threads(BUYERS, lambda i: services.shipment_buy(shipment=shipments[i], service_key="zto.standard"))
    outcomes = ["402" if isinstance(o, InsufficientFunds) else "bought" if isinstance(o, Shipment) else o
                for o in outcomes]

    assert [o for o in outcomes if not isinstance(o, str)] == []  # no other error (a race on shared rows)
    assert outcomes.count("bought") == AFFORDABLE
    assert outcomes.count("402") == BUYERS - AFFORDABLE
    assert Shipment.objects.filter(status="purchased").count() == AFFORDABLE
    assert Shipment.objects.filter(status="draft").count() == BUYERS - AFFORDABLE
    assert SandboxWaybill.objects.count() == AFFORDABLE  # no waybill was taken for a refused purchase
    wallet = wallet_for(merchant)
    assert wallet.balance_fen == 0
    wallet_entries = LedgerEntry.objects.filter(account__code=f"wallet:{merchant.public_id}")
    assert sum(wallet_entries.values_list("amount_fen", flat=True)) == wallet.balance_fen
