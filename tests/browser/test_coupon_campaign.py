"""Issue 5's campaign journey: an operator creates and launches a coupon campaign in the console; the merchant sees
the coupon, buys a label with it; the operator's report shows the redemption."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import Merchant, OperatorRole, User
from parcelhub.core import clock
from parcelhub.core.money import format_fen
from parcelhub.crm.models import Segment
from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from parcelhub.marketing.campaigns.models import Campaign
from parcelhub.marketing.promotions.models import CouponGrant
from parcelhub.marketing.promotions.services import coupon_create
from parcelhub.orders.models import Order
from parcelhub.shipping.models import Shipment
from parcelhub.simulation.accounts_world import DEMO_MERCHANTS, DEMO_PASSWORD, build_people
from parcelhub.simulation.billing_world import build_wallets
from parcelhub.simulation.carriers_world import build_carriers_and_cards
from parcelhub.simulation.orders_world import build_orders
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OPERATOR = "marketing@ops.example"


@pytest.fixture
def world(transactional_db):
    load_regions(Region)
    build_carriers_and_cards(effective_from=dt.date(2026, 1, 1))
    build_people()
    merchant = Merchant.objects.get(name=DEMO_MERCHANTS[0][0])
    build_wallets(merchants=[merchant], today=clock.today())
    build_orders(merchants=[merchant], today=clock.today(), count_per_merchant=1)
    User.objects.create_user(OPERATOR, DEMO_PASSWORD, name="市场专员", operator_role=OperatorRole.MARKETING)
    Segment.objects.create(name="义乌演示商户", definition={"merchant": [merchant.public_id]})
    now = clock.now()
    coupon = coupon_create(name="双11 红包 ¥3", amount_off_fen=300, valid_from=now - dt.timedelta(hours=1),
                           valid_until=now + dt.timedelta(days=30))
    return merchant, coupon


def test_operator_campaign_merchant_redeems_operator_sees_it(page, live_server, world):
    merchant, coupon = world
    # The operator creates the campaign in the console, with no holdout so the demo merchant is treated.
    log_in(page, live_server, OPERATOR, DEMO_PASSWORD)
    # (An operator lands on the carriers page after logging in, which only pricing operators may open.)
    page.goto(f"{live_server.url}/operator/campaigns/")
    assert page.locator("nav.mainnav a.active").inner_text() == "Campaigns"
    page.click("text=New campaign")
    page.fill("#id_name", "双11 红包活动")
    page.select_option("#id_segment", label="义乌演示商户")
    page.select_option("#id_offer", value=coupon.public_id)
    page.fill("#id_control_percent", "0")
    page.dispatch_event("#id_control_percent", "change")
    page.wait_for_selector("#target-size")
    assert "holds 1 merchants now" in page.locator("#target-preview").inner_text()
    page.click("form.campaign-form button[type=submit]")
    page.wait_for_selector("#launch")
    page.click("#launch")
    page.wait_for_selector("#stop")
    campaign = Campaign.objects.get()
    assert campaign.state == Campaign.State.LAUNCHED
    assert page.locator("#fig-treatment").inner_text() == "1"
    grant = CouponGrant.objects.get(merchant=merchant, source=campaign.public_id)

    # The merchant sees the coupon on its promotions page …
    merchant_page = page.context.browser.new_page()
    merchant_page.set_default_timeout(15_000)
    log_in(merchant_page, live_server, "merchant@parcelhub.local", DEMO_PASSWORD)
    merchant_page.goto(f"{live_server.url}/promotions/")
    coupons = merchant_page.locator("#my-coupons").inner_text()
    assert "双11 红包 ¥3" in coupons and grant.public_id in coupons

    # … and buys a label for its order; the best coupon is applied and shows as its own line.
    order = Order.objects.get(merchant=merchant)
    merchant_page.goto(f"{live_server.url}/orders/{order.public_id}/")
    merchant_page.click("text=Compare and buy labels")
    merchant_page.wait_for_selector("#rule-cheapest")
    merchant_page.check("#rule-cheapest")
    merchant_page.click("#bulk-form button[type=submit]")
    merchant_page.wait_for_selector("#bulk-summary", timeout=30_000)
    shipment = Shipment.objects.get(merchant=merchant)
    grant.refresh_from_db()
    assert grant.state == "used" and grant.shipment_public_id == shipment.public_id
    # The coupon's line takes ¥3.00 off; what the margin guardrail gives back is not the coupon's cost.
    capped_back = sum(line["amount_fen"] for line in shipment.breakdown if line["code"] == "guardrail_cap")
    assert grant.discount_fen == 300 - capped_back
    merchant_page.goto(f"{live_server.url}/shipments/{shipment.public_id}/")
    breakdown = merchant_page.locator("#breakdown").inner_text()
    assert "Coupon: 双11 红包 ¥3\n-¥3.00" in breakdown
    merchant_page.screenshot(path="/tmp/campaign_purchase.png", full_page=True)
    merchant_page.close()

    # The operator's report shows the redemption and what it cost.
    page.goto(f"{live_server.url}/operator/campaigns/{campaign.public_id}/")
    assert page.locator("#fig-redeemed").inner_text() == "1"
    assert page.locator("#fig-cost").inner_text() == format_fen(grant.discount_fen)
    page.screenshot(path="/tmp/campaign_report.png", full_page=True)
