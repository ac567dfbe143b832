"""Concurrency on PostgreSQL: one grant raced by many purchases, a total usage limit raced by many merchants,
and a flash sale of 10 raced by 30 buyers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.marketing.offers import Offer, OfferKind
from parcelhub.marketing.promotions.models import (
    Coupon,
    CouponGrant,
    FlashSale,
    FlashSaleGrab,
    PackageBalance,
)
from parcelhub.marketing.promotions.offers import offers_consume
from parcelhub.marketing.promotions.packages import flash_sale_create, flash_sale_grab, package_create
from parcelhub.marketing.promotions.services import coupon_create, coupon_grant
from tests.concurrency import in_threads
from tests.shipping.conftest import balance, fund

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pg(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock concurrency is tested on PostgreSQL (SQLite serialises every writer)")


def merchants(count: int) -> list[Merchant]:
    return [Merchant.objects.create(name=f"并发商家{i}", contact_name="测试", phone="13800138000")
            for i in range(count)]


def coupon(**fields) -> Coupon:
    now = clock.now()
    return coupon_create(name="并发红包", amount_off_fen=300, valid_from=now - dt.timedelta(days=1),
                         valid_until=now + dt.timedelta(days=1), **fields)


def as_offer(grant: CouponGrant) -> Offer:
    return Offer(kind=OfferKind.COUPON, source_id=grant.public_id, label="并发红包", amount_off_fen=300)


def outcome(result: object) -> str:
    return result.code if isinstance(result, DomainError) else "ok" if result is None else repr(result)


def test_one_grant_is_used_once_by_racing_purchases(pg):
    [merchant] = merchants(1)
    [grant] = coupon_grant(coupon=coupon(), merchants=[merchant])

    results = in_threads(20, lambda i: offers_consume(
        merchant=merchant, offers=[as_offer(grant)], shipment_public_id=f"shp_{i}", charged_fen=800, subsidy_fen=0))

    outcomes = [outcome(r) for r in results]
    assert outcomes.count("ok") == 1
    assert outcomes.count("offer_unavailable") == 19
    grant.refresh_from_db()
    assert grant.state == "used" and grant.shipment_public_id == f"shp_{outcomes.index('ok')}"
    assert Coupon.objects.get().used_count == 1


def test_total_usage_limit_holds_under_racing_merchants(pg):
    shops = merchants(25)
    limited = coupon(usage_limit_total=7)
    grants = {g.merchant_id: g for g in coupon_grant(coupon=limited, merchants=shops)}

    results = in_threads(25, lambda i: offers_consume(
        merchant=shops[i], offers=[as_offer(grants[shops[i].pk])], shipment_public_id=f"shp_{i}",
        charged_fen=800, subsidy_fen=0))

    outcomes = [outcome(r) for r in results]
    assert outcomes.count("ok") == 7
    assert outcomes.count("coupon_limit_reached") == 18
    assert CouponGrant.objects.filter(state="used").count() == 7
    assert Coupon.objects.get().used_count == 7


def test_flash_sale_of_ten_to_thirty_buyers(pg):
    now = clock.now()
    package = package_create(name="秒杀包", carrier_code="zto", service_code="standard", labels=5, price_fen=2000,
                             on_sale_from=now - dt.timedelta(days=1), on_sale_until=now + dt.timedelta(days=1),
                             use_until=now + dt.timedelta(days=30))
    sale = flash_sale_create(name="整点秒杀", package=package, price_fen=990, quantity=10,
                             starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(hours=1))
    buyers = merchants(30)
    for buyer in buyers:
        fund(buyer, 990)

    results = in_threads(30, lambda i: flash_sale_grab(merchant=buyers[i], sale=sale))

    won = [i for i, r in enumerate(results) if isinstance(r, FlashSaleGrab)]
    assert len(won) == 10
    assert [outcome(r) for i, r in enumerate(results) if i not in won] == ["sold_out"] * 20
    assert FlashSale.objects.get().sold == 10
    assert PackageBalance.objects.count() == 10
    assert sorted(balance(b) for b in buyers) == [0] * 10 + [990] * 20
