"""The consignee's tracking page /t/<public id> and the lookup /t/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client

from parcelhub.shipping.models import Shipment
from parcelhub.tracking.models import MarketingBlock, Tracking, TrackingPageDesign
from parcelhub.tracking.public_views import LOOKUP_FAILURES_PER_HOUR
from parcelhub.tracking.services import IncomingEvent, tracking_ingest
from parcelhub.tracking.status import Status
from tests.shipping.conftest import AD_HOC_BODY, post

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)   # 17:00 in Shanghai


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()   # the lookup's failure counter lives in the cache
    yield
    cache.clear()


def buy(api) -> Shipment:
    body = post(api, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest"}}).json()
    return Shipment.objects.get(public_id=body["id"])


@pytest.fixture
def parcel(api_a, funded) -> Shipment:
    return buy(api_a)


def move(shipment: Shipment, *steps: tuple[int, Status, str, str]) -> None:
    tracking_ingest(events=[IncomingEvent(carrier=shipment.carrier_code, waybill_no=shipment.waybill_no,
                                          occurred_at=T0 + dt.timedelta(hours=h), status=status, description=text,
                                          location=place, raw_code=status.value) for h, status, text, place in steps])


def page(shipment: Shipment, client: Client | None = None, **headers) -> str:
    response = (client or Client()).get(f"/t/{shipment.public_id}", **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_status_timeline_newest_first_carrier_and_masked_recipient(parcel):
    move(parcel, (0, Status.PICKED_UP, "快件已揽收", "义乌市"), (8, Status.IN_TRANSIT, "快件已发往杭州转运中心", "金华市"),
         (30, Status.OUT_FOR_DELIVERY, "快递员正在派件", "杭州市西湖区"))
    html = page(parcel)
    assert '<h1 class="tp-status" id="status-words">Out for delivery</h1>' in html
    assert 'aria-valuenow="67"' in html             # rank 4 of 6
    timeline = html[html.index('id="timeline"'):]
    assert timeline.index("快递员正在派件") < timeline.index("快件已发往杭州转运中心") < timeline.index("快件已揽收")
    assert "11-21 23:00" in timeline                 # event time in Asia/Shanghai
    assert "杭州市西湖区" in timeline and "金华市" in timeline
    assert f'<code id="waybill">{parcel.waybill_no}</code>' in html
    assert '<dd id="recipient">张* · 138****8000</dd>' in html
    assert "13800138000" not in html and "张三" not in html
    assert "文三路" not in html and "90号" not in html
    assert 'id="nps"' not in html                    # not delivered yet


def test_default_branding_is_the_company_name_and_house_colours(parcel):
    html = page(parcel)
    assert '<span class="tp-shopname" id="shop-name">义乌小商品有限公司</span>' in html
    assert "--tp-primary: #0f6fde; --tp-accent: #ff7a00;" in html
    assert 'id="no-events"' in html
    assert '<h1 class="tp-status" id="status-words">Label created</h1>' in html
    assert 'id="blocks"' not in html and 'id="shop-link"' not in html


def test_branding_eta_blocks_and_shop_link(parcel, merchant_b):
    from parcelhub.plans.services import trial_start

    merchant = parcel.merchant
    trial_start(merchant=merchant)  # branding is a Pro feature (plans)
    TrackingPageDesign.objects.create(merchant=merchant, display_name="小商品旗舰店", logo_url="https://img.example/logo.png",
                                      primary_color="#aa0000", accent_color="#00aa00", shop_url="https://shop.example/",
                                      headline="谢谢惠顾")
    product = MarketingBlock.objects.create(merchant=merchant, kind="product", title="帆布托特包", price_fen=5990,
                                            image_url="https://img.example/bag.jpg", link_url="https://shop.example/bag")
    coupon = MarketingBlock.objects.create(merchant=merchant, kind="coupon", title="满99减10", coupon_code="SAVE10")
    MarketingBlock.objects.create(merchant=merchant, kind="product", title="下架商品", is_active=False,
                                  link_url="https://shop.example/old")
    MarketingBlock.objects.create(merchant=merchant_b[0], kind="product", title="别家的商品",
                                  link_url="https://other.example/")
    Tracking.objects.filter(shipment=parcel).update(eta_earliest=dt.date(2026, 11, 24), eta_latest=dt.date(2026, 11, 25))
    html = page(parcel)
    assert '<span class="tp-shopname" id="shop-name">小商品旗舰店</span>' in html
    assert '<img class="tp-logo" src="https://img.example/logo.png" alt="小商品旗舰店">' in html
    assert "--tp-primary: #aa0000; --tp-accent: #00aa00;" in html
    assert '<p class="tp-headline" id="headline">谢谢惠顾</p>' in html
    assert "Expected November 24 – November 25" in html
    assert f'href="/t/{parcel.public_id}/go/{product.pk}"' in html
    assert '<span class="tp-price">¥59.90</span>' in html
    assert 'src="https://img.example/bag.jpg"' in html
    assert "<code>SAVE10</code>" in html and f'data-beacon="/t/{parcel.public_id}/go/{coupon.pk}"' in html
    assert f'href="/t/{parcel.public_id}/go/shop"' in html
    assert "下架商品" not in html and "别家的商品" not in html
    assert "https://shop.example/bag" not in html     # outbound links only through /go/ (counted)


def test_toggles_hide_recommendations_and_coupons(parcel):
    merchant = parcel.merchant
    MarketingBlock.objects.create(merchant=merchant, kind="product", title="帆布托特包", link_url="https://shop.example/bag")
    MarketingBlock.objects.create(merchant=merchant, kind="coupon", title="满99减10", coupon_code="SAVE10")
    design = TrackingPageDesign.objects.create(merchant=merchant, show_recommendations=False)
    html = page(parcel)
    assert "SAVE10" in html and "帆布托特包" not in html
    design.show_coupon, design.show_recommendations = False, True
    design.save()
    html = page(parcel)
    assert "SAVE10" not in html and "帆布托特包" in html


def test_merchant_a_blocks_never_appear_on_merchant_b_parcels(parcel, api_b, merchant_b):
    from tests.shipping.conftest import fund

    merchant_b[0].origin_region_id = "330782"
    merchant_b[0].save()
    fund(merchant_b[0], 10_000)
    MarketingBlock.objects.create(merchant=parcel.merchant, kind="product", title="A 的商品", link_url="https://a.example/")
    TrackingPageDesign.objects.create(merchant=parcel.merchant, display_name="A 店", shop_url="https://a.example/")
    other = buy(api_b)
    html = page(other)
    assert "A 的商品" not in html and "A 店" not in html and 'id="shop-link"' not in html
    assert '<span class="tp-shopname" id="shop-name">广州服装有限公司</span>' in html


def test_chinese_for_chinese_browsers(parcel):
    html = page(parcel, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert '<html lang="zh-hans">' in html
    assert '<h1 class="tp-status" id="status-words">已下单</h1>' in html and "物流轨迹" in html
    assert "<dt>运单号</dt>" in html and "到达本市" in html
    html_en = page(parcel, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="en">' in html_en and "Tracking history" in html_en


def test_unknown_or_draft_parcels_get_the_styled_404(parcel, funded):
    response = Client().get("/t/shp_doesnotexist")
    assert response.status_code == 404
    assert 'id="not-found"' in response.content.decode()
    draft = Shipment.objects.create(merchant=parcel.merchant, sender_name="x", sender_phone="1",
                                    sender_region_id="330782", recipient_name="李四", recipient_phone="13900139000",
                                    recipient_region_id=parcel.recipient_region_id, weight_g=1000)
    assert Client().get(f"/t/{draft.public_id}").status_code == 404


# -- lookup ------------------------------------------------------------------------------------------------


def lookup(client: Client, waybill: str, last4: str):
    return client.post("/t/", {"waybill_no": waybill, "phone_last4": last4})


def test_lookup_with_the_right_digits_redirects_to_the_page(parcel):
    response = lookup(Client(), f" {parcel.waybill_no} ", "8000")
    assert (response.status_code, response["Location"]) == (302, f"/t/{parcel.public_id}")
    assert Client().get("/t/").status_code == 200


def test_wrong_digits_and_unknown_numbers_answer_alike(parcel):
    wrong = lookup(Client(), parcel.waybill_no, "1234")
    unknown = lookup(Client(), "NOSUCHWAYBILL", "8000")
    assert wrong.status_code == unknown.status_code == 404
    message = "No parcel found for this waybill number and phone digits."
    assert message in wrong.content.decode() and message in unknown.content.decode()
    assert parcel.public_id not in wrong.content.decode()


def test_failed_lookups_are_limited_per_ip(parcel):
    client = Client(REMOTE_ADDR="10.0.0.7")
    for i in range(LOOKUP_FAILURES_PER_HOUR):
        assert lookup(client, parcel.waybill_no, f"{i:04d}").status_code == 404
    blocked = lookup(client, parcel.waybill_no, "8000")      # even the right digits: guessing is over for now
    assert blocked.status_code == 429
    assert "Too many attempts. Please try again in an hour." in blocked.content.decode()
    other_ip = lookup(Client(REMOTE_ADDR="10.0.0.8"), parcel.waybill_no, "8000")
    assert other_ip.status_code == 302


def test_successful_lookups_do_not_count(parcel):
    client = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(LOOKUP_FAILURES_PER_HOUR + 2):
        assert lookup(client, parcel.waybill_no, "8000").status_code == 302



def test_an_exception_keeps_the_progress_made_and_names_its_kind(parcel):
    move(parcel, (0, Status.PICKED_UP, "快件已揽收", "义乌市"), (20, Status.OUT_FOR_DELIVERY, "派件中", "杭州市"),
         (23, Status.EXCEPTION, "收件人拒收", "杭州市"))
    Tracking.objects.filter(shipment=parcel).update(exception_kind="refused")
    html = page(parcel)
    assert '<h1 class="tp-status" id="status-words">Exception: Refused</h1>' in html
    assert 'aria-valuenow="67"' in html
    assert '<li class="done current">Out for delivery</li>' in html


def test_the_page_query_count_does_not_grow_with_events_or_blocks(parcel, django_assert_num_queries):
    move(parcel, (0, Status.PICKED_UP, "快件已揽收", "义乌市"))
    with django_assert_num_queries(6):
        page(parcel)
    move(parcel, *[(h, Status.IN_TRANSIT, f"中转 {h}", "金华市") for h in range(1, 11)])
    for i in range(5):
        MarketingBlock.objects.create(merchant=parcel.merchant, kind="product", title=f"商品{i}",
                                      link_url="https://shop.example/")
    with django_assert_num_queries(6):
        html = page(parcel)
    assert html.count('class="tp-product"') == 5
