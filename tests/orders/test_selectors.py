"""The tenancy scope, lookups by id and the list filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from parcelhub.core.errors import NotFound
from parcelhub.orders.models import Order
from parcelhub.orders.selectors import OrderFilters, order_get, orders_filtered, orders_for
from parcelhub.orders.services import ItemInput, RecipientInput, order_cancel, order_create


def at(day: int, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 11, day, hour))


@pytest.fixture
def orders(merchant_a, merchant_b, skus_a):
    a = merchant_a[0]
    specs = [  # (source, external id, name, phone, address, item, created)
        ("taobao", "TB1", "王芳", "13857100001", "浙江省杭州市西湖区文三路90号", ItemInput(1, sku_code="YW-SOCK-5P"), at(20)),
        ("jd", "JD1", "李强", "13900000002", "北京市朝阳区建国路88号", ItemInput(2, name="耳机"), at(21, 0)),
        ("jd", "JD2", "王小明", "13800138000", "广东省深圳市南山区粤海街道科技南十二路2号", ItemInput(1, name="充电器"),
         at(21, 23)),
        ("pdd", "PDD1", "赵丽", "15205238663", "浙江省宁波市鄞州区天童南路1号", ItemInput(1, name="袜子"), at(22)),
    ]
    made = {}
    for source, external_id, name, phone, address, item, created in specs:
        order = order_create(merchant=a, source=source, external_id=external_id,
                             recipient=RecipientInput(name, phone, address=address), items=[item])
        Order.objects.filter(pk=order.pk).update(created_at=created)
        made[external_id] = order
    order_cancel(order=made["PDD1"])
    made["B"] = order_create(merchant=merchant_b[0], source="taobao", external_id="TB1",
                             recipient=RecipientInput("王芳", "13857100001", address="浙江省杭州市西湖区文三路90号"),
                             items=[ItemInput(1, name="袜子")])
    return made


def ids(qs) -> list[str]:
    return list(qs.values_list("external_id", flat=True))


def test_orders_for_is_the_merchants_own_orders_only(orders, merchant_a, merchant_b):
    assert sorted(ids(orders_for(merchant_a[0]))) == ["JD1", "JD2", "PDD1", "TB1"]
    assert ids(orders_for(merchant_b[0])) == ["TB1"]


def test_order_get_finds_own_orders_and_nothing_else(orders, merchant_a, merchant_b):
    assert order_get(merchant_a[0], orders["JD1"].public_id) == orders["JD1"]
    with pytest.raises(NotFound):
        order_get(merchant_b[0], orders["JD1"].public_id)
    with pytest.raises(NotFound):
        order_get(merchant_a[0], "ord_nope")
    with pytest.raises(NotFound):
        order_get(merchant_a[0], orders["JD1"].public_id, test_mode=True)


@pytest.mark.parametrize(("filters", "expected"), [
    (OrderFilters(), ["PDD1", "JD2", "JD1", "TB1"]),
    (OrderFilters(status="pending"), ["JD2", "JD1", "TB1"]),
    (OrderFilters(status="cancelled"), ["PDD1"]),
    (OrderFilters(source="jd"), ["JD2", "JD1"]),
    (OrderFilters(province="330000"), ["PDD1", "TB1"]),
    (OrderFilters(created_from=dt.date(2026, 11, 21)), ["PDD1", "JD2", "JD1"]),
    (OrderFilters(created_from=dt.date(2026, 11, 21), created_to=dt.date(2026, 11, 21)), ["JD2", "JD1"]),
    (OrderFilters(created_to=dt.date(2026, 11, 20)), ["TB1"]),
    (OrderFilters(q="王"), ["JD2", "TB1"]),
    (OrderFilters(q="jd2"), ["JD2"]),
    (OrderFilters(q="0013800"), ["JD2"]),
    (OrderFilters(q="sock"), ["TB1"]),
    (OrderFilters(q="耳机"), ["JD1"]),
    (OrderFilters(status="pending", source="jd", q="李"), ["JD1"]),
    (OrderFilters(test_mode=True), []),
])
def test_list_filters(filters, expected, orders, merchant_a):
    assert ids(orders_filtered(merchant_a[0], filters)) == expected


def test_filters_as_query_parameters():
    filters = OrderFilters(status="pending", province="330000", created_from=dt.date(2026, 11, 1), q="王",
                           test_mode=False)
    assert filters.as_query() == {"status": "pending", "province": "330000", "created_from": "2026-11-01",
                                  "q": "王", "mode": "live"}


def test_filters_read_back_from_the_bulk_forms_fields():
    posted = {"filter_status": "pending", "filter_province": "330000", "filter_created_from": "2026-11-01",
              "filter_q": " 王 ", "filter_mode": "test", "order": "ord_x", "status": "cancelled"}
    assert OrderFilters.from_query(posted, prefix="filter_") == OrderFilters(
        status="pending", province="330000", created_from=dt.date(2026, 11, 1), q="王", test_mode=True)
    assert OrderFilters.from_query({"status": "lost", "source": "amazon", "province": "浙江", "created_to": "soon"}) == \
        OrderFilters(test_mode=False)
    filters = OrderFilters(source="jd", created_to=dt.date(2026, 11, 30), q="李", test_mode=False)
    assert OrderFilters.from_query(filters.as_query()) == filters
