"""Promotions API: coupons and claim codes, packages, flash sales, points; tenancy and bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.core import clock
from parcelhub.marketing.promotions.models import CouponGrant, FlashSaleGrab, PackageBalance
from parcelhub.marketing.promotions.packages import flash_sale_create, package_buy, package_create
from parcelhub.marketing.promotions.points import points_earn
from parcelhub.marketing.promotions.services import coupon_grant
from tests.conftest import bearer_client
from tests.shipping.conftest import balance, fund, post


@pytest.fixture
def live_a(merchant_a):
    return bearer_client(merchant_a[0], mode="live")


@pytest.fixture
def live_b(merchant_b):
    return bearer_client(merchant_b[0], mode="live")


@pytest.fixture
def package(db):
    now = clock.now()
    return package_create(name="双11包", carrier_code="zto", service_code="standard", labels=4, price_fen=2000,
                          refund_terms="pro_rata", refund_days=7, on_sale_from=now - dt.timedelta(days=1),
                          on_sale_until=now + dt.timedelta(days=5), use_until=now + dt.timedelta(days=30))


def test_list_my_coupons_only(make_coupon, live_a, merchant_a, merchant_b):
    coupon = make_coupon(name="满10减3", amount_off_fen=300, min_spend_fen=1000, carrier_code="zto")
    [mine] = coupon_grant(coupon=coupon, merchants=[merchant_a[0]])
    coupon_grant(coupon=make_coupon(name="B的"), merchants=[merchant_b[0]])

    body = live_a.get("/api/v1/promotions/coupons").json()

    assert [(c["id"], c["name"], c["state"], c["amount_off_fen"], c["min_spend_fen"], c["carrier"])
            for c in body] == [(mine.public_id, "满10减3", "unused", 300, 1000, "zto")]


def test_claim_code(make_coupon, live_a, merchant_a):
    make_coupon(code="SPRING26")
    response = post(live_a, "/api/v1/promotions/coupons/claim", {"code": "spring26"})
    assert response.status_code == 201
    assert response.json()["id"] == CouponGrant.objects.get(merchant=merchant_a[0]).public_id

    again = post(live_a, "/api/v1/promotions/coupons/claim", {"code": "SPRING26"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "coupon_already_claimed"
    wrong = post(live_a, "/api/v1/promotions/coupons/claim", {"code": "WRONG999"})
    assert wrong.status_code == 404
    assert CouponGrant.objects.count() == 1


def test_buy_a_package_and_refund_it(package, live_a, merchant_a):
    fund(merchant_a[0], 2500)
    listed = live_a.get("/api/v1/promotions/packages").json()
    assert [(p["id"], p["price_fen"], p["labels"]) for p in listed] == [(package.public_id, 2000, 4)]

    bought = post(live_a, f"/api/v1/promotions/packages/{package.public_id}/buy")
    assert bought.status_code == 201
    body = bought.json()
    assert (body["labels_left"], body["paid_fen"], body["refundable_fen"]) == (4, 2000, 2000)
    assert balance(merchant_a[0]) == 500

    PackageBalance.objects.filter(public_id=body["id"]).update(labels_used=1)
    refunded = post(live_a, f"/api/v1/promotions/package-balances/{body['id']}/refund")
    assert refunded.status_code == 200
    assert (refunded.json()["state"], refunded.json()["refunded_fen"]) == ("refunded", 1500)
    assert balance(merchant_a[0]) == 2000


def test_another_merchants_balance_is_404_and_untouched(package, live_b, merchant_a):
    fund(merchant_a[0], 2000)
    bought = package_buy(merchant=merchant_a[0], package=package)
    response = post(live_b, f"/api/v1/promotions/package-balances/{bought.public_id}/refund")
    assert response.status_code == 404
    bought.refresh_from_db()
    assert bought.state == "active" and balance(merchant_a[0]) == 0
    assert live_b.get("/api/v1/promotions/package-balances").json() == []


def test_buying_without_funds_is_402_and_test_keys_cannot_buy(package, live_a, merchant_a):
    response = post(live_a, f"/api/v1/promotions/packages/{package.public_id}/buy")
    assert response.status_code == 402
    test_key = bearer_client(merchant_a[0], mode="test")
    fund(merchant_a[0], 5000)
    response = post(test_key, f"/api/v1/promotions/packages/{package.public_id}/buy")
    assert response.status_code == 403 and response.json()["error"]["code"] == "live_key_required"
    assert PackageBalance.objects.count() == 0 and balance(merchant_a[0]) == 5000


def test_grab_a_flash_sale(package, live_a, merchant_a):
    fund(merchant_a[0], 1000)
    now = clock.now()
    sale = flash_sale_create(name="秒杀", package=package, price_fen=990, quantity=3,
                             starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1))
    response = post(live_a, f"/api/v1/promotions/flash-sales/{sale.public_id}/grab")
    assert response.status_code == 201
    grab = FlashSaleGrab.objects.get()
    assert response.json() == {"id": grab.public_id, "sale": sale.public_id, "price_fen": 990,
                               "item": grab.item_public_id}
    [listed] = live_a.get("/api/v1/promotions/flash-sales").json()
    assert (listed["left"], listed["grabbed"]) == (2, True)
    again = post(live_a, f"/api/v1/promotions/flash-sales/{sale.public_id}/grab")
    assert again.status_code == 409 and balance(merchant_a[0]) == 10
    assert post(live_a, "/api/v1/promotions/flash-sales/fls_nope/grab").status_code == 404


def test_points_balance_and_redeem(make_coupon, live_a, live_b, merchant_a):
    points_earn(merchant=merchant_a[0], shipment_public_id="shp_1", charged_fen=5000)
    coupon = make_coupon(name="积分兑换红包", points_price=30)

    redeemed = post(live_a, "/api/v1/promotions/points/redeem", {"coupon": coupon.public_id})

    assert redeemed.status_code == 201 and redeemed.json()["coupon"] == coupon.public_id
    body = live_a.get("/api/v1/promotions/points").json()
    assert body["balance"] == 20
    assert [(e["kind"], e["points"]) for e in body["history"]] == [("redeem", -30), ("earn", 50)]
    poor = post(live_b, "/api/v1/promotions/points/redeem", {"coupon": coupon.public_id})
    assert poor.status_code == 409 and poor.json()["error"]["code"] == "insufficient_points"
    assert live_b.get("/api/v1/promotions/points").json()["balance"] == 0


def test_a_retried_package_purchase_buys_once(package, live_a, merchant_a):
    fund(merchant_a[0], 5000)
    path = f"/api/v1/promotions/packages/{package.public_id}/buy"
    first = post(live_a, path, HTTP_IDEMPOTENCY_KEY="buy-1")
    again = post(live_a, path, HTTP_IDEMPOTENCY_KEY="buy-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert PackageBalance.objects.count() == 1 and balance(merchant_a[0]) == 3000


def test_spend_off_progress(live_a, merchant_a):
    from parcelhub.billing.services import wallet_charge
    from parcelhub.marketing.promotions.spend_offs import spend_off_rule_create

    start, end = clock.now() - dt.timedelta(days=40), clock.now() + dt.timedelta(days=40)
    monthly = spend_off_rule_create(name="满100减5", kind="period", threshold_fen=10_000, off_fen=500,
                                    valid_from=start, valid_until=end)
    bulk = spend_off_rule_create(name="批量满500减20", kind="bulk", threshold_fen=50_000, off_fen=2_000,
                                 valid_from=start, valid_until=end)
    fund(merchant_a[0], 5_000)
    wallet_charge(merchant=merchant_a[0], amount_fen=4_000, cost_fen=0, carrier_code="zto", reference="shp_Y")

    body = live_a.get("/api/v1/promotions/spend-offs").json()

    assert (body["month_spend_fen"], body["next_rule"], body["missing_fen"]) == (4_000, monthly.public_id, 6_000)
    assert [(r["id"], r["kind"]) for r in body["rules"]] == [(monthly.public_id, "period"), (bulk.public_id, "bulk")]
