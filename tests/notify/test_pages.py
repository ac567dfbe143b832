from __future__ import annotations

import pytest

from parcelhub.notify import delivery, services
from parcelhub.notify.models import MessageTemplate, NotifySettings, Outbox, Suppression, WebhookEndpoint
from parcelhub.tracking.models import MarketingBlock
from parcelhub.tracking.status import Status
from tests.notify.conftest import move

pytestmark = pytest.mark.django_db


def test_pages_need_a_merchant_user(client):
    response = client.get("/settings/notifications/")
    assert (response.status_code, response["Location"]) == (302, "/login?next=/settings/notifications/")


def test_settings_page_saves_channels_and_language(console_a, merchant_a):
    page = console_a.get("/settings/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<span id="sms-usage">0 / 1000</span>' in html
    assert 'name="sms_delivered" aria-label="SMS Delivered" checked' in html
    response = console_a.post("/settings/notifications/", {"sms_exception": "on", "email_delivered": "on",
                                                           "language": "en"})
    assert response.status_code == 302
    config = NotifySettings.objects.get(merchant=merchant_a[0])
    assert config.language == "en"
    assert config.rules["exception"] == {"sms": True, "email": False}
    assert config.rules["delivered"] == {"sms": False, "email": True}


def test_blacklist_from_the_page_and_tenancy(console_a, console_b, merchant_a):
    console_a.post("/settings/notifications/blacklist/", {"phone": "13900139000", "note": "骚扰投诉"})
    entry = Suppression.objects.get()
    assert (entry.merchant, entry.address, entry.reason, entry.note) == (merchant_a[0], "13900139000", "blacklisted",
                                                                         "骚扰投诉")
    assert "13900139000" in console_a.get("/settings/notifications/").content.decode()
    assert "13900139000" not in console_b.get("/settings/notifications/").content.decode()
    assert console_b.post(f"/settings/notifications/suppressions/{entry.pk}/remove/").status_code == 404
    assert Suppression.objects.count() == 1
    assert console_a.post(f"/settings/notifications/suppressions/{entry.pk}/remove/").status_code == 302
    assert Suppression.objects.count() == 0


def test_template_pages(console_a, merchant_a):
    assert console_a.get("/settings/notifications/templates/").status_code == 200
    url = "/settings/notifications/templates/delivered/sms/zh/"
    page = console_a.get(url)
    assert page.status_code == 200
    assert "给这次购物打个分吧" in page.content.decode()
    refused = console_a.post(url, {"body": "{recipient_name} {oops}"})
    assert refused.status_code == 422
    assert "Unknown placeholder {oops}." in refused.content.decode()
    assert MessageTemplate.objects.count() == 0
    assert console_a.post(url, {"body": "{recipient_name}，已签收"}).status_code == 302
    template = MessageTemplate.objects.get()
    assert (template.merchant, template.status, template.channel, template.language, template.body) == (
        merchant_a[0], "delivered", "sms", "zh", "{recipient_name}，已签收")
    assert console_a.get("/settings/notifications/templates/created/sms/zh/").status_code == 404
    assert console_a.get("/settings/notifications/templates/delivered/fax/zh/").status_code == 404


def test_live_preview_fragment(console_a, merchant_a):
    block = services.marketing_block_save(merchant=merchant_a[0], kind="product", title="帆布包", price_fen=3990,
                                          link_url="https://shop.example/p/1")
    response = console_a.post("/settings/notifications/templates/delivered/sms/zh/preview/",
                              {"body": "{recipient_name}的包裹{waybill_no}已签收", "marketing_block": str(block.pk)},
                              HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "张三的包裹ZT7700012345678已签收 帆布包 ¥39.90 https://shop.example/p/1 退订" in response.content.decode()
    bad = console_a.post("/settings/notifications/templates/delivered/sms/zh/preview/", {"body": "{x}"})
    assert "Unknown placeholder {x}." in bad.content.decode()


def test_another_merchants_block_is_not_a_choice(console_b, merchant_a):
    block = services.marketing_block_save(merchant=merchant_a[0], kind="product", title="A 的商品")
    response = console_b.post("/settings/notifications/templates/delivered/sms/zh/",
                              {"body": "已签收", "marketing_block": str(block.pk)})
    assert response.status_code == 422
    assert MessageTemplate.objects.count() == 0


def test_marketing_block_crud_and_tenancy(console_a, console_b, merchant_a):
    response = console_a.post("/settings/notifications/marketing/new/", {
        "kind": "coupon", "title": "满50减10", "text": "回购专享", "coupon_code": "BACK10", "position": "1",
        "link_url": "https://shop.example/c", "is_active": "on"})
    assert response.status_code == 302
    block = MarketingBlock.objects.get()
    assert (block.merchant, block.kind, block.coupon_code, block.position) == (merchant_a[0], "coupon", "BACK10", 1)
    assert "满50减10" in console_a.get("/settings/notifications/marketing/").content.decode()
    assert "满50减10" not in console_b.get("/settings/notifications/marketing/").content.decode()
    assert console_b.get(f"/settings/notifications/marketing/{block.pk}/").status_code == 404
    assert console_b.post(f"/settings/notifications/marketing/{block.pk}/", {
        "kind": "product", "title": "hacked", "position": "0"}).status_code == 404
    assert console_b.post(f"/settings/notifications/marketing/{block.pk}/delete/").status_code == 404
    block.refresh_from_db()
    assert block.title == "满50减10"
    refused = console_a.post(f"/settings/notifications/marketing/{block.pk}/", {
        "kind": "coupon", "title": "没有券码", "position": "0"})
    assert refused.status_code == 422
    assert console_a.post(f"/settings/notifications/marketing/{block.pk}/", {
        "kind": "product", "title": "帆布包", "price_fen": "3990", "position": "0", "is_active": "on"}).status_code == 302
    block.refresh_from_db()
    assert (block.kind, block.title, block.price_fen) == ("product", "帆布包", 3990)
    assert console_a.post(f"/settings/notifications/marketing/{block.pk}/delete/").status_code == 302
    assert MarketingBlock.objects.count() == 0


def test_webhook_pages(console_a, receiver):
    response = console_a.post("/settings/notifications/webhooks/", {
        "url": receiver.url, "description": "ERP", "events": ["shipment.status_changed", "shipment.exception"]})
    endpoint = WebhookEndpoint.objects.get()
    assert response["Location"] == f"/settings/notifications/webhooks/{endpoint.public_id}/"
    assert endpoint.events == ["shipment.status_changed", "shipment.exception"]
    detail = console_a.get(response["Location"]).content.decode()
    assert endpoint.secret in detail
    assert console_a.post(f"/settings/notifications/webhooks/{endpoint.public_id}/test/").status_code == 302
    assert len(receiver.requests) == 1
    detail = console_a.get(response["Location"]).content.decode()
    assert '<span class="tag cheapest">200</span>' in detail
    assert receiver.url in console_a.get("/settings/notifications/webhooks/").content.decode()
    bad = console_a.post("/settings/notifications/webhooks/", {"url": "javascript:alert(1)",
                                                               "events": ["shipment.delivered"]})
    assert bad.status_code == 422
    assert WebhookEndpoint.objects.count() == 1


def test_webhook_pages_are_404_for_another_merchant(console_a, console_b, merchant_a, receiver):
    endpoint = services.webhook_endpoint_create(merchant=merchant_a[0], url=receiver.url,
                                                events=["shipment.delivered"])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, consecutive_failures=10)
    base = f"/settings/notifications/webhooks/{endpoint.public_id}/"
    assert console_b.get(base).status_code == 404
    for action in ("test/", "enable/", "delete/"):
        assert console_b.post(base + action).status_code == 404
    assert receiver.url not in console_b.get("/settings/notifications/webhooks/").content.decode()
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.deleted_at) == (False, 10, None)
    assert Outbox.objects.count() == 0
    assert console_a.post(base + "enable/").status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures) == (True, 0)
    assert console_a.post(base + "delete/").status_code == 302
    assert console_a.get(base).status_code == 404


