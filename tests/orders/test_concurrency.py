"""Races between connections: one marketplace order is created once, and an order is either cancelled or
shipped, never both. Needs PostgreSQL (SQLite serialises writers anyway)."""

from __future__ import annotations

import pytest
from django.db import connection

from parcelhub.core.errors import DomainError
from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from parcelhub.orders.models import Order
from parcelhub.orders.services import (
    ItemInput,
    RecipientInput,
    order_cancel,
    order_create,
    orders_mark_shipped,
)
from tests.concurrency import in_threads
from tests.conftest import make_merchant

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

WANG = RecipientInput(name="王芳", phone="13857100001", address="浙江省杭州市西湖区文三路90号")


@pytest.fixture
def merchant(transactional_db):
    load_regions(Region)   # a transactional test starts after another one's flush
    return make_merchant("义乌小商品有限公司", "owner@a.example")[0]


def test_one_marketplace_order_is_created_once(merchant):
    results = in_threads(6, lambda _: order_create(merchant=merchant, source="jd", external_id="281234567890",
                                                   recipient=WANG, items=[ItemInput(1, name="耳机")]))
    created = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(created), len(refused)) == (1, 5)
    assert {(e.code, e.status) for e in refused} == {("duplicate_order", 409)}
    assert Order.objects.count() == 1


def test_an_order_is_cancelled_or_shipped_never_both(merchant):
    for n in range(5):
        order = order_create(merchant=merchant, source="taobao", external_id=f"T{n}", recipient=WANG,
                             items=[ItemInput(1, name="伞")])

        def work(index: int, order=order):
            fresh = Order.objects.get(pk=order.pk)
            return order_cancel(order=fresh) if index == 0 else orders_mark_shipped(orders=[fresh])

        results = in_threads(2, work)
        winners = [r for r in results if not isinstance(r, DomainError)]
        assert len(winners) == 1
        assert [r.code for r in results if isinstance(r, DomainError)] == ["order_not_pending"]
        order.refresh_from_db()
        assert order.status in ("cancelled", "shipped")
        assert (order.cancelled_at is None) != (order.shipped_at is None)
