"""The merchant's tracking-page designer (save, live preview, blocks), the results page and the operator's
NPS per carrier — with the other merchant and the wrong operators kept out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from parcelhub.core.models import AuditLog
from parcelhub.tracking.models import MarketingBlock, NpsResponse, TrackingClick, TrackingPageDesign
from parcelhub.tracking.page_services import nps_answer
from tests.tracking.test_nps import deliver
from tests.tracking.test_public_page import parcel  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def designers_on_pro(request):
    """The designer is a Pro feature (plans app): the merchants these tests use are on Pro for a month."""
    from parcelhub.plans.services import subscription_grant

    for name in ("merchant_a", "merchant_b"):
        if name in request.fixturenames:
            subscription_grant(merchant=request.getfixturevalue(name)[0], plan_code="pro", months=1,
                               reference=f"tests-{name}")

DESIGN = {"display_name": "小商品旗舰店", "logo_url": "https://img.example/logo.png", "primary_color": "#AA0000",
          "accent_color": "#00aa00", "shop_url": "https://shop.example/", "headline": "谢谢惠顾",
          "show_recommendations": "on"}


def test_designer_page_shows_the_form_blocks_and_a_preview_with_defaults(console_a, merchant_a):
    MarketingBlock.objects.create(merchant=merchant_a[0], kind="coupon", title="满99减10", coupon_code="SAVE10")
    html = console_a.get("/tracking/page/").content.decode()
    assert 'value="义乌小商品有限公司"' in html                  # shop name defaults to the company name
    assert 'id="preview"' in html and 'id="tracking-page"' in html
    assert "--tp-primary: #0f6fde; --tp-accent: #ff7a00;" in html
    assert "Arrived in the destination city" in html           # the sample parcel
    block = MarketingBlock.objects.get()
    assert f'<td><a href="/settings/notifications/marketing/{block.pk}/">满99减10</a></td>' in html
    assert "<code>SAVE10</code>" in html
    assert TrackingPageDesign.objects.count() == 0              # opening the designer saves nothing


def test_save_the_design(console_a, merchant_a):
    response = console_a.post("/tracking/page/", DESIGN)
    assert (response.status_code, response["Location"]) == (302, "/tracking/page/")
    design = TrackingPageDesign.objects.get(merchant=merchant_a[0])
    assert (design.display_name, design.logo_url, design.primary_color, design.accent_color, design.shop_url,
            design.headline, design.show_recommendations, design.show_coupon) == (
        "小商品旗舰店", "https://img.example/logo.png", "#aa0000", "#00aa00", "https://shop.example/", "谢谢惠顾",
        True, False)
    audit = AuditLog.objects.get(action="tracking.page_design_saved")
    assert (audit.merchant_id, audit.actor_id, audit.data["created"]) == (merchant_a[0].pk, merchant_a[1].pk, True)


@pytest.mark.parametrize("field,value", [("primary_color", "red"), ("accent_color", "#12345"),
                                         ("primary_color", "#gggggg"), ("shop_url", "javascript:alert(1)")])
def test_bad_values_are_refused_and_nothing_is_saved(console_a, field, value):
    response = console_a.post("/tracking/page/", {**DESIGN, field: value})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert TrackingPageDesign.objects.count() == 0


def test_live_preview_renders_the_unsaved_values(console_a):
    response = console_a.post("/tracking/page/preview", {**DESIGN, "display_name": "预览店名"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div class="tp-preview-frame" id="preview">')
    assert '<span class="tp-shopname" id="shop-name">预览店名</span>' in html
    assert "--tp-primary: #aa0000; --tp-accent: #00aa00;" in html
    assert '<p class="tp-headline" id="headline">谢谢惠顾</p>' in html
    assert TrackingPageDesign.objects.count() == 0


def test_preview_of_a_delivered_parcel_shows_the_nps_question_disabled(console_a):
    html = console_a.post("/tracking/page/preview", {**DESIGN, "preview_state": "delivered"}).content.decode()
    assert '<h1 class="tp-status" id="status-words">Delivered</h1>' in html
    assert "How likely are you to recommend 小商品旗舰店 to a friend?" in html
    assert html.count(" required disabled>") == 11
    assert "hx-post" not in html and "/nps" not in html      # the preview never posts an answer
    assert NpsResponse.objects.count() == 0


def test_preview_keeps_the_saved_colour_while_a_new_one_is_invalid(console_a, merchant_a):
    TrackingPageDesign.objects.create(merchant=merchant_a[0], primary_color="#123456")
    html = console_a.post("/tracking/page/preview", {**DESIGN, "primary_color": "#12"}).content.decode()
    assert "--tp-primary: #123456; --tp-accent: #00aa00;" in html


def test_merchant_b_cannot_touch_a_design_or_blocks(console_a, console_b, merchant_a):
    console_a.post("/tracking/page/", DESIGN)
    block = MarketingBlock.objects.create(merchant=merchant_a[0], kind="product", title="A 的商品",
                                          link_url="https://a.example/")
    html_b = console_b.get("/tracking/page/").content.decode()
    assert "小商品旗舰店" not in html_b and "A 的商品" not in html_b
    console_b.post("/tracking/page/", {**DESIGN, "display_name": "B 改的"})
    assert TrackingPageDesign.objects.get(merchant=merchant_a[0]).display_name == "小商品旗舰店"
    assert MarketingBlock.objects.filter(pk=block.pk).exists()
    assert "A 的商品" not in console_b.post("/tracking/page/preview", DESIGN).content.decode()


def test_console_pages_need_a_merchant_login(operator_factory):
    assert Client().get("/tracking/page/").status_code == 302
    assert Client().get("/tracking/page/results/").status_code == 302
    operator = Client()
    operator.force_login(operator_factory("marketing"))
    assert operator.get("/tracking/page/").status_code == 403


def test_results_page_shows_nps_clicks_and_comments(console_a, console_b, parcel):  # noqa: F811
    deliver(parcel)
    block = MarketingBlock.objects.create(merchant=parcel.merchant, kind="product", title="帆布托特包",
                                          link_url="https://shop.example/bag")
    TrackingPageDesign.objects.create(merchant=parcel.merchant, shop_url="https://shop.example/")
    client = Client()
    client.get(f"/t/{parcel.public_id}/go/{block.pk}")
    client.get(f"/t/{parcel.public_id}/go/{block.pk}")
    client.get(f"/t/{parcel.public_id}/go/shop")
    nps_answer(shipment=parcel, score=10, comment="很快，包装完好", channel="notification")
    html = console_a.get("/tracking/page/results/").content.decode()
    assert '<div class="kpi" id="nps-score">100.0</div>' in html
    assert '<div class="kpi" id="nps-responses">1</div>' in html
    assert '<div class="kpi" id="click-total">3</div>' in html
    assert "<tr><td>帆布托特包</td>\n      <td>Product recommendation</td>\n      <td class=\"num\">2</td></tr>" in html
    assert "<td>Shop link</td>" in html
    assert "很快，包装完好" in html and "<td>Notification</td>" in html
    assert "<td>ZTO Express</td><td class=\"num\">100.0</td><td class=\"num\">1</td>" in html
    html_b = console_b.get("/tracking/page/results/").content.decode()
    assert "很快，包装完好" not in html_b and "帆布托特包" not in html_b
    assert '<div class="kpi" id="nps-score">—</div>' in html_b
    assert '<div class="kpi" id="click-total">0</div>' in html_b


def test_clicks_per_day_count_local_days(parcel):  # noqa: F811
    from parcelhub.core import clock
    from parcelhub.tracking.page_selectors import clicks_by_day

    now = clock.now()
    for days_ago in (0, 0, 1, 20):
        TrackingClick.objects.create(merchant=parcel.merchant, shipment=parcel, target="shop",
                                     clicked_at=now - dt.timedelta(days=days_ago))
    result = clicks_by_day(merchant=parcel.merchant, days=14)
    assert (len(result.days), result.total) == (14, 3)
    assert (result.days[-1].clicks, result.days[-1].percent, result.days[-2].clicks, result.days[-2].percent) == (
        2, 100, 1, 50)


def test_operator_sees_nps_per_carrier_across_merchants(parcel, operator_factory):  # noqa: F811
    deliver(parcel)
    nps_answer(shipment=parcel, score=6)
    for role, status in (("marketing", 200), ("support", 200), ("pricing", 403)):
        client = Client()
        client.force_login(operator_factory(role))
        response = client.get("/operator/nps/")
        assert response.status_code == status, role
        if status == 200:
            html = response.content.decode()
            assert "All merchants: NPS -100.0 from 1 answer." in html
            assert "<td>ZTO Express</td><td class=\"num\">-100.0</td><td class=\"num\">1</td>" in html
    merchant = Client()
    merchant.force_login(parcel.merchant.users.first())
    assert merchant.get("/operator/nps/").status_code == 403
    assert NpsResponse.objects.count() == 1


def test_results_page_query_count_is_flat(console_a, parcel, django_assert_num_queries):  # noqa: F811
    TrackingPageDesign.objects.create(merchant=parcel.merchant, shop_url="https://shop.example/")
    blocks = [MarketingBlock.objects.create(merchant=parcel.merchant, kind="product", title=f"商品{i}",
                                            link_url="https://shop.example/") for i in range(3)]
    console_a.get("/tracking/page/results/")     # the session and user are loaded once per request
    for block in blocks:
        Client().get(f"/t/{parcel.public_id}/go/{block.pk}")
    deliver(parcel)
    nps_answer(shipment=parcel, score=9, comment="好")
    with django_assert_num_queries(9):
        html = console_a.get("/tracking/page/results/").content.decode()
    assert html.count("<td>商品") == 3


def test_the_public_page_shows_the_design_only_while_the_plan_has_it(console_a, merchant_a, parcel):  # noqa: F811
    from parcelhub.plans.services import subscription_change

    console_a.post("/tracking/page/", DESIGN)
    html = Client().get(f"/t/{parcel.public_id}").content.decode()
    assert "--tp-primary: #aa0000; --tp-accent: #00aa00;" in html and "小商品旗舰店" in html
    subscription_change(merchant=merchant_a[0], plan_code="free", billing_cycle="monthly")   # back to Free
    html = Client().get(f"/t/{parcel.public_id}").content.decode()
    assert "--tp-primary: #0f6fde; --tp-accent: #ff7a00;" in html and "小商品旗舰店" not in html
    assert TrackingPageDesign.objects.get().display_name == "小商品旗舰店"      # kept for when they come back
