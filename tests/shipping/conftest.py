"""A hand-priced world (义乌 → 浙江 / 新疆 / 广东, SF and ZTO) with merchant A shipping from 义乌 and a funded wallet."""

from __future__ import annotations

import json

import pytest

from parcelhub.accounts.models import OperatorRole, User
from parcelhub.billing.selectors import wallet_for
from parcelhub.billing.services import wallet_adjust
from parcelhub.orders.services import ItemInput, RecipientInput, order_create
from tests.conftest import bearer_client
from tests.rating.world import build_small_world

# 1 kg from 义乌 to 杭州: ZTO ¥5.00 + 5% fuel ¥0.25, topped up to its ¥8.00 minimum = ¥8.00 (cost ¥3.50);
# SF ¥12.00 (cost ¥10.00). The cheapest is ZTO at 800 fen.
HANGZHOU = {"name": "张三", "phone": "13800138000", "address": "浙江省杭州市西湖区文三路90号"}
ZTO_1KG_HANGZHOU_FEN = 800
AD_HOC_BODY = {"recipient": HANGZHOU, "parcel": {"weight_g": 1000}, "reference": "T-1001",
               "items_summary": "帆布包 ×1"}
SF_1KG_HANGZHOU_FEN = 1200


def fund(merchant, amount_fen: int) -> None:
    operator = User.objects.filter(operator_role=OperatorRole.ADMIN).first() or User.objects.create_user(
        "funds@ops.example", "pw-for-tests-1", operator_role=OperatorRole.ADMIN)
    wallet_adjust(merchant=merchant, amount_fen=amount_fen, reason="test funds", actor=operator)


def balance(merchant) -> int:
    return wallet_for(merchant).balance_fen


@pytest.fixture
def world(db, merchant_a):
    cards = build_small_world()
    merchant = merchant_a[0]
    merchant.origin_region_id = "330782"
    merchant.origin_address = "稠城街道工人北路1号"
    merchant.save()
    return cards


@pytest.fixture
def funded(world, merchant_a):
    fund(merchant_a[0], 10_000)
    return merchant_a[0]


def post(client, path, body=None, **headers):
    return client.post(path, data=json.dumps(body or {}), content_type="application/json", **headers)


def make_order(merchant, external_id: str, address: str = HANGZHOU["address"], quantity: int = 1,
               weight_g: int = 1000, test_mode: bool = False):
    return order_create(merchant=merchant, source="taobao", external_id=external_id,
                        recipient=RecipientInput(name="李四", phone="13900139000", address=address),
                        items=[ItemInput(quantity=quantity, name="帆布包", sku_code="BAG-1", unit_price_fen=2500)],
                        weight_g=weight_g, test_mode=test_mode)


@pytest.fixture
def api_a(merchant_a):
    """Live-mode keys here: test-mode shipments are never charged, and charging is what these tests check."""
    return bearer_client(merchant_a[0], mode="live")


@pytest.fixture
def api_b(merchant_b):
    return bearer_client(merchant_b[0], mode="live")
