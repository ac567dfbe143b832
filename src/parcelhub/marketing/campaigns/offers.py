"""What a campaign delivers, through the promotions toolbox: the one place that knows the offer kinds.

Only coupons so far; a package or a recharge bonus would add a branch to each function here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from parcelhub.core.errors import DomainError
from parcelhub.marketing.campaigns.models import OfferKind
from parcelhub.marketing.promotions.models import Coupon
from parcelhub.marketing.promotions.selectors import coupon_redemptions
from parcelhub.marketing.promotions.services import coupon_grant


@dataclass(frozen=True)
class Redemptions:
    count: int
    amount_fen: int
    by_merchant: dict[int, int]   # merchant pk → discount fen


def offer_choices() -> list[Coupon]:
    """Coupons an operator may attach to a new campaign: active and not yet expired."""
    return list(Coupon.objects.filter(is_active=True, valid_until__gt=timezone.now()).order_by("-created_at"))


def offer_get(kind: str, ref: str) -> Coupon:
    if kind == OfferKind.COUPON:
        coupon = Coupon.objects.filter(public_id=ref).first()
        if coupon is not None:
            return coupon
    raise DomainError("campaign_offer_unknown", f"No {kind} offer with id {ref}.", f"未找到优惠 {ref}。", status=422,
                      details={"field": "offer"})


def offer_check(kind: str, ref: str) -> Coupon:
    offer = offer_get(kind, ref)
    if not offer.is_active or offer.valid_until <= timezone.now():
        raise DomainError("campaign_offer_unavailable", "This coupon is inactive or has expired.",
                          "该红包已停用或已过期。", status=422, details={"field": "offer"})
    return offer


def offer_label(kind: str, ref: str) -> str:
    coupon = Coupon.objects.filter(public_id=ref).first() if kind == OfferKind.COUPON else None
    return coupon.name if coupon is not None else ref


def offer_labels(refs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(kind, ref) → the offer's name for many campaigns at once (one query per kind)."""
    coupons = dict(Coupon.objects.filter(public_id__in=[ref for kind, ref in refs if kind == OfferKind.COUPON])
                   .values_list("public_id", "name"))
    return {(kind, ref): coupons.get(ref, ref) if kind == OfferKind.COUPON else ref for kind, ref in refs}


def offer_deliver(*, kind: str, ref: str, merchants: list, source: str, actor=None) -> dict[int, str]:
    """Give the offer to `merchants`; returns merchant pk → the delivered item's public id (merchants already at the
    coupon's per-merchant limit get nothing and are left out)."""
    coupon = offer_check(kind, ref)
    grants = coupon_grant(coupon=coupon, merchants=merchants, source=source, actor=actor)
    return {grant.merchant_id: grant.public_id for grant in grants}


def offer_redemptions(*, source: str) -> Redemptions:
    """What the campaign's offers cost: every redeemed grant it gave, and the discount each took."""
    by_merchant: dict[int, int] = defaultdict(int)
    count = 0
    for merchant_id, discount in coupon_redemptions(source=source).values_list("merchant_id", "discount_fen"):
        by_merchant[merchant_id] += discount
        count += 1
    return Redemptions(count=count, amount_fen=sum(by_merchant.values()), by_merchant=dict(by_merchant))
