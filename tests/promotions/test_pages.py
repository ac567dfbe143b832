"""Console pages: operators create and issue coupons, 满减 rules, packages and flash sales; the merchant's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from parcelhub.accounts.models import OperatorRole
from parcelhub.core import clock
from parcelhub.marketing.promotions.models import (
    Coupon,
    CouponGrant,
    FlashSale,
    Package,
    PackageBalance,
    SpendOffRule,
)
from parcelhub.marketing.promotions.packages import package_buy, package_create
from parcelhub.marketing.promotions.services import coupon_grant
from tests.rating.world import build_small_world
from tests.shipping.conftest import balance, fund


def local(delta_days: int) -> str:
    return (clock.now() + dt.timedelta(days=delta_days)).astimezone().strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def ops(marketer):
    client = Client()
    client.force_login(marketer)
    return client


@pytest.fixture
def package(db):
    now = clock.now()
    return package_create(name="双11包", carrier_code="zto", service_code="standard", labels=4, price_fen=2000,
                          refund_terms="pro_rata", refund_days=7, on_sale_from=now - dt.timedelta(days=1),
                          on_sale_until=now + dt.timedelta(days=5), use_until=now + dt.timedelta(days=30))


def test_operator_creates_a_coupon_and_issues_it(ops, merchant_a, merchant_b):
    response = ops.post("/operator/promotions/", {
        "name": "回归红包", "amount_off": "3.50", "min_spend": "10", "code": "back2026", "valid_from": local(-1),
        "valid_until": local(30), "per_merchant_limit": "1", "usage_limit_total": "100"})
    assert response.status_code == 302
    coupon = Coupon.objects.get()
    assert (coupon.amount_off_fen, coupon.min_spend_fen, coupon.code, coupon.usage_limit_total) == (
        350, 1000, "BACK2026", 100)

    page = ops.get(f"/operator/promotions/coupons/{coupon.public_id}/")
    assert page.status_code == 200 and "回归红包" in page.content.decode()
    issued = ops.post(f"/operator/promotions/coupons/{coupon.public_id}/",
                      {"merchants": f"{merchant_a[0].public_id}, {merchant_b[0].public_id}"})
    assert issued.status_code == 302
    assert CouponGrant.objects.filter(coupon=coupon, source="operator").count() == 2


def test_issue_to_an_unknown_merchant_issues_nothing(ops, make_coupon, merchant_a):
    coupon = make_coupon()
    response = ops.post(f"/operator/promotions/coupons/{coupon.public_id}/",
                        {"merchants": f"{merchant_a[0].public_id} mch_NOPE"})
    assert response.status_code == 422 and "mch_NOPE" in response.content.decode()
    assert CouponGrant.objects.count() == 0


def test_bad_coupon_form_is_422_and_creates_nothing(ops):
    response = ops.post("/operator/promotions/", {"name": "x", "amount_off": "1", "percent_off": "10",
                                                  "valid_from": local(-1), "valid_until": local(1),
                                                  "per_merchant_limit": "1"})
    assert response.status_code == 422
    assert Coupon.objects.count() == 0


def test_redemptions_are_listed(ops, make_coupon, merchant_a):
    coupon = make_coupon(name="满减红包")
    [grant] = coupon_grant(coupon=coupon, merchants=[merchant_a[0]], source="cmp_1")
    CouponGrant.objects.filter(pk=grant.pk).update(state="used", shipment_public_id="shp_REDEEMED", discount_fen=300,
                                                   used_at=clock.now())
    body = ops.get(f"/operator/promotions/coupons/{coupon.public_id}/").content.decode()
    assert "shp_REDEEMED" in body and "cmp_1" in body and "¥3.00" in body


def test_operator_creates_rule_package_and_flash_sale(ops, package):
    assert ops.post("/operator/promotions/spend-offs/", {
        "name": "满500减20", "kind": "period", "threshold": "500", "off": "20", "valid_from": local(-1),
        "valid_until": local(60)}).status_code == 302
    assert SpendOffRule.objects.get().threshold_fen == 50_000
    assert ops.post("/operator/promotions/packages/", {
        "name": "年货包", "carrier_code": "sf", "service_code": "express", "destination_provinces": "440000 310000",
        "labels": "20", "price": "199", "max_weight_g": "1000", "insured_value": "500", "includes_packaging": "on",
        "refund_terms": "none", "refund_days": "0", "on_sale_from": local(-1), "on_sale_until": local(10),
        "use_until": local(40)}).status_code == 302
    created = Package.objects.get(name="年货包")
    assert (created.price_fen, created.destination_provinces, created.insured_value_fen) == (
        19_900, ["440000", "310000"], 50_000)
    assert ops.post("/operator/promotions/flash-sales/", {
        "name": "整点抢", "item": package.public_id, "price": "9.9", "quantity": "10", "starts_at": local(0),
        "ends_at": local(1)}).status_code == 302
    assert (FlashSale.objects.get().price_fen, FlashSale.objects.get().package_id) == (990, package.pk)
    for path in ("/operator/promotions/spend-offs/", "/operator/promotions/packages/",
                 "/operator/promotions/flash-sales/"):
        assert ops.get(path).status_code == 200


def test_only_marketing_operators_and_no_merchants(operator_factory, console_a):
    support = Client()
    support.force_login(operator_factory(OperatorRole.SUPPORT))
    assert support.get("/operator/promotions/").status_code == 403
    assert console_a.get("/operator/promotions/").status_code == 403
    assert support.post("/operator/promotions/", {"name": "x"}).status_code == 403
    assert Coupon.objects.count() == 0


def test_merchant_page_shows_coupons_packages_and_points(console_a, make_coupon, package, merchant_a):
    coupon_grant(coupon=make_coupon(name="店铺红包"), merchants=[merchant_a[0]])
    fund(merchant_a[0], 2000)
    package_buy(merchant=merchant_a[0], package=package)
    body = console_a.get("/promotions/").content.decode()
    assert "店铺红包" in body and "双11包" in body
    assert '<div class="promo-figure" id="labels-left">4</div>' in body


def test_merchant_claims_buys_and_refunds_from_the_page(console_a, make_coupon, package, merchant_a):
    make_coupon(code="HELLO2026")
    assert console_a.post("/promotions/claim/", {"code": "hello2026"}).status_code == 302
    assert CouponGrant.objects.filter(merchant=merchant_a[0]).count() == 1
    fund(merchant_a[0], 2000)
    assert console_a.post(f"/promotions/packages/{package.public_id}/buy/").status_code == 302
    bought = PackageBalance.objects.get()
    assert balance(merchant_a[0]) == 0
    assert console_a.post(f"/promotions/balances/{bought.public_id}/refund/").status_code == 302
    assert balance(merchant_a[0]) == 2000


def test_another_merchants_balance_is_404(console_b, package, merchant_a):
    fund(merchant_a[0], 2000)
    bought = package_buy(merchant=merchant_a[0], package=package)
    assert console_b.post(f"/promotions/balances/{bought.public_id}/refund/").status_code == 404
    bought.refresh_from_db()
    assert bought.state == "active" and balance(merchant_a[0]) == 0
    assert bought.public_id not in console_b.get("/promotions/").content.decode()


def test_merchant_page_in_chinese(console_a, make_coupon, merchant_a):
    coupon_grant(coupon=make_coupon(name="店铺红包", amount_off_fen=300), merchants=[merchant_a[0]])
    body = console_a.get("/promotions/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的红包" in body and "立减 ¥3.00" in body and "未使用" in body


def test_packages_show_service_and_province_names(console_a, merchant_a):
    build_small_world()
    now = clock.now()
    package_create(name="广东包", carrier_code="zto", service_code="standard", labels=5, price_fen=1000,
                   destination_provinces=["440000", "650000"], on_sale_from=now - dt.timedelta(days=1),
                   on_sale_until=now + dt.timedelta(days=1), use_until=now + dt.timedelta(days=9))
    english = console_a.get("/promotions/").content.decode()
    chinese = console_a.get("/promotions/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "5 labels of ZTO Express ZTO Standard" in english and "To 广东、新疆" in english
    assert "中通快递 中通标快 面单 5 单" in chinese


def test_merchant_page_queries_do_not_grow_with_rows(console_a, make_coupon, package, merchant_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert console_a.get("/promotions/").status_code == 200
        return len(captured)

    fund(merchant_a[0], 100_000)
    coupon_grant(coupon=make_coupon(), merchants=[merchant_a[0]])
    package_buy(merchant=merchant_a[0], package=package)
    few = queries()
    for index in range(5):
        coupon_grant(coupon=make_coupon(name=f"红包{index}"), merchants=[merchant_a[0]])
        package_buy(merchant=merchant_a[0], package=package)
    assert queries() == few


def test_merchant_sees_this_months_spend_off_progress(console_a, merchant_a):
    from parcelhub.billing.services import wallet_charge
    from parcelhub.marketing.promotions.spend_offs import spend_off_rule_create

    start, end = clock.now() - dt.timedelta(days=40), clock.now() + dt.timedelta(days=40)
    spend_off_rule_create(name="满100减5", kind="period", threshold_fen=10_000, off_fen=500, valid_from=start,
                          valid_until=end)
    spend_off_rule_create(name="满300减20", kind="period", threshold_fen=30_000, off_fen=2_000, valid_from=start,
                          valid_until=end)
    fund(merchant_a[0], 20_000)
    wallet_charge(merchant=merchant_a[0], amount_fen=15_000, cost_fen=0, carrier_code="zto", reference="shp_X")

    text = console_a.get("/promotions/").content.decode()

    assert "Label spend this month: <strong>¥150.00</strong>." in text
    assert "You have earned ¥5.00 back" in text
    assert "Spend ¥150.00 more this month to get ¥20.00 back." in text


def test_coupon_scope_in_words(console_a, make_coupon, merchant_a):
    build_small_world()
    coupon = make_coupon(name="中通发广东", carrier_code="zto", origin_province="330000", destination_province="440000")
    coupon_grant(coupon=coupon, merchants=[merchant_a[0]])
    assert "ZTO Express · 浙江 → 广东" in console_a.get("/promotions/").content.decode()
    assert "中通快递 · 浙江 → 广东" in console_a.get("/promotions/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