def test_sms_log_lists_this_merchants_messages(console_a, console_b, shipment, django_assert_max_num_queries):
    for hours, status in enumerate((Status.PICKED_UP, Status.OUT_FOR_DELIVERY, Status.DELIVERED)):
        move(shipment, status, hours)
    for pk in Outbox.objects.values_list("pk", flat=True):
        delivery.outbox_deliver(pk)
    with django_assert_max_num_queries(8):
        page = console_a.get("/settings/notifications/sms/").content.decode()
    assert page.count("<td>13800138000</td>") == 3
    assert "3 / 1000" in page
    assert "13800138000" not in console_b.get("/settings/notifications/sms/").content.decode()


def test_all_messages_page_shows_states_and_reasons(console_a, console_b, merchant_a, shipment,
                                                    django_assert_max_num_queries):
    services.blacklist_add(merchant=merchant_a[0], phone="13800138000")
    move(shipment, Status.PICKED_UP)
    move(shipment, Status.EXCEPTION, 2, kind="lost")
    for pk in Outbox.objects.values_list("pk", flat=True):
        delivery.outbox_deliver(pk)
    with django_assert_max_num_queries(8):
        page = console_a.get("/settings/notifications/messages/").content.decode()
    assert page.count("blacklisted") == 2
    assert page.count('<span class="tag cheapest">Sent</span>') == 1   # the email to the owner
    skipped = console_a.get("/settings/notifications/messages/?state=skipped").content.decode()
    assert skipped.count("<tr>") == 3  # header and the two SMS
    assert "owner@a.example" not in console_b.get("/settings/notifications/messages/").content.decode()
