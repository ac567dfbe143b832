"""Demo world: Coupons, spend-and-save offers, promotion-season packages, flash sales and points.

Recharge bonuses are built by the billing side. Everything here goes through the promotions services, except
the points of past labels, written in bulk (the history predates the points programme going live).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Sum
from django.utils import timezone

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.marketing.promotions.models import PointsAccount, PointsEntry
from parcelhub.marketing.promotions.packages import (
    flash_sale_create,
    flash_sale_grab,
    package_buy,
    package_create,
)
from parcelhub.marketing.promotions.points import EXPIRY_DAYS, POINTS_PER_YUAN
from parcelhub.marketing.promotions.services import coupon_create, coupon_grant
from parcelhub.marketing.promotions.spend_offs import spend_off_rule_create
from parcelhub.shipping.models import Shipment


def _at(day: dt.date, hour: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _coupons(merchants: list[Merchant], start: dt.datetime, end: dt.datetime) -> int:
    welcome = coupon_create(name="新客立减5元", amount_off_fen=500, min_spend_fen=1000, valid_from=start,
                            valid_until=end, per_merchant_limit=1)
    coupon_grant(coupon=welcome, merchants=merchants, source="demo")
    coupon_create(name="双11 中通发广东9折", percent_off_bp=1000, carrier_code="zto", destination_province="440000",
                  code="DOUBLE11", valid_from=start, valid_until=end, usage_limit_total=500)
    coupon_create(name="积分兑换3元红包", amount_off_fen=300, valid_from=start, valid_until=end,
                  per_merchant_limit=5, points_price=100)
    funded = coupon_create(name="平台补贴 顺丰立减8元", amount_off_fen=800, carrier_code="sf", valid_from=start,
                           valid_until=end, budget_fen=50_000, usage_limit_total=200)
    coupon_grant(coupon=funded, merchants=merchants[:2], source="demo")
    return 4


def _packages(merchants: list[Merchant], start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
    national = package_create(name="双11 中通全国100单包", carrier_code="zto", service_code="standard", labels=100,
                              price_fen=38_000, max_weight_g=3000, insured_value_fen=30_000, includes_packaging=True,
                              refund_terms="pro_rata", refund_days=15, on_sale_from=start, on_sale_until=end,
                              use_until=end + dt.timedelta(days=30))
    package_create(name="顺丰发广东30单包", carrier_code="sf", service_code="standard", labels=30,
                   destination_provinces=["440000"], price_fen=36_000, max_weight_g=1000, insured_value_fen=100_000,
                   refund_terms="none", on_sale_from=start, on_sale_until=end, use_until=end + dt.timedelta(days=30))
    bought = 0
    if merchants:
        package_buy(merchant=merchants[0], package=national)
        bought += 1
    return 2, bought


def _flash_sales(merchants: list[Merchant], now: dt.datetime, end: dt.datetime) -> int:
    bundle = package_create(name="秒杀 极兔20单包", carrier_code="jt", service_code="standard", labels=20,
                            price_fen=9_900, max_weight_g=1000, on_sale_from=now - dt.timedelta(days=1),
                            on_sale_until=now - dt.timedelta(minutes=1), use_until=end)
    running = flash_sale_create(name="整点秒杀：极兔20单 ¥49", package=bundle, price_fen=4_900, quantity=50,
                                starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=2))
    if len(merchants) > 1:
        flash_sale_grab(merchant=merchants[1], sale=running)
    coupon = coupon_create(name="秒杀红包 立减10元", amount_off_fen=1000, min_spend_fen=2000,
                           valid_from=now, valid_until=end)
    flash_sale_create(name="明晚8点：¥1抢10元红包", coupon=coupon, price_fen=100, quantity=100,
                      starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1, hours=1))
    return 2


def _points(merchants: list[Merchant], now: dt.datetime) -> int:
    """Labels bought through the price pipeline earned their points as they were bought; history written some
    other way gets them here, one lot per day, so FIFO expiry has history to work on. Returns all points held."""
    since = now - dt.timedelta(days=EXPIRY_DAYS)
    for merchant in merchants:
        earned = PointsEntry.objects.filter(merchant=merchant, kind=PointsEntry.Kind.EARN).values("shipment_public_id")
        days = (Shipment.objects.filter(merchant=merchant, test_mode=False, status=Shipment.Status.PURCHASED,
                                        purchased_at__gte=since)
                .exclude(public_id__in=earned)
                .values("purchased_at__date").annotate(total=Sum("total_fen")).order_by("purchased_at__date"))
        entries = []
        for day in days:
            points = day["total"] // 100 * POINTS_PER_YUAN
            if points:
                at = _at(day["purchased_at__date"], 18)
                entries.append(PointsEntry(merchant=merchant, kind=PointsEntry.Kind.EARN, points=points,
                                           remaining=points, created_at=at,
                                           expires_at=at + dt.timedelta(days=EXPIRY_DAYS)))
        if entries:
            PointsEntry.objects.bulk_create(entries, batch_size=500)
            account, _ = PointsAccount.objects.get_or_create(merchant=merchant)
            PointsAccount.objects.filter(pk=account.pk).update(
                balance=F("balance") + sum(entry.points for entry in entries))
    return PointsAccount.objects.filter(merchant__in=merchants).aggregate(n=Sum("balance"))["n"] or 0


def build(*, merchants: list[Merchant], today: dt.date) -> dict[str, int]:
    """`merchants` are the hand-made demo merchants; returns counts for the demo command's summary."""
    now = clock.now()
    start = _at(today - dt.timedelta(days=7))
    end = _at(today + dt.timedelta(days=60))
    spend_off_rule_create(name="月满3000减100", kind="period", threshold_fen=300_000, off_fen=10_000,
                          valid_from=_at(today.replace(day=1)) - dt.timedelta(days=400), valid_until=end)
    spend_off_rule_create(name="批量满500减20", kind="bulk", threshold_fen=50_000, off_fen=2_000, valid_from=start,
                          valid_until=end)
    coupons = _coupons(merchants, start, end)
    packages, bought = _packages(merchants, start, end)
    sales = _flash_sales(merchants, now, end)
    points = _points(merchants, now)
    return {"coupons": coupons + 1, "spend_off_rules": 2, "packages": packages + 1, "packages_bought": bought,
            "flash_sales": sales, "points": points}
