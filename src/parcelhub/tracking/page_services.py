"""Writes for the branded tracking page: clicks, NPS answers and the merchant's design.

Clicks are consignee traffic (many per parcel) and are their own record, so they write no audit row; the
merchant's design edits do. Marketing blocks are edited in the notifications settings (notify.services), as
they appear in notifications too.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError, NotFound
from parcelhub.shipping.models import Shipment
from parcelhub.tracking.models import MarketingBlock, NpsResponse, Tracking, TrackingClick, TrackingPageDesign
from parcelhub.tracking.status import Status

NPS_CHANNELS = ("page", "notification")
DESIGN_FIELDS = ("display_name", "logo_url", "primary_color", "accent_color", "shop_url", "headline",
                 "show_recommendations", "show_coupon")


def _safe_url(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def tracking_click_target(*, shipment: Shipment, target: str) -> tuple[MarketingBlock | None, str, str]:
    """(block, kind, URL) the page's link `target` ("shop" or a block id) leads to — only URLs the parcel's
    merchant configured; anything else is NotFound, so /go/ can never redirect elsewhere."""
    from parcelhub.tracking.page_selectors import design_for

    if target == "shop":
        url = design_for(shipment.merchant).shop_url
        if not url or not _safe_url(url):
            raise NotFound("link", "链接")
        return None, "shop", url
    if not target.isdigit():
        raise NotFound("link", "链接")
    block = MarketingBlock.objects.filter(pk=int(target), merchant_id=shipment.merchant_id, is_active=True).first()
    if block is None:
        raise NotFound("link", "链接")
    url = block.link_url if _safe_url(block.link_url) else ""
    return block, block.kind, url


def tracking_click_record(*, shipment: Shipment, target: str) -> tuple[TrackingClick, str]:
    """Count a click on the page (attributed to merchant, parcel and block) and return where it leads
    ("" for a coupon without a link: its click is the code being copied)."""
    block, kind, url = tracking_click_target(shipment=shipment, target=target)
    if not url and kind != MarketingBlock.Kind.COUPON:
        raise NotFound("link", "链接")
    click = TrackingClick.objects.create(merchant_id=shipment.merchant_id, shipment=shipment, block=block,
                                         target=kind, clicked_at=clock.now())
    return click, url


def nps_answer(*, shipment: Shipment, score: int, comment: str = "", channel: str = "page") -> NpsResponse:
    """Record the consignee's answer. Only after delivery, and once per parcel: the first answer stands
    (anyone holding the label's QR code can open the page, so a later visitor must not rewrite it)."""
    if not isinstance(score, int) or not 0 <= score <= 10:
        raise DomainError("invalid_score", "The score must be a whole number from 0 to 10.", "评分须为 0 到 10 的整数。")
    channel = channel if channel in NPS_CHANNELS else "page"
    with transaction.atomic():
        tracking = Tracking.objects.filter(shipment=shipment).first()
        if tracking is None or tracking.status != Status.DELIVERED:
            raise DomainError("not_delivered", "You can rate the delivery once the parcel has been delivered.",
                              "包裹签收后才能评价。", status=409)
        if NpsResponse.objects.filter(shipment=shipment).exists():
            raise DomainError("already_answered", "This parcel has already been rated.", "该包裹已评价过。",
                              status=409)
        try:
            with transaction.atomic():
                return NpsResponse.objects.create(
                    merchant_id=shipment.merchant_id, shipment=shipment, carrier_code=shipment.carrier_code,
                    score=score, comment=comment.strip()[:500], channel=channel, answered_at=clock.now())
        except IntegrityError:  # a simultaneous second answer lost the race on the one-per-parcel constraint
            raise DomainError("already_answered", "This parcel has already been rated.", "该包裹已评价过。",
                              status=409) from None


def page_design_save(*, merchant, actor, **values) -> TrackingPageDesign:
    """Save the merchant's tracking-page design (values already validated by the designer's form)."""
    unknown = set(values) - set(DESIGN_FIELDS)
    if unknown:
        raise ValueError(f"unknown design fields: {sorted(unknown)}")
    with transaction.atomic():
        design, created = TrackingPageDesign.objects.update_or_create(merchant=merchant, defaults=values)
        audit(action="tracking.page_design_saved", actor=actor, merchant=merchant, target=design,
              data={k: v for k, v in values.items()} | {"created": created})
    return design

