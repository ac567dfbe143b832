"""Points: earn per yuan, redeem for coupons, FIFO expiry, reversal on void."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.marketing.promotions.models import CouponGrant, PointsAccount, PointsEntry
from parcelhub.marketing.promotions.points import (
    points_balance,
    points_earn,
    points_expire,
    points_redeem,
    points_reverse,
)


def test_earn_one_point_per_whole_yuan(merchant_a):
    a = merchant_a[0]
    assert points_earn(merchant=a, shipment_public_id="shp_0", charged_fen=99) is None
    entry = points_earn(merchant=a, shipment_public_id="shp_1", charged_fen=1299)
    assert (entry.points, entry.remaining) == (12, 12)
    assert entry.expires_at - entry.created_at == dt.timedelta(days=365)
    assert points_balance(a) == 12


def test_redeem_spends_oldest_lots_first(make_coupon, merchant_a):
    a = merchant_a[0]
    coupon = make_coupon(points_price=15, per_merchant_limit=5)
    old = points_earn(merchant=a, shipment_public_id="shp_1", charged_fen=1000)
    new = points_earn(merchant=a, shipment_public_id="shp_2", charged_fen=1000)

    grant = points_redeem(merchant=a, coupon=coupon)

    assert grant.source.startswith("points:pte_") and grant.coupon_id == coupon.pk
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.remaining, new.remaining, points_balance(a)) == (0, 5, 5)
    redemption = PointsEntry.objects.get(kind="redeem")
    assert (redemption.points, redemption.reference) == (-15, grant.public_id)


def test_redeem_without_enough_points_changes_nothing(make_coupon, merchant_a):
    a = merchant_a[0]
    coupon = make_coupon(points_price=15)
    points_earn(merchant=a, shipment_public_id="shp_1", charged_fen=1400)
    with pytest.raises(DomainError) as info:
        points_redeem(merchant=a, coupon=coupon)
    assert info.value.code == "insufficient_points" and info.value.status == 409
    assert points_balance(a) == 14 and CouponGrant.objects.count() == 0
    assert PointsEntry.objects.filter(kind="earn").get().remaining == 14


def test_coupon_without_points_price_is_not_for_points(make_coupon, merchant_a):
    with pytest.raises(DomainError) as info:
        points_redeem(merchant=merchant_a[0], coupon=make_coupon())
    assert info.value.status == 422


def test_expiry_sweeps_what_is_left_of_old_lots(make_coupon, merchant_a, merchant_b):
    a = merchant_a[0]
    old = points_earn(merchant=a, shipment_public_id="shp_1", charged_fen=2000)
    points_earn(merchant=a, shipment_public_id="shp_2", charged_fen=700)
    points_earn(merchant=merchant_b[0], shipment_public_id="shp_3", charged_fen=500)
    points_redeem(merchant=a, coupon=make_coupon(points_price=5))  # takes 5 of the old lot's 20
    PointsEntry.objects.filter(pk=old.pk).update(expires_at=clock.now() - dt.timedelta(seconds=1))

    assert points_expire() == 15
    assert points_expire() == 0  # idempotent

    assert points_balance(a) == 7 and points_balance(merchant_b[0]) == 5
    assert PointsEntry.objects.get(kind="expire").points == -15
    assert sum(PointsEntry.objects.filter(merchant=a).values_list("points", flat=True)) == 7


def test_reverse_takes_back_only_what_is_left(make_coupon, merchant_a):
    a = merchant_a[0]
    points_earn(merchant=a, shipment_public_id="shp_1", charged_fen=1000)
    points_redeem(merchant=a, coupon=make_coupon(points_price=6))

    entry = points_reverse(merchant=a, shipment_public_id="shp_1")

    assert entry.points == -4
    assert points_balance(a) == 0
    assert PointsAccount.objects.get(merchant=a).balance == 0
