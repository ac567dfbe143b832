"""Packages: buy from the wallet, use label by label, refund under the terms; flash sales."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.billing.models import LedgerTransaction
from parcelhub.billing.services import InsufficientFunds
from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.marketing.offers import OfferKind
from parcelhub.marketing.promotions.models import (
    CouponGrant,
    FlashSale,
    FlashSaleGrab,
    Package,
    PackageBalance,
)
from parcelhub.marketing.promotions.offers import offers_consume, offers_for, offers_release
from parcelhub.marketing.promotions.packages import (
    flash_sale_create,
    flash_sale_grab,
    package_buy,
    package_create,
    package_refund,
)
from tests.promotions.test_offers import context
from tests.shipping.conftest import balance, fund


@pytest.fixture
def package(db):
    now = clock.now()
    return package_create(name="双11 中通广东包", carrier_code="zto", service_code="standard", labels=10,
                          price_fen=5000, destination_provinces=["440000", "450000"], insured_value_fen=50_000,
                          includes_packaging=True, refund_terms="pro_rata", refund_days=7,
                          on_sale_from=now - dt.timedelta(days=1), on_sale_until=now + dt.timedelta(days=10),
                          use_until=now + dt.timedelta(days=60))


def use_one(merchant, shipment_public_id: str) -> None:
    offers = [o for o in offers_for(context(merchant)) if o.kind == OfferKind.PACKAGE]
    offers_consume(merchant=merchant, offers=offers[:1], shipment_public_id=shipment_public_id, charged_fen=0,
                   subsidy_fen=0)


def test_buy_charges_the_wallet_with_a_package_line(package, merchant_a):
    a = merchant_a[0]
    fund(a, 6000)

    bought = package_buy(merchant=a, package=package)

    assert balance(a) == 1000
    charge = LedgerTransaction.objects.get(reference=bought.public_id)
    assert (charge.kind, charge.lines) == ("charge", [{"code": "package", "amount_fen": 5000,
                                                        "promotion": package.public_id}])
    assert (bought.labels_total, bought.labels_left, bought.paid_fen) == (10, 10, 5000)


def test_short_wallet_buys_nothing(package, merchant_a):
    fund(merchant_a[0], 4999)
    with pytest.raises(InsufficientFunds):
        package_buy(merchant=merchant_a[0], package=package)
    assert PackageBalance.objects.count() == 0 and balance(merchant_a[0]) == 4999


def test_labels_are_consumed_one_by_one_and_given_back_on_void(package, merchant_a):
    a = merchant_a[0]
    fund(a, 5000)
    bought = package_buy(merchant=a, package=package)
    [offer] = offers_for(context(a))
    assert (offer.kind, offer.price_fen, offer.source_id) == (OfferKind.PACKAGE, 0, bought.public_id)
    assert offer.label == "Package: 双11 中通广东包 (10 labels left)"
    assert offers_for(context(a, destination_province="650000")) == []
    assert offers_for(context(a, carrier_code="sf")) == []

    use_one(a, "shp_1")
    use_one(a, "shp_2")
    bought.refresh_from_db()
    assert bought.labels_left == 8

    offers_release(merchant=a, shipment_public_id="shp_1")
    bought.refresh_from_db()
    assert bought.labels_left == 9


def test_the_last_label_cannot_be_used_twice(package, merchant_a):
    a = merchant_a[0]
    fund(a, 5000)
    bought = package_buy(merchant=a, package=package)
    PackageBalance.objects.filter(pk=bought.pk).update(labels_used=9)
    [offer] = offers_for(context(a))
    offers_consume(merchant=a, offers=[offer], shipment_public_id="shp_10", charged_fen=0, subsidy_fen=0)
    with pytest.raises(DomainError) as info:
        offers_consume(merchant=a, offers=[offer], shipment_public_id="shp_11", charged_fen=0, subsidy_fen=0)
    assert info.value.code == "offer_unavailable"
    bought.refresh_from_db()
    assert bought.labels_used == 10 and bought.uses.count() == 1


def test_pro_rata_refund_of_unused_labels(package, merchant_a):
    a = merchant_a[0]
    fund(a, 5000)
    bought = package_buy(merchant=a, package=package)
    PackageBalance.objects.filter(pk=bought.pk).update(labels_used=3)

    refunded = package_refund(balance=bought)

    assert (refunded.state, refunded.refunded_fen) == ("refunded", 3500)  # 7 of 10 labels of ¥50
    assert balance(a) == 3500
    assert offers_for(context(a)) == []
    with pytest.raises(DomainError) as info:
        package_refund(balance=bought)
    assert info.value.code == "already_refunded"
    assert balance(a) == 3500


def test_pro_rata_rounds_down(package, merchant_a):
    fund(merchant_a[0], 5000)
    Package.objects.filter(pk=package.pk).update(labels=3)
    package.refresh_from_db()
    bought = package_buy(merchant=merchant_a[0], package=package)
    PackageBalance.objects.filter(pk=bought.pk).update(labels_used=1)
    assert package_refund(balance=bought).refunded_fen == 3333


def test_no_refund_after_the_window_or_under_no_refund_terms(package, merchant_a):
    a = merchant_a[0]
    fund(a, 10_000)
    late = package_buy(merchant=a, package=package)
    PackageBalance.objects.filter(pk=late.pk).update(bought_at=clock.now() - dt.timedelta(days=8))
    with pytest.raises(DomainError) as info:
        package_refund(balance=late)
    assert info.value.code == "refund_window_closed"

    Package.objects.filter(pk=package.pk).update(refund_terms="none")
    package.refresh_from_db()
    final = package_buy(merchant=a, package=package)
    with pytest.raises(DomainError) as info:
        package_refund(balance=final)
    assert info.value.code == "not_refundable"
    assert balance(a) == 0
    assert PackageBalance.objects.filter(state="active").count() == 2


def test_bad_package_definition_is_refused(db):
    now = clock.now()
    with pytest.raises(DomainError) as info:
        package_create(name="", carrier_code="zto", service_code="standard", labels=0, price_fen=100,
                       destination_provinces=["44"], refund_terms="pro_rata", refund_days=0,
                       on_sale_from=now, on_sale_until=now + dt.timedelta(days=1), use_until=now)
    assert info.value.status == 422
    assert info.value.details == {"fields": ["name", "labels", "use_until", "destination_provinces", "refund_days"]}
    assert Package.objects.count() == 0


def test_package_off_sale_is_not_sold(package, merchant_a):
    fund(merchant_a[0], 5000)
    Package.objects.filter(pk=package.pk).update(on_sale_until=clock.now() - dt.timedelta(seconds=1))
    package.refresh_from_db()
    with pytest.raises(DomainError) as info:
        package_buy(merchant=merchant_a[0], package=package)
    assert info.value.code == "package_not_on_sale"
    assert balance(merchant_a[0]) == 5000


def sale_of(package, **fields) -> FlashSale:
    now = clock.now()
    defaults = {"name": "整点秒杀", "price_fen": 3000, "quantity": 2, "starts_at": now - dt.timedelta(minutes=1),
                "ends_at": now + dt.timedelta(hours=1), "package": package}
    return flash_sale_create(**{**defaults, **fields})


def test_flash_sale_sells_the_package_at_its_price_once_per_merchant(package, merchant_a):
    a = merchant_a[0]
    fund(a, 10_000)
    sale = sale_of(package)

    grab = flash_sale_grab(merchant=a, sale=sale)

    bought = PackageBalance.objects.get(public_id=grab.item_public_id)
    assert (bought.paid_fen, bought.source, balance(a)) == (3000, sale.public_id, 7000)
    with pytest.raises(DomainError) as info:
        flash_sale_grab(merchant=a, sale=sale)
    assert info.value.code == "already_grabbed"
    sale.refresh_from_db()
    assert (sale.sold, balance(a)) == (1, 7000)


def test_flash_sale_sold_out_and_closed(package, merchant_a, merchant_b):
    fund(merchant_a[0], 10_000)
    fund(merchant_b[0], 10_000)
    sale = sale_of(package, quantity=1)
    flash_sale_grab(merchant=merchant_a[0], sale=sale)
    with pytest.raises(DomainError) as info:
        flash_sale_grab(merchant=merchant_b[0], sale=sale)
    assert info.value.code == "sold_out"
    assert balance(merchant_b[0]) == 10_000

    later = sale_of(package, starts_at=clock.now() + dt.timedelta(hours=1), ends_at=clock.now() + dt.timedelta(hours=2))
    with pytest.raises(DomainError) as info:
        flash_sale_grab(merchant=merchant_b[0], sale=later)
    assert info.value.code == "flash_sale_closed"
    assert FlashSaleGrab.objects.filter(merchant=merchant_b[0]).count() == 0


def test_flash_sale_of_a_coupon(make_coupon, merchant_a):
    a = merchant_a[0]
    fund(a, 500)
    coupon = make_coupon(amount_off_fen=1000)
    sale = sale_of(None, coupon=coupon, price_fen=100)

    grab = flash_sale_grab(merchant=a, sale=sale)

    grant = CouponGrant.objects.get(public_id=grab.item_public_id)
    assert (grant.source, grant.merchant_id, balance(a)) == (sale.public_id, a.pk, 400)
    charge = LedgerTransaction.objects.get(reference=grab.public_id)
    assert charge.lines == [{"code": "flash_sale", "amount_fen": 100, "promotion": sale.public_id}]


def test_flash_sale_grab_refused_for_funds_leaves_stock(package, merchant_a):
    fund(merchant_a[0], 100)
    sale = sale_of(package)
    with pytest.raises(InsufficientFunds):
        flash_sale_grab(merchant=merchant_a[0], sale=sale)
    sale.refresh_from_db()
    assert sale.sold == 0 and PackageBalance.objects.count() == 0
