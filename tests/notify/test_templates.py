from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail

from parcelhub.core.errors import DomainError
from parcelhub.notify import delivery, rendering, services
from parcelhub.notify.models import MessageTemplate, NotifySettings, Outbox, SmsMessage
from parcelhub.tracking.models import MarketingBlock
from parcelhub.tracking.status import Status
from tests.notify.conftest import move

pytestmark = pytest.mark.django_db


@pytest.fixture
def coupon(merchant_a):
    return services.marketing_block_save(merchant=merchant_a[0], kind="coupon", title="回购券满50减10",
                                         text="下次购物立减", link_url="https://shop.example/c/10",
                                         coupon_code="BACK10", price_fen=None)


def deliver_all():
    return [delivery.outbox_deliver(pk) for pk in Outbox.objects.order_by("pk").values_list("pk", flat=True)]


def test_every_default_template_fills_every_placeholder():
    values = dict.fromkeys(rendering.PLACEHOLDERS, "x")
    for status in rendering.NOTIFIED_STATUSES:
        for channel in ("sms", "email"):
            for language in ("zh", "en"):
                wording = rendering.default_wording(status, channel, language)
                assert rendering.unknown_placeholders(wording.subject + wording.body) == []
                filled = rendering.fill(wording.body, values)
                assert filled and "{" not in filled


def test_the_delivered_sms_asks_for_an_nps_score():
    assert rendering.default_wording(Status.DELIVERED, "sms", "zh").body.endswith("{tracking_url}?nps=1")
    assert rendering.default_wording(Status.DELIVERED, "sms", "en").body.endswith("{tracking_url}?nps=1")


def test_unknown_placeholders_are_refused_with_the_list_of_known_ones(merchant_a):
    with pytest.raises(DomainError) as error:
        services.template_save(merchant=merchant_a[0], status="delivered", channel="sms", language="zh", subject="",
                               body="{recipient} 您好 {waybill_no} {recipient_name.__class__}", marketing_block=None)
    assert (error.value.code, error.value.status, error.value.details) == (
        "template_placeholder_unknown", 422, {"unknown": ["recipient", "recipient_name.__class__"]})
    assert error.value.message == (
        "Unknown placeholder {recipient}, {recipient_name.__class__}. Use only: {recipient_name}, {waybill_no}, "
        "{carrier}, {service}, {status}, {eta}, {tracking_url}, {shop_name}, {coupon_code}, {reference}, {exception}.")
    assert MessageTemplate.objects.count() == 0


def test_a_saved_template_with_a_coupon_block_is_what_the_consignee_gets(merchant_a, shipment, coupon):
    services.template_save(merchant=merchant_a[0], status="picked_up", channel="sms", language="zh", subject="",
                           body="{shop_name}：{recipient_name}，{carrier}{service}已揽收 {waybill_no}，券码{coupon_code}",
                           marketing_block=coupon)
    move(shipment, Status.PICKED_UP)
    assert deliver_all() == ["sent"]
    text = SmsMessage.objects.get().text
    head = (f"义乌小商品有限公司：张三，中通快递{shipment.service_name}已揽收 {shipment.waybill_no}，券码BACK10 "
            f"回购券满50减10 券码 BACK10 https://shop.example/c/10 退订 {settings.SITE_URL}/n/unsubscribe/")
    assert text.startswith(head)


def test_english_emails_carry_a_rich_marketing_block(merchant_a, shipment, coupon):
    NotifySettings.objects.create(merchant=merchant_a[0], language="en")
    services.template_save(merchant=merchant_a[0], status="exception", channel="email", language="en",
                           subject="Trouble with {waybill_no}", body="{recipient_name}'s parcel: {exception}.",
                           marketing_block=coupon)
    move(shipment, Status.EXCEPTION, kind="damaged")
    deliver_all()
    email = mail.outbox[0]
    assert email.subject == f"Trouble with {shipment.waybill_no}"
    assert email.body.startswith("张三's parcel: damaged.\n\n回购券满50减10\n下次购物立减\nCoupon code: BACK10\n"
                                 "https://shop.example/c/10\n\nStop these emails: ")
    html = email.alternatives[0][0]
    assert "<strong>回购券满50减10</strong>" in html
    assert "<code>BACK10</code>" in html
    assert '<a href="https://shop.example/c/10">Have a look</a>' in html
    assert "张三&#x27;s parcel: damaged." in html
    sms = SmsMessage.objects.get().text
    assert sms.startswith(f"[义乌小商品有限公司] Your parcel (ZTO Express {shipment.waybill_no}) is held up: damaged.")


def test_an_inactive_block_is_left_out(merchant_a, shipment, coupon):
    services.template_save(merchant=merchant_a[0], status="picked_up", channel="sms", language="zh", subject="",
                           body="已揽收", marketing_block=coupon)
    MarketingBlock.objects.filter(pk=coupon.pk).update(is_active=False)
    move(shipment, Status.PICKED_UP)
    deliver_all()
    assert SmsMessage.objects.get().text.startswith("已揽收 退订 ")


def test_another_merchants_block_cannot_be_placed(merchant_a, merchant_b):
    theirs = services.marketing_block_save(merchant=merchant_b[0], kind="product", title="别家商品")
    with pytest.raises(DomainError) as error:
        services.template_save(merchant=merchant_a[0], status="delivered", channel="sms", language="zh", subject="",
                               body="已签收", marketing_block=theirs)
    assert error.value.code == "marketing_block_invalid"
    assert MessageTemplate.objects.count() == 0


def test_a_coupon_needs_its_code(merchant_a):
    with pytest.raises(DomainError) as error:
        services.marketing_block_save(merchant=merchant_a[0], kind="coupon", title="券")
    assert error.value.code == "coupon_code_required"
    assert MarketingBlock.objects.count() == 0


def test_preview_renders_a_sample_shipment(merchant_a, coupon, monkeypatch):
    from parcelhub.core import clock

    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 11, 20))
    preview = services.template_preview(merchant=merchant_a[0], status="out_for_delivery", channel="sms",
                                        language="zh", subject="", marketing_block=coupon,
                                        body="{recipient_name}，{carrier} {waybill_no} 派送中，预计{eta}，{coupon_code}")
    assert preview.body == (f"张三，中通快递 ZT7700012345678 派送中，预计11-22，BACK10 回购券满50减10 券码 BACK10 "
                            f"https://shop.example/c/10 退订 {settings.SITE_URL}/n/unsubscribe/…")
    with pytest.raises(DomainError):
        services.template_preview(merchant=merchant_a[0], status="delivered", channel="sms", language="zh",
                                  subject="", body="{nope}", marketing_block=None)


def test_reset_returns_to_the_default(merchant_a):
    services.template_save(merchant=merchant_a[0], status="delivered", channel="sms", language="zh", subject="",
                           body="谢谢", marketing_block=None)
    services.template_reset(merchant=merchant_a[0], status="delivered", channel="sms", language="zh")
    assert MessageTemplate.objects.count() == 0


def test_a_line_emptied_by_an_empty_value_is_dropped():
    text = "Parcel {waybill_no} is now {status}.\n{exception}\n\nTracking: {tracking_url}"
    assert rendering.fill(text, {"waybill_no": "ZT1", "status": "delivered", "exception": "",
                                 "tracking_url": "u"}) == "Parcel ZT1 is now delivered.\n\nTracking: u"
