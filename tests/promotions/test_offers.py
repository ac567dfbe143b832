"""offers_for / offers_consume / offers_release: scope, atomic use, limits, budgets, points, void."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.marketing.offers import OfferKind, QuoteContext
from parcelhub.marketing.promotions.models import Coupon, CouponGrant, PointsEntry
from parcelhub.marketing.promotions.offers import offers_consume, offers_for, offers_release
from parcelhub.marketing.promotions.points import points_balance
from parcelhub.marketing.promotions.services import coupon_grant, coupon_redemptions


def context(merchant, **overrides) -> QuoteContext:
    fields = {"merchant_id": merchant.pk, "carrier_code": "zto", "service_code": "standard",
              "origin_province": "330000", "destination_province": "440000", "at": clock.now()}
    return QuoteContext(**{**fields, **overrides})


def granted(coupon, merchant):
    return coupon_grant(coupon=coupon, merchants=[merchant])[0]


def test_offers_for_lists_unused_grants_in_scope(make_coupon, merchant_a, merchant_b):
    a = merchant_a[0]
    anywhere = granted(make_coupon(name="通用红包", amount_off_fen=300, min_spend_fen=1000), a)
    zto_to_gd = granted(make_coupon(name="中通广东", percent_off_bp=1000, carrier_code="zto",
                                    destination_province="440000"), a)
    granted(make_coupon(name="顺丰专享", carrier_code="sf"), a)
    granted(make_coupon(name="新疆专线", destination_province="650000"), a)
    granted(make_coupon(name="别人的"), merchant_b[0])

    offers = offers_for(context(a))

    assert [(o.source_id, o.kind, o.amount_off_fen, o.percent_off_bp, o.min_spend_fen) for o in offers] == [
        (anywhere.public_id, OfferKind.COUPON, 300, 0, 1000),
        (zto_to_gd.public_id, OfferKind.COUPON, 0, 1000, 0),
    ]
    assert offers[0].label == "Coupon: 通用红包"
    assert offers_for(context(a, at=clock.now() + dt.timedelta(days=31))) == []


def test_consume_uses_the_grant_once_and_earns_points(make_coupon, merchant_a):
    a = merchant_a[0]
    grant = granted(make_coupon(amount_off_fen=300), a)
    [offer] = offers_for(context(a))

    offers_consume(merchant=a, offers=[offer], shipment_public_id="shp_1", charged_fen=1250, subsidy_fen=0)

    grant.refresh_from_db()
    assert (grant.state, grant.shipment_public_id, grant.discount_fen) == ("used", "shp_1", 300)
    assert Coupon.objects.get().used_count == 1
    assert points_balance(a) == 12
    assert offers_for(context(a)) == []
    assert [g.public_id for g in coupon_redemptions(coupon=grant.coupon)] == [grant.public_id]

    with pytest.raises(DomainError) as info:
        offers_consume(merchant=a, offers=[offer], shipment_public_id="shp_2", charged_fen=1250, subsidy_fen=0)
    assert info.value.code == "offer_unavailable" and info.value.status == 409
    grant.refresh_from_db()
    assert grant.shipment_public_id == "shp_1"
    assert Coupon.objects.get().used_count == 1
    assert points_balance(a) == 12


def test_another_merchant_cannot_consume_my_grant(make_coupon, merchant_a, merchant_b):
    granted(make_coupon(), merchant_a[0])
    [offer] = offers_for(context(merchant_a[0]))
    with pytest.raises(DomainError) as info:
        offers_consume(merchant=merchant_b[0], offers=[offer], shipment_public_id="shp_9", charged_fen=800,
                       subsidy_fen=0)
    assert info.value.code == "offer_unavailable"
    assert CouponGrant.objects.get().state == "unused"
    assert PointsEntry.objects.count() == 0


def test_total_usage_limit_stops_the_next_use(make_coupon, merchant_a, merchant_b):
    coupon = make_coupon(usage_limit_total=1)
    granted(coupon, merchant_a[0])
    granted(coupon, merchant_b[0])
    [offer_a] = offers_for(context(merchant_a[0]))
    [offer_b] = offers_for(context(merchant_b[0]))
    offers_consume(merchant=merchant_a[0], offers=[offer_a], shipment_public_id="shp_a", charged_fen=0,
                   subsidy_fen=0)

    assert offers_for(context(merchant_b[0])) == []
    with pytest.raises(DomainError) as info:
        offers_consume(merchant=merchant_b[0], offers=[offer_b], shipment_public_id="shp_b", charged_fen=0,
                       subsidy_fen=0)
    assert info.value.code == "coupon_limit_reached"
    assert CouponGrant.objects.get(merchant=merchant_b[0]).state == "unused"  # the savepoint undid the flip
    assert Coupon.objects.get().used_count == 1


def test_funded_coupon_books_the_subsidy_and_stops_at_the_budget(make_coupon, merchant_a):
    coupon = make_coupon(amount_off_fen=500, budget_fen=300, per_merchant_limit=3)
    coupon_grant(coupon=coupon, merchants=[merchant_a[0]], source="s1")
    coupon_grant(coupon=coupon, merchants=[merchant_a[0]], source="s2")
    first, second = offers_for(context(merchant_a[0]))
    assert first.funded and first.budget_left_fen == 300

    offers_consume(merchant=merchant_a[0], offers=[first], shipment_public_id="shp_1", charged_fen=300,
                   subsidy_fen=200, discounts={first.source_id: 500})
    coupon.refresh_from_db()
    assert coupon.budget_spent_fen == 200
    with pytest.raises(DomainError) as info:
        offers_consume(merchant=merchant_a[0], offers=[second], shipment_public_id="shp_2", charged_fen=300,
                       subsidy_fen=101)
    assert info.value.code == "promotion_budget_spent"
    coupon.refresh_from_db()
    assert (coupon.budget_spent_fen, coupon.used_count) == (200, 1)

    offers_release(merchant=merchant_a[0], shipment_public_id="shp_1")
    coupon.refresh_from_db()
    assert (coupon.budget_spent_fen, coupon.used_count) == (0, 0)


def test_void_gives_the_grant_back_while_valid(make_coupon, merchant_a):
    a = merchant_a[0]
    grant = granted(make_coupon(), a)
    offers_consume(merchant=a, offers=offers_for(context(a)), shipment_public_id="shp_1", charged_fen=999,
                   subsidy_fen=0)
    assert points_balance(a) == 9

    offers_release(merchant=a, shipment_public_id="shp_1")

    grant.refresh_from_db()
    assert (grant.state, grant.shipment_public_id, grant.discount_fen) == ("unused", "", 0)
    assert Coupon.objects.get().used_count == 0
    assert points_balance(a) == 0
    assert list(PointsEntry.objects.order_by("id").values_list("kind", "points")) == [("earn", 9), ("reverse", -9)]
    offers_release(merchant=a, shipment_public_id="shp_1")  # a second void changes nothing
    assert points_balance(a) == 0 and PointsEntry.objects.count() == 2


def test_void_after_the_coupon_ended_expires_the_grant(make_coupon, merchant_a):
    a = merchant_a[0]
    grant = granted(make_coupon(), a)
    offers_consume(merchant=a, offers=offers_for(context(a)), shipment_public_id="shp_1", charged_fen=0,
                   subsidy_fen=0)
    Coupon.objects.update(valid_until=clock.now() - dt.timedelta(seconds=1))

    offers_release(merchant=a, shipment_public_id="shp_1")

    grant.refresh_from_db()
    assert grant.state == "expired"
