"""The demo world's promotions: built through the services, consistent with the ledger and the points rules."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from parcelhub.core import clock
from parcelhub.geo.models import Region
from parcelhub.marketing.promotions.models import (
    Coupon,
    CouponGrant,
    FlashSale,
    PackageBalance,
    PointsAccount,
    PointsEntry,
    SpendOffRule,
)
from parcelhub.shipping import services
from parcelhub.simulation import promotions_world
from parcelhub.simulation.timeline import clock_at
from tests.conftest import make_merchant
from tests.rating.world import build_small_world
from tests.shipping.conftest import balance, fund


def test_world_builds_coupons_packages_sales_and_points(merchant_a, merchant_b):
    c, _ = make_merchant("深圳数码", "c@c.example")
    merchants = [merchant_a[0], merchant_b[0], c]
    for merchant in merchants:
        fund(merchant, 100_000)

    counts = promotions_world.build(merchants=merchants, today=clock.today())

    assert counts == {"coupons": 5, "spend_off_rules": 2, "packages": 3, "packages_bought": 1, "flash_sales": 2,
                      "points": 0}
    assert Coupon.objects.count() == 5 and SpendOffRule.objects.count() == 2
    assert CouponGrant.objects.filter(coupon__name="新客立减5元").count() == 3
    assert PackageBalance.objects.count() == 2                       # one bought, one grabbed in the flash sale
    assert balance(merchant_a[0]) == 100_000 - 38_000
    assert balance(merchant_b[0]) == 100_000 - 4_900
    assert FlashSale.objects.filter(sold=1).count() == 1


def _three_labels_three_days_ago(merchant) -> None:
    fund(merchant, 100_000)
    build_small_world()
    merchant.origin_region_id, merchant.origin_address = "330782", "稠城街道工人北路1号"
    merchant.save()
    hangzhou = services.Party("张三", "13800138000", Region.objects.get(adcode="330106"), "文三路90号")
    with clock_at(clock.now() - dt.timedelta(days=3)):
        for _ in range(3):
            services.shipment_buy(shipment=services.shipment_create(merchant=merchant, recipient=hangzhou,
                                                                    weight_g=1000), service_key="zto.standard")


def test_labels_bought_through_the_pipeline_keep_their_points(merchant_a):
    merchant = merchant_a[0]
    _three_labels_three_days_ago(merchant)                          # 3 labels of ¥8.00, 1 point per yuan

    counts = promotions_world.build(merchants=[merchant], today=clock.today())

    assert counts["points"] == 24
    assert PointsEntry.objects.filter(merchant=merchant, kind="earn").count() == 3


def test_history_without_points_gets_a_lot_per_day(merchant_a):
    merchant = merchant_a[0]
    _three_labels_three_days_ago(merchant)
    PointsEntry.objects.all().delete()                               # as if the history predated the points
    PointsAccount.objects.update(balance=0)

    counts = promotions_world.build(merchants=[merchant], today=clock.today())

    assert counts["points"] == 24
    lot = PointsEntry.objects.get(merchant=merchant)
    assert (lot.kind, lot.points, lot.remaining) == ("earn", 24, 24)
    assert PointsAccount.objects.get(merchant=merchant).balance == 24
    assert PointsEntry.objects.filter(merchant=merchant).aggregate(n=Sum("points"))["n"] == 24
