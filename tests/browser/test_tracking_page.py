"""A consignee opens the branded tracking page on a phone, follows a recommendation and answers the NPS
question; the merchant's results page then shows the click and the score. The designer previews live."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import Merchant
from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from parcelhub.plans.services import subscription_grant
from parcelhub.shipping.models import Shipment
from parcelhub.simulation.accounts_world import DEMO_MERCHANTS, DEMO_PASSWORD, build_people
from parcelhub.simulation.billing_world import build_wallets
from parcelhub.simulation.carriers_world import build_carriers_and_cards
from parcelhub.tracking.models import MarketingBlock, NpsResponse, TrackingClick, TrackingPageDesign
from parcelhub.tracking.services import IncomingEvent, tracking_ingest
from parcelhub.tracking.status import Status
from tests.browser.conftest import ARTIFACTS, log_in
from tests.conftest import bearer_client
from tests.shipping.conftest import AD_HOC_BODY, post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

T0 = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def delivered(transactional_db, live_server):
    load_regions(Region)
    build_carriers_and_cards(effective_from=dt.date(2026, 1, 1))
    build_people()
    merchant = Merchant.objects.get(name=DEMO_MERCHANTS[0][0])
    build_wallets(merchants=[merchant], today=dt.date.today())
    subscription_grant(merchant=merchant, plan_code="pro", months=1, reference="tests-designer")  # a Pro feature
    body = post(bearer_client(merchant, mode="live"), "/api/v1/shipments",
                {**AD_HOC_BODY, "buy": {"rule": "cheapest"}}).json()
    shipment = Shipment.objects.get(public_id=body["id"])
    steps = [(0, Status.PICKED_UP, "快件已由快递员揽收", "浙江省金华市义乌市"),
             (9, Status.IN_TRANSIT, "快件已到达杭州转运中心", "浙江省杭州市"),
             (20, Status.OUT_FOR_DELIVERY, "快递员正在为您派件", "浙江省杭州市西湖区"),
             (25, Status.DELIVERED, "您的快件已签收，签收人：本人", "浙江省杭州市西湖区")]
    tracking_ingest(events=[IncomingEvent(carrier=shipment.carrier_code, waybill_no=shipment.waybill_no,
                                          occurred_at=T0 + dt.timedelta(hours=h), status=s, description=text,
                                          location=place, raw_code=s.value) for h, s, text, place in steps])
    # Targets on the live server itself, so following them needs no network.
    TrackingPageDesign.objects.create(merchant=merchant, display_name="义乌好物", primary_color="#c8102e",
                                      accent_color="#f5a623", shop_url=f"{live_server.url}/t/?from=shop",
                                      headline="感谢您的购买，祝您生活愉快！")
    MarketingBlock.objects.create(merchant=merchant, kind="product", title="加厚帆布托特包 大容量",
                                  price_fen=5990, link_url=f"{live_server.url}/t/?from=bag")
    MarketingBlock.objects.create(merchant=merchant, kind="product", title="防水收纳袋三件套", price_fen=2990,
                                  link_url=f"{live_server.url}/t/?from=pouch")
    MarketingBlock.objects.create(merchant=merchant, kind="coupon", title="满99减10", text="全店通用，30天内有效",
                                  coupon_code="YIWU10")
    return shipment


def test_consignee_follows_a_recommendation_and_rates_then_merchant_sees_it(browser, page, live_server, delivered):
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True)
    consignee = phone.new_page()
    consignee.set_default_timeout(15_000)
    try:
        consignee.goto(f"{live_server.url}/t/{delivered.public_id}")
        assert consignee.locator("#status-words").inner_text() == "已签收"
        timeline = consignee.locator("#timeline li")
        assert timeline.count() == 4
        assert "您的快件已签收" in timeline.first.inner_text()
        assert "13800138000" not in consignee.content()
        ARTIFACTS.mkdir(exist_ok=True)
        consignee.screenshot(path=str(ARTIFACTS / "tracking_page_mobile.png"), full_page=True)

        consignee.click("text=加厚帆布托特包 大容量")
        consignee.wait_for_url("**/t/?from=bag")
        # The target here is the lookup page: find the parcel again by waybill number and phone digits.
        consignee.fill("#waybill_no", delivered.waybill_no)
        consignee.fill("#phone_last4", "1234")
        consignee.click("#lookup-form button[type=submit]")
        consignee.wait_for_selector("#lookup-error")
        consignee.screenshot(path=str(ARTIFACTS / "tracking_lookup_mobile.png"), full_page=True)
        consignee.fill("#phone_last4", "8000")
        consignee.click("#lookup-form button[type=submit]")
        consignee.wait_for_url(f"**/t/{delivered.public_id}")
        consignee.wait_for_selector("#nps-form")
        consignee.click("label[for=nps-9]")
        consignee.fill("#nps-comment", "送货很快，包装完好")
        consignee.click("#nps-form button[type=submit]")
        consignee.wait_for_selector("#nps-thanks")
        consignee.screenshot(path=str(ARTIFACTS / "tracking_page_mobile_rated.png"), full_page=True)
    finally:
        phone.close()

    assert list(TrackingClick.objects.values_list("target", "block__title")) == [("product", "加厚帆布托特包 大容量")]
    assert list(NpsResponse.objects.values_list("score", "comment", "channel")) == [(9, "送货很快，包装完好", "page")]

    log_in(page, live_server, "merchant@parcelhub.local", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/tracking/page/results/")
    assert page.locator("#nps-score").inner_text() == "100.0"
    assert page.locator("#nps-responses").inner_text() == "1"
    assert page.locator("#click-total").inner_text() == "1"
    assert "加厚帆布托特包 大容量" in page.locator("#block-clicks").inner_text()
    assert "送货很快，包装完好" in page.locator("#nps-comments").inner_text()


def test_designer_preview_follows_the_form(page, live_server, delivered):
    log_in(page, live_server, "merchant@parcelhub.local", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/tracking/page/")
    assert page.locator("#preview #shop-name").inner_text() == "义乌好物"
    page.fill("#id_display_name", "义乌好物 · 旗舰店")
    page.wait_for_function("document.querySelector('#preview #shop-name').textContent === '义乌好物 · 旗舰店'")
    page.fill("#id_headline", "双十二全场包邮")
    page.wait_for_function("document.querySelector('#preview #headline').textContent === '双十二全场包邮'")
    page.check("#preview-delivered")
    page.wait_for_selector("#preview #nps-form")
    page.screenshot(path=str(ARTIFACTS / "tracking_designer_delivered_preview.png"), full_page=True)
    page.click("#design-save")
    page.wait_for_selector(".messages li.success")
    assert TrackingPageDesign.objects.get(merchant=delivered.merchant).display_name == "义乌好物 · 旗舰店"
