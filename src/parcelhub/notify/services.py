"""Writes for notifications: merchant settings, templates, marketing blocks, suppressions, webhook endpoints."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction

from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.core.ids import new_id
from parcelhub.notify import messages, rendering
from parcelhub.notify.models import (
    Channel,
    Language,
    MessageTemplate,
    NotifySettings,
    Outbox,
    Suppression,
    WebhookEndpoint,
)
from parcelhub.notify.outbox import EVENT_TEST, EVENT_TYPES, enqueue_after_commit, owner_emails, webhook_body
from parcelhub.tracking.models import MarketingBlock, TrackingPageDesign
from parcelhub.tracking.status import Status

_PHONE = re.compile(r"^1\d{10}$")


def settings_for(merchant) -> NotifySettings:
    config, _ = NotifySettings.objects.get_or_create(merchant=merchant)
    return config


def notify_settings_update(*, merchant, rules: dict[str, dict[str, bool]], language: str, actor=None) -> NotifySettings:
    if language not in Language.values:
        raise DomainError("language_invalid", "Choose Chinese or English.", "请选择中文或英文。", status=422)
    clean = {status: {"sms": bool(ch.get("sms")), "email": bool(ch.get("email"))}
             for status, ch in rules.items() if status in messages.DEFAULT_RULES}
    with transaction.atomic():
        config = settings_for(merchant)
        config.rules, config.language = clean, language
        config.save(update_fields=["rules", "language", "updated_at"])
        audit(action="notify.settings_update", actor=actor, merchant=merchant, target=config,
              data={"language": language})
    return config


# Templates ---------------------------------------------------------------------------------------------------

def template_get(*, merchant, status: str, channel: str, language: str) -> MessageTemplate | None:
    return MessageTemplate.objects.select_related("marketing_block").filter(
        merchant=merchant, status=status, channel=channel, language=language).first()


def _check_template_key(status: str, channel: str, language: str) -> None:
    if status not in rendering.NOTIFIED_STATUSES or channel not in (Channel.SMS, Channel.EMAIL) \
            or language not in Language.values:
        raise DomainError("template_invalid", "No such template.", "没有这个模板。", status=404)


def template_save(*, merchant, status: str, channel: str, language: str, subject: str, body: str,
                  marketing_block: MarketingBlock | None, actor=None) -> MessageTemplate:
    """Unknown placeholders are refused with the list of the ones that exist."""
    _check_template_key(status, channel, language)
    if not body.strip():
        raise DomainError("template_empty", "The message cannot be empty.", "消息内容不能为空。", status=422)
    rendering.validate(subject, body)
    if marketing_block is not None and marketing_block.merchant_id != merchant.pk:
        raise DomainError("marketing_block_invalid", "No such marketing block.", "没有这个营销模块。", status=422)
    with transaction.atomic():
        template, _ = MessageTemplate.objects.update_or_create(
            merchant=merchant, status=status, channel=channel, language=language,
            defaults={"subject": subject.strip() if channel == Channel.EMAIL else "", "body": body.strip(),
                      "marketing_block": marketing_block})
        audit(action="notify.template_save", actor=actor, merchant=merchant, target=template,
              data={"status": status, "channel": channel, "language": language})
    return template


def template_reset(*, merchant, status: str, channel: str, language: str, actor=None) -> None:
    with transaction.atomic():
        deleted, _ = MessageTemplate.objects.filter(merchant=merchant, status=status, channel=channel,
                                                    language=language).delete()
        if deleted:
            audit(action="notify.template_reset", actor=actor, merchant=merchant,
                  data={"status": status, "channel": channel, "language": language})


def sample_shipment(merchant) -> SimpleNamespace:
    return SimpleNamespace(recipient_name="张三", waybill_no="ZT7700012345678",
                           carrier_code="zto", service_name="标准快递", reference="T-1001",
                           public_id="shp_SAMPLE", merchant=merchant)


def template_preview(*, merchant, status: str, channel: str, language: str, subject: str, body: str,
                     marketing_block: MarketingBlock | None) -> messages.Composed:
    """The message as a consignee would get it, for a sample shipment (raises TemplateInvalid)."""
    _check_template_key(status, channel, language)
    rendering.validate(subject, body)
    shipment = sample_shipment(merchant)
    template = MessageTemplate(merchant=merchant, status=status, channel=channel, language=language,
                               subject=subject, body=body, marketing_block=marketing_block)
    shop_name = TrackingPageDesign.objects.filter(merchant=merchant).values_list(
        "display_name", flat=True).first() or merchant.name
    values = messages.values_for(
        shipment=shipment, status=status, exception_kind="delayed" if status == Status.EXCEPTION else "",
        language=language, shop_name=shop_name, carrier_name="中通快递" if language == "zh" else "ZTO Express",
        eta=clock.today() + dt.timedelta(days=2), block=marketing_block,
        tracking_url=f"{settings.SITE_URL}/t/{shipment.public_id}")
    return messages.compose(template=template, status=status, channel=channel, language=language, values=values,
                            unsubscribe=f"{settings.SITE_URL}/n/unsubscribe/…")


# Marketing blocks -------------------------------------------------------------------------------------------

BLOCK_FIELDS = ("kind", "title", "text", "image_url", "link_url", "price_fen", "coupon_code", "position", "is_active")


def marketing_block_save(*, merchant, block: MarketingBlock | None = None, actor=None, **fields) -> MarketingBlock:
    if fields.get("kind") not in MarketingBlock.Kind.values:
        raise DomainError("marketing_block_kind_invalid", "Choose a product or a coupon.", "请选择商品或优惠券。",
                          status=422)
    if fields["kind"] == MarketingBlock.Kind.COUPON and not fields.get("coupon_code"):
        raise DomainError("coupon_code_required", "A coupon needs its code.", "优惠券需要填写券码。", status=422)
    with transaction.atomic():
        block = block or MarketingBlock(merchant=merchant)
        for name in BLOCK_FIELDS:
            if name in fields:
                setattr(block, name, fields[name])
        block.save()
        audit(action="notify.marketing_block_save", actor=actor, merchant=merchant, target=block,
              data={"title": block.title})
    return block


def marketing_block_delete(*, block: MarketingBlock, actor=None) -> None:
    with transaction.atomic():
        audit(action="notify.marketing_block_delete", actor=actor, merchant=block.merchant, target=block,
              data={"title": block.title})
        block.delete()


# Suppressions: blacklist and unsubscribes ---------------------------------------------------------------------

def normalise_phone(raw: str) -> str:
    phone = re.sub(r"[\s\-]", "", raw or "").removeprefix("+86")
    if not _PHONE.match(phone):
        raise DomainError("phone_invalid", "Enter an 11-digit mobile number.", "请输入 11 位手机号。", status=422)
    return phone


def blacklist_add(*, merchant, phone: str, note: str = "", actor=None) -> Suppression:
    phone = normalise_phone(phone)
    with transaction.atomic():
        entry, created = Suppression.objects.get_or_create(
            merchant=merchant, channel=Channel.SMS, address=phone, reason=Suppression.Reason.BLACKLISTED,
            defaults={"note": note[:120]})
        if created:
            audit(action="notify.blacklist_add", actor=actor, merchant=merchant, target=entry, data={"phone": phone})
    return entry


def suppression_remove(*, entry: Suppression, actor=None) -> None:
    with transaction.atomic():
        audit(action="notify.suppression_remove", actor=actor, merchant=entry.merchant, target=entry,
              data={"address": entry.address, "reason": entry.reason})
        entry.delete()


def unsubscribe(*, token: str) -> Suppression:
    data = messages.unsubscribe_read(token)
    if data is None:
        raise DomainError("unsubscribe_link_invalid", "This unsubscribe link is not valid.", "退订链接无效。",
                          status=404)
    try:
        with transaction.atomic():
            entry, _ = Suppression.objects.get_or_create(merchant_id=data["m"], channel=data["c"], address=data["a"],
                                                         reason=Suppression.Reason.UNSUBSCRIBED)
    except IntegrityError as exc:  # the merchant no longer exists
        raise DomainError("unsubscribe_link_invalid", "This unsubscribe link is not valid.", "退订链接无效。",
                          status=404) from exc
    return entry


# Webhook endpoints -----------------------------------------------------------------------------------------

def _check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        raise DomainError("webhook_url_invalid", "Enter an http:// or https:// URL.",
                          "请输入以 http:// 或 https:// 开头的网址。", status=422)
    return url


def webhook_endpoint_create(*, merchant, url: str, events: list[str], description: str = "",
                            actor=None) -> WebhookEndpoint:
    url = _check_url(url)
    events = [e for e in EVENT_TYPES if e in set(events or [])]
    if not events:
        raise DomainError("webhook_events_required", f"Subscribe to at least one event: {', '.join(EVENT_TYPES)}.",
                          f"请至少订阅一个事件：{'、'.join(EVENT_TYPES)}。", status=422)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(merchant=merchant, url=url, events=events,
                                                  description=description[:120],
                                                  secret="whsec_" + secrets.token_hex(24))
        audit(action="webhook.create", actor=actor, merchant=merchant, target=endpoint,
              data={"url": url, "events": events})
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, actor=None) -> None:
    """Kept (soft-deleted) so its delivery log stays; pending deliveries are skipped."""
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(deleted_at=clock.now(), is_active=False)
        audit(action="webhook.delete", actor=actor, merchant=endpoint.merchant, target=endpoint)


def webhook_endpoint_enable(*, endpoint: WebhookEndpoint, actor=None) -> WebhookEndpoint:
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk, deleted_at=None).update(
            is_active=True, consecutive_failures=0, disabled_at=None)
        audit(action="webhook.enable", actor=actor, merchant=endpoint.merchant, target=endpoint)
    endpoint.refresh_from_db()
    return endpoint


def webhook_test_send(*, endpoint: WebhookEndpoint, actor=None) -> Outbox:
    """A `test` event to this endpoint, sent now and logged like any other delivery."""
    if endpoint.deleted_at is not None or not endpoint.is_active:
        raise DomainError("webhook_disabled", "Enable the endpoint before sending a test event.",
                          "请先启用该端点再发送测试事件。", status=409)
    now = clock.now()
    event_id = new_id("evt")
    data = {"message": "ParcelHub test event", "endpoint_id": endpoint.public_id}
    with transaction.atomic():
        row = Outbox.objects.create(public_id=event_id, merchant=endpoint.merchant, endpoint=endpoint,
                                    channel=Channel.WEBHOOK, event_type=EVENT_TEST, recipient=endpoint.url,
                                    body=webhook_body(event_id=event_id, event_type=EVENT_TEST, created=now, data=data),
                                    next_attempt_at=now, created_at=now)
        audit(action="webhook.test", actor=actor, merchant=endpoint.merchant, target=endpoint)
    # Sent inline, so the merchant sees the answer at once; a failure is retried by the sweeper like any other.
    from parcelhub.notify.delivery import outbox_deliver

    outbox_deliver(row.pk)
    row.refresh_from_db()
    return row


def endpoint_disabled_notice(*, endpoint: WebhookEndpoint) -> list[Outbox]:
    """Email the merchant's owners that an endpoint was switched off after failing again and again."""
    now = clock.now()
    subject = f"Webhook endpoint disabled / Webhook 端点已停用: {endpoint.url}"
    body = (f"Deliveries to {endpoint.url} failed {endpoint_failure_text()} times in a row, so the endpoint was "
            f"disabled. Fix it, then enable it again in ParcelHub (Settings → Webhooks).\n\n"
            f"发往 {endpoint.url} 的推送连续失败，端点已停用。修复后请在 ParcelHub 中重新启用。\n\n"
            f"{settings.SITE_URL}/settings/notifications/webhooks/{endpoint.public_id}/")
    with transaction.atomic():
        rows = Outbox.objects.bulk_create([
            Outbox(merchant_id=endpoint.merchant_id, channel=Channel.EMAIL, event_type="webhook.disabled",
                   recipient=email, subject=subject, body=body, next_attempt_at=now, created_at=now)
            for email in owner_emails([endpoint.merchant_id]).get(endpoint.merchant_id, [])])
        audit(action="webhook.disabled", merchant=endpoint.merchant, target=endpoint)
        enqueue_after_commit([row.pk for row in rows])
    return rows


def endpoint_failure_text() -> int:
    from parcelhub.notify.delivery import endpoint_failure_limit

    return endpoint_failure_limit()


def outbox_requeue(*, ids: list[int], actor=None) -> int:
    """Dead rows back to pending with a fresh attempt budget (an operator fixed the cause)."""
    now = clock.now()
    with transaction.atomic():
        count = Outbox.objects.filter(pk__in=ids, state=Outbox.State.DEAD).update(
            state=Outbox.State.PENDING, attempts=0, next_attempt_at=now, claimed_at=None)
        audit(action="notify.outbox_requeue", actor=actor, data={"rows": count})
    return count
