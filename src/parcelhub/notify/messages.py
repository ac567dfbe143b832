"""Composing a message for one shipment and status: the merchant's template (or the default), the values of
the placeholders, the marketing block and the unsubscribe footer."""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from parcelhub.notify import rendering
from parcelhub.notify.models import Channel, MessageTemplate, NotifySettings
from parcelhub.tracking.status import Status

UNSUBSCRIBE_SALT = "parcelhub.notify.unsubscribe"

# Which statuses send what when the merchant has not chosen: the consignee hears about the moments that matter
# to them; the merchant is emailed when something goes wrong.
DEFAULT_RULES: dict[str, dict[str, bool]] = {
    str(s): {"sms": s in {Status.PICKED_UP, Status.OUT_FOR_DELIVERY, Status.AVAILABLE_FOR_PICKUP,
                          Status.DELIVERED, Status.EXCEPTION},
             "email": s in {Status.EXCEPTION, Status.RETURNING}}
    for s in rendering.NOTIFIED_STATUSES
}


def sms_quota_default() -> int:
    return int(getattr(settings, "NOTIFY_SMS_MONTHLY_QUOTA", 1000))


def rules_for(config: NotifySettings | None) -> dict[str, dict[str, bool]]:
    rules = {status: dict(channels) for status, channels in DEFAULT_RULES.items()}
    for status, channels in ((config.rules if config else None) or {}).items():
        if status in rules:
            rules[status].update({k: bool(v) for k, v in channels.items() if k in ("sms", "email")})
    return rules


@dataclass(frozen=True)
class Composed:
    subject: str
    body: str
    html: str


@functools.cache
def _unsubscribe_key(secret: str) -> bytes:
    return hashlib.sha256(f"{UNSUBSCRIBE_SALT}:{secret}".encode()).digest()


def _unsubscribe_signature(value: str) -> str:
    key = _unsubscribe_key(settings.SECRET_KEY)   # derived once per secret, not per message
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:20]


def unsubscribe_url(*, merchant_id: int, channel: str, address: str) -> str:
    """A short signed link (SMS are billed by length): `<merchant>.<s|e>.<address>.<80-bit HMAC>`."""
    value = f"{merchant_id}.{channel[0]}.{address}"
    return f"{settings.SITE_URL}{_unsubscribe_path()}{value}.{_unsubscribe_signature(value)}/"


@functools.cache
def _unsubscribe_path() -> str:
    # Resolved once: the outbox writes thousands of these inside the ingest transaction.
    return reverse("notify:unsubscribe", args=["x"]).removesuffix("x/")


def unsubscribe_read(token: str) -> dict | None:
    value, _, signature = token.rpartition(".")
    if not value or not constant_time_compare(signature, _unsubscribe_signature(value)):
        return None
    merchant_id, letter, address = (value.split(".", 2) + ["", ""])[:3]
    channel = {"s": Channel.SMS, "e": Channel.EMAIL}.get(letter)
    if not merchant_id.isdigit() or channel is None or not address:
        return None
    return {"m": int(merchant_id), "c": str(channel), "a": address}


def values_for(*, shipment, status: str, exception_kind: str, language: str, shop_name: str, carrier_name: str,
               eta, block, tracking_url: str) -> dict[str, str]:
    exception = rendering.EXCEPTION_LABELS[language].get(exception_kind, "") if exception_kind else ""
    return {
        "recipient_name": shipment.recipient_name,
        "waybill_no": shipment.waybill_no,
        "carrier": carrier_name,
        "service": shipment.service_name,
        "status": rendering.STATUS_LABELS[language].get(status, status),
        "eta": eta.strftime("%m-%d" if language == "zh" else "%b %d") if eta else ("尽快" if language == "zh" else "soon"),
        "tracking_url": tracking_url,
        "shop_name": shop_name,
        "coupon_code": block.coupon_code if block is not None and block.coupon_code else "",
        "reference": shipment.reference or "—",
        "exception": exception,
    }


def compose(*, template: MessageTemplate | None, status: str, channel: str, language: str,
            values: dict[str, str], unsubscribe: str) -> Composed:
    """The text (and HTML for email) of one message; `unsubscribe` is the footer link."""
    default = rendering.default_wording(status, channel, language)
    subject = template.subject if template is not None and template.subject else default.subject
    body = template.body if template is not None else default.body
    block = template.marketing_block if template is not None else None
    if block is not None and not block.is_active:
        block = None
    subject, body = rendering.fill(subject, values), rendering.fill(body, values)
    if channel == Channel.SMS:
        line = rendering.block_sms_line(block, language)
        footer = ("退订 " if language == "zh" else "Unsubscribe: ") + unsubscribe if unsubscribe else ""
        return Composed("", " ".join(part for part in (body, line, footer) if part), "")
    block_text, block_html = rendering.block_email(block, language)
    footer = ("不想再收到此类邮件？退订：" if language == "zh" else "Stop these emails: ") + unsubscribe
    text = "\n\n".join(part for part in (body, block_text, footer) if part)
    from django.utils.html import escape, format_html, linebreaks

    html = (linebreaks(escape(body)) + block_html
            + str(format_html('<p style="color:#5f6b7a;font-size:12px"><a href="{}">{}</a></p>', unsubscribe,
                              "退订" if language == "zh" else "Unsubscribe")))
    return Composed(subject, text, html)
