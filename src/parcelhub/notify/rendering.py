"""Message wording: default templates for every status, placeholders, and the marketing block line.

Placeholders are `{name}` from a fixed list and are substituted by a plain search-and-replace; Python's
str.format is not used because it would let a template reach attributes of the values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parcelhub.core.errors import DomainError
from parcelhub.tracking.status import Status

PLACEHOLDERS = ("recipient_name", "waybill_no", "carrier", "service", "status", "eta", "tracking_url",
                "shop_name", "coupon_code", "reference", "exception")
_TOKEN = re.compile(r"\{([^{}]*)\}")

STATUS_LABELS: dict[str, dict[str, str]] = {
    "zh": {Status.CREATED: "已下单", Status.PICKED_UP: "已揽收", Status.IN_TRANSIT: "运输中",
           Status.ARRIVED_AT_DESTINATION_CITY: "已到达目的城市", Status.OUT_FOR_DELIVERY: "派送中",
           Status.AVAILABLE_FOR_PICKUP: "待取件", Status.DELIVERED: "已签收", Status.EXCEPTION: "异常",
           Status.RETURNING: "退回中", Status.RETURNED: "已退回", Status.CANCELLED: "已取消"},
    "en": {Status.CREATED: "label created", Status.PICKED_UP: "picked up", Status.IN_TRANSIT: "in transit",
           Status.ARRIVED_AT_DESTINATION_CITY: "arrived in the destination city",
           Status.OUT_FOR_DELIVERY: "out for delivery", Status.AVAILABLE_FOR_PICKUP: "ready for collection",
           Status.DELIVERED: "delivered", Status.EXCEPTION: "held up", Status.RETURNING: "returning",
           Status.RETURNED: "returned", Status.CANCELLED: "cancelled"},
}
EXCEPTION_LABELS: dict[str, dict[str, str]] = {
    "zh": {"refused": "拒收", "address_problem": "地址有误", "damaged": "破损", "lost": "丢失", "delayed": "延误",
           "no_update": "长时间未更新"},
    "en": {"refused": "refused", "address_problem": "address problem", "damaged": "damaged", "lost": "lost",
           "delayed": "delayed", "no_update": "no update"},
}

# Statuses a consignee or merchant hears about (created and cancelled are the merchant's own doing).
NOTIFIED_STATUSES = (Status.PICKED_UP, Status.IN_TRANSIT, Status.ARRIVED_AT_DESTINATION_CITY,
                     Status.OUT_FOR_DELIVERY, Status.AVAILABLE_FOR_PICKUP, Status.DELIVERED, Status.EXCEPTION,
                     Status.RETURNING, Status.RETURNED)

_SMS_ZH = {
    Status.PICKED_UP: "【{shop_name}】{recipient_name}您好，您的包裹已由{carrier}揽收，运单号{waybill_no}，预计{eta}送达。查看物流：{tracking_url}",
    Status.IN_TRANSIT: "【{shop_name}】您的包裹（{carrier} {waybill_no}）正在运输途中，预计{eta}送达。{tracking_url}",
    Status.ARRIVED_AT_DESTINATION_CITY: "【{shop_name}】您的包裹（{carrier} {waybill_no}）已到达目的城市，即将派送。{tracking_url}",
    Status.OUT_FOR_DELIVERY: "【{shop_name}】{recipient_name}您好，您的包裹（{carrier} {waybill_no}）正在派送，请保持电话畅通。{tracking_url}",
    Status.AVAILABLE_FOR_PICKUP: "【{shop_name}】您的包裹（{carrier} {waybill_no}）已到驿站/快递柜，请及时取件。{tracking_url}",
    Status.DELIVERED: "【{shop_name}】您的包裹（{waybill_no}）已签收，感谢您的购买！给这次购物打个分吧：{tracking_url}?nps=1",
    Status.EXCEPTION: "【{shop_name}】您的包裹（{carrier} {waybill_no}）出现异常：{exception}，我们正在处理。{tracking_url}",
    Status.RETURNING: "【{shop_name}】您的包裹（{carrier} {waybill_no}）正在退回，如有疑问请联系商家。{tracking_url}",
    Status.RETURNED: "【{shop_name}】您的包裹（{carrier} {waybill_no}）已退回商家。{tracking_url}",
}
_SMS_EN = {
    Status.PICKED_UP: "[{shop_name}] Hi {recipient_name}, {carrier} picked up your parcel {waybill_no}; expected {eta}. Track: {tracking_url}",
    Status.IN_TRANSIT: "[{shop_name}] Your parcel ({carrier} {waybill_no}) is in transit; expected {eta}. {tracking_url}",
    Status.ARRIVED_AT_DESTINATION_CITY: "[{shop_name}] Your parcel ({carrier} {waybill_no}) has reached your city. {tracking_url}",
    Status.OUT_FOR_DELIVERY: "[{shop_name}] Hi {recipient_name}, your parcel ({carrier} {waybill_no}) is out for delivery today. {tracking_url}",
    Status.AVAILABLE_FOR_PICKUP: "[{shop_name}] Your parcel ({carrier} {waybill_no}) is ready for collection. {tracking_url}",
    Status.DELIVERED: "[{shop_name}] Your parcel {waybill_no} was delivered. Thank you! How did we do? {tracking_url}?nps=1",
    Status.EXCEPTION: "[{shop_name}] Your parcel ({carrier} {waybill_no}) is held up: {exception}. We are on it. {tracking_url}",
    Status.RETURNING: "[{shop_name}] Your parcel ({carrier} {waybill_no}) is being returned; contact us with any question. {tracking_url}",
    Status.RETURNED: "[{shop_name}] Your parcel ({carrier} {waybill_no}) was returned to us. {tracking_url}",
}
_EMAIL_SUBJECT = {"zh": "包裹{status}：{waybill_no}（{recipient_name}）",
                  "en": "Parcel {status}: {waybill_no} ({recipient_name})"}
_EMAIL_BODY = {
    "zh": "运单 {carrier} {waybill_no}（订单 {reference}，收件人 {recipient_name}）状态：{status}。\n{exception}\n物流详情：{tracking_url}",
    "en": "Parcel {carrier} {waybill_no} (order {reference}, to {recipient_name}) is now {status}.\n{exception}\nTracking: {tracking_url}",
}


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str


def default_wording(status: str, channel: str, language: str) -> Wording:
    if channel == "sms":
        table = _SMS_ZH if language == "zh" else _SMS_EN
        return Wording("", table.get(status, table[Status.IN_TRANSIT]))
    return Wording(_EMAIL_SUBJECT[language], _EMAIL_BODY[language])


class TemplateInvalid(DomainError):
    def __init__(self, unknown: list[str]) -> None:
        names = ", ".join("{" + name + "}" for name in unknown)
        allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        super().__init__("template_placeholder_unknown",
                         f"Unknown placeholder {names}. Use only: {allowed}.",
                         f"未知的占位符 {names}。可用的占位符：{allowed}。", status=422,
                         details={"unknown": unknown})


def unknown_placeholders(text: str) -> list[str]:
    found = []
    for name in _TOKEN.findall(text):
        if name not in PLACEHOLDERS and name not in found:
            found.append(name)
    return found


def validate(*texts: str) -> None:
    unknown: list[str] = []
    for text in texts:
        unknown += [name for name in unknown_placeholders(text) if name not in unknown]
    if unknown:
        raise TemplateInvalid(unknown)


def fill(text: str, values: dict[str, str]) -> str:
    """Substitute placeholders; a line left empty only by empty values (no exception) is dropped."""
    lines = []
    for line in text.split("\n"):
        filled = _TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), line)
        if filled.strip() or not line.strip():
            lines.append(filled)
    return "\n".join(lines)


def _price(fen: int | None) -> str:
    return "" if fen is None else f"¥{fen // 100}.{fen % 100:02d}"


def block_sms_line(block, language: str) -> str:
    """One short line: the title, the code of a coupon, and the link."""
    if block is None:
        return ""
    parts = [block.title]
    if block.coupon_code:
        parts.append(("券码 " if language == "zh" else "code ") + block.coupon_code)
    if block.price_fen is not None:
        parts.append(_price(block.price_fen))
    if block.link_url:
        parts.append(block.link_url)
    return " ".join(parts)


def block_email(block, language: str) -> tuple[str, str]:
    """(plain text, HTML) of a marketing block for an email."""
    if block is None:
        return "", ""
    from django.utils.html import format_html

    lines = [block.title]
    if block.text:
        lines.append(block.text)
    if block.price_fen is not None:
        lines.append(_price(block.price_fen))
    if block.coupon_code:
        lines.append(("优惠券码：" if language == "zh" else "Coupon code: ") + block.coupon_code)
    if block.link_url:
        lines.append(block.link_url)
    html = format_html(
        '<div style="border:1px solid #dde2ea;border-radius:8px;padding:12px;margin-top:16px">'
        '{}<strong>{}</strong><br>{}{}{}{}</div>',
        format_html('<img src="{}" alt="" style="max-width:120px;float:right">', block.image_url)
        if block.image_url else "",
        block.title, block.text,
        format_html("<br>{}", _price(block.price_fen)) if block.price_fen is not None else "",
        format_html("<br><code>{}</code>", block.coupon_code) if block.coupon_code else "",
        format_html('<br><a href="{}">{}</a>', block.link_url, "立即查看" if language == "zh" else "Have a look")
        if block.link_url else "",
    )
    return "\n".join(lines), str(html)
