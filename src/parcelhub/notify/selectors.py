"""Reads for notifications, each scoped to one merchant (another merchant's ids are simply not found)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from parcelhub.core import clock
from parcelhub.core.errors import NotFound
from parcelhub.notify.models import (
    Outbox,
    SmsMessage,
    SmsUsage,
    Suppression,
    WebhookDelivery,
    WebhookEndpoint,
)
from parcelhub.tracking.models import MarketingBlock


def endpoints_for(merchant) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(merchant=merchant, deleted_at=None)


def endpoint_get(merchant, public_id: str) -> WebhookEndpoint:
    endpoint = endpoints_for(merchant).filter(public_id=public_id).first()
    if endpoint is None:
        raise NotFound("webhook endpoint", "Webhook 端点")
    return endpoint


def deliveries_for(endpoint: WebhookEndpoint, limit: int = 100) -> list[WebhookDelivery]:
    return list(WebhookDelivery.objects.filter(endpoint=endpoint).select_related("outbox")[:limit])


def blocks_for(merchant) -> QuerySet[MarketingBlock]:
    return MarketingBlock.objects.filter(merchant=merchant)


def block_get(merchant, block_id: int) -> MarketingBlock:
    block = blocks_for(merchant).filter(pk=block_id).first()
    if block is None:
        raise NotFound("marketing block", "营销模块")
    return block


def suppressions_for(merchant) -> QuerySet[Suppression]:
    return Suppression.objects.filter(merchant=merchant)


def suppression_get(merchant, entry_id: int) -> Suppression:
    entry = suppressions_for(merchant).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("entry", "记录")
    return entry


def sms_for(merchant) -> QuerySet[SmsMessage]:
    return SmsMessage.objects.filter(merchant=merchant)


def sms_used_this_month(merchant) -> int:
    month = timezone.localtime(clock.now()).date().replace(day=1)
    return SmsUsage.objects.filter(merchant=merchant, month=month).values_list("count", flat=True).first() or 0


def outbox_for(merchant) -> QuerySet[Outbox]:
    return Outbox.objects.filter(merchant=merchant)
