"""Promotions in the browser: an operator creates a coupon with a claim code and a package; the merchant claims
the code, buys the package from the wallet and sees both on the Promotions page."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import Merchant, OperatorRole, User
from parcelhub.billing.selectors import wallet_for
from parcelhub.core import clock
from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from parcelhub.marketing.promotions.models import Coupon, CouponGrant, Package, PackageBalance
from parcelhub.simulation.accounts_world import DEMO_MERCHANTS, DEMO_PASSWORD, build_people
from parcelhub.simulation.billing_world import build_wallets
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OPERATOR = "marketing@ops.example"


@pytest.fixture
def world(transactional_db):
    load_regions(Region)
    build_people()
    merchant = Merchant.objects.get(name=DEMO_MERCHANTS[0][0])
    build_wallets(merchants=[merchant], today=clock.today())
    User.objects.create_user(OPERATOR, DEMO_PASSWORD, name="市场专员", operator_role=OperatorRole.MARKETING)
    return merchant


def local(delta: dt.timedelta) -> str:
    return (clock.now() + delta).astimezone().strftime("%Y-%m-%dT%H:%M")


def test_operator_sets_up_merchant_claims_and_buys(page, live_server, world):
    merchant = world
    log_in(page, live_server, OPERATOR, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/operator/promotions/")
    assert page.locator("nav.mainnav a.active").inner_text() == "Promotions"
    page.click("text=New coupon (红包)")
    page.fill("#id_name", "双11 回归红包")
    page.fill("#id_amount_off", "5")
    page.fill("#id_min_spend", "10")
    page.fill("#id_code", "BACK11")
    page.fill("#id_valid_from", local(-dt.timedelta(hours=1)))
    page.fill("#id_valid_until", local(dt.timedelta(days=30)))
    page.click("form button.primary")
    page.wait_for_selector("#coupons >> text=双11 回归红包")
    assert Coupon.objects.get().amount_off_fen == 500

    page.goto(f"{live_server.url}/operator/promotions/packages/")
    page.click("text=New package")
    for field, value in {"name": "双11 中通50单包", "carrier_code": "zto", "service_code": "standard",
                         "labels": "50", "price": "190", "insured_value": "300",
                         "on_sale_from": local(-dt.timedelta(hours=1)), "on_sale_until": local(dt.timedelta(days=10)),
                         "use_until": local(dt.timedelta(days=40)), "refund_days": "15"}.items():
        page.fill(f"#id_{field}", value)
    page.select_option("#id_refund_terms", value="pro_rata")
    page.check("#id_includes_packaging")
    page.click("form button.primary")
    page.wait_for_selector("#packages >> text=双11 中通50单包")
    page.screenshot(path="/tmp/promotions_operator_packages.png", full_page=True)
    page.context.clear_cookies()
    log_in(page, live_server, DEMO_MERCHANTS[0][7], DEMO_PASSWORD)
    before = wallet_for(merchant).balance_fen
    page.goto(f"{live_server.url}/promotions/")
    page.fill("#claim-code", "back11")
    page.click(".promo-claim button")
    page.wait_for_selector("#my-coupons >> text=双11 回归红包")
    assert CouponGrant.objects.get(merchant=merchant).source == "code"

    page.click("#packages-on-sale button.primary")
    page.wait_for_selector("#my-packages")
    assert page.locator("#labels-left").inner_text() == "50"
    balance = PackageBalance.objects.get(merchant=merchant)
    assert (balance.package, balance.paid_fen) == (Package.objects.get(), 19_000)
    assert wallet_for(merchant).balance_fen == before - 19_000
    assert "Refund ¥190.00" in page.locator("#my-packages").inner_text()
    page.screenshot(path="/tmp/promotions_merchant.png", full_page=True)
