from __future__ import annotations

import datetime as dt

from django.db.models import Count

from parcelhub.accounts.models import Merchant
from parcelhub.orders.models import Order, OrderItem, Sku
from parcelhub.simulation.accounts_world import DEMO_MERCHANTS, build_people
from parcelhub.simulation.orders_world import build_orders

TODAY = dt.date(2026, 11, 23)


def demo_merchants() -> list[Merchant]:
    build_people()
    return list(Merchant.objects.filter(name__in=[m[0] for m in DEMO_MERCHANTS]).order_by("name"))


def test_demo_orders_are_pending_marketplace_orders_across_provinces(db):
    merchants = demo_merchants()
    assert build_orders(merchants=merchants, today=TODAY, count_per_merchant=100) == {
        "skus": 19, "orders": 300, "already_there": 0}
    orders = Order.objects.all()
    assert set(orders.values_list("status", flat=True)) == {"pending"}
    assert set(orders.values_list("source", flat=True)) == {"taobao", "jd", "pdd", "douyin"}
    assert orders.values("recipient_province_code").distinct().count() >= 25
    assert not orders.filter(weight_estimated=True).exists()   # every demo item has a SKU with a weight
    first, last = orders.order_by("created_at").first(), orders.order_by("created_at").last()
    assert TODAY - dt.timedelta(days=13) <= first.created_at.date() and last.created_at.date() <= TODAY
    # SKUs match the industry: 义乌 small commodities, 广州 apparel, 深圳 electronics.
    prefixes = {m.name: {c[:3] for c in Sku.objects.filter(merchant=m).values_list("code", flat=True)} for m in merchants}
    assert prefixes == {"义乌优品小商品有限公司": {"YW-"}, "广州衣橱服饰有限公司": {"GZ-"}, "深圳极客数码科技有限公司": {"SZ-"}}
    sizes = Order.objects.annotate(n=Count("items")).values_list("n", flat=True)
    assert set(sizes) == {1, 2, 3}
    assert OrderItem.objects.filter(sku__isnull=True).count() == 0


def test_demo_orders_are_deterministic_and_built_once(db):
    merchants = demo_merchants()
    build_orders(merchants=merchants, today=TODAY, count_per_merchant=50)
    snapshot = sorted(Order.objects.values_list("merchant__name", "source", "external_id", "recipient_name",
                                                "recipient_phone", "recipient_region_id", "recipient_detail"))
    again = build_orders(merchants=merchants, today=TODAY + dt.timedelta(days=3), count_per_merchant=50)
    assert again == {"skus": 0, "orders": 0, "already_there": 150}
    assert Order.objects.count() == 150
    Order.objects.all().delete()
    build_orders(merchants=merchants, today=TODAY, count_per_merchant=50)
    assert sorted(Order.objects.values_list("merchant__name", "source", "external_id", "recipient_name",
                                            "recipient_phone", "recipient_region_id", "recipient_detail")) == snapshot
