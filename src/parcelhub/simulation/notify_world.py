"""Demo notifications: each demo merchant places a coupon in its delivered SMS and the first one has a
webhook endpoint (on an address nobody listens to, so its log shows failures and retries).

Idempotent: a merchant that already has a template or endpoint is left alone. Through the real services.
"""

from __future__ import annotations

from collections.abc import Sequence

from parcelhub.accounts.models import Merchant
from parcelhub.notify import services
from parcelhub.notify.models import MessageTemplate, WebhookEndpoint
from parcelhub.tracking.models import MarketingBlock

COUPONS = ("回购券 满59减10", "老客专享 满199减30", "数码配件 9折券")
DEMO_WEBHOOK_URL = "http://127.0.0.1:9/parcelhub-demo-webhook"   # discard port: deliveries fail and are retried


def build_notify_world(*, merchants: Sequence[Merchant]) -> dict:
    made = {"blocks": 0, "templates": 0, "endpoints": 0}
    for index, merchant in enumerate(merchants):
        block = MarketingBlock.objects.filter(merchant=merchant, kind=MarketingBlock.Kind.COUPON).first()
        if block is None:
            block = services.marketing_block_save(
                merchant=merchant, kind=MarketingBlock.Kind.COUPON, title=COUPONS[index % len(COUPONS)],
                text="下次购物可用", link_url="https://shop.example.com/coupon", coupon_code=f"BACK{index + 1:02d}",
                position=0, is_active=True)
            made["blocks"] += 1
        if not MessageTemplate.objects.filter(merchant=merchant).exists():
            services.template_save(
                merchant=merchant, status="delivered", channel="sms", language="zh", subject="",
                body="【{shop_name}】{recipient_name}您好，包裹{waybill_no}已签收。送您一张优惠券：{coupon_code}。"
                     "给这次购物打个分吧：{tracking_url}?nps=1", marketing_block=block)
            made["templates"] += 1
        if index == 0 and not WebhookEndpoint.objects.filter(merchant=merchant).exists():
            services.webhook_endpoint_create(merchant=merchant, url=DEMO_WEBHOOK_URL, description="ERP (demo)",
                                             events=["shipment.status_changed", "shipment.exception"])
            made["endpoints"] += 1
    return made
