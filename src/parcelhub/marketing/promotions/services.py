"""Writes for coupons (红包) and 满减 credits.

Contracts other apps call: `coupon_grant` (campaigns issue coupons with their public id as `source`),
`coupon_redemptions` (campaign reports) and `spend_offs_settle_bulk` (shipping.bulk, when a bulk purchase ends).
Redeeming a grant on a label happens in `promotions.offers.offers_consume`, inside the purchase transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.marketing.promotions.models import Coupon, CouponGrant, GrantState
from parcelhub.marketing.promotions.selectors import coupon_redemptions  # noqa: F401  (part of the contract)
from parcelhub.marketing.promotions.spend_offs import (  # noqa: F401  (part of the contract)
    spend_off_rule_create,
    spend_offs_settle_bulk,
    spend_offs_settle_month,
)

MAX_FEN = 100_000_000  # ¥1,000,000: no single promotion is worth more
_CODE = re.compile(r"^[A-Z0-9_-]{4,32}$")


def _invalid(field: str, en: str, zh: str) -> DomainError:
    return DomainError("invalid_coupon", f"{field}: {en}", f"{field}：{zh}", status=422, details={"field": field})


def _fen(value: object, field: str, *, minimum: int = 0) -> int:
    if type(value) is not int or not minimum <= value <= MAX_FEN:
        raise _invalid(field, f"a whole number of fen between {minimum} and {MAX_FEN}",
                       f"须为 {minimum} 至 {MAX_FEN} 之间的整数（分）")
    return value


def _check_discount(amount_off_fen: int, percent_off_bp: int) -> None:
    _fen(amount_off_fen, "amount_off_fen")
    if type(percent_off_bp) is not int or not 0 <= percent_off_bp <= 10_000:
        raise _invalid("percent_off_bp", "basis points between 0 and 10000", "须为 0 至 10000 之间的基点")
    if (amount_off_fen > 0) == (percent_off_bp > 0):
        raise _invalid("amount_off_fen", "give either an amount off or a percentage, not both",
                       "固定金额和折扣比例须且只能填写一项")


def _check_window(start: dt.datetime, end: dt.datetime) -> None:
    if not isinstance(start, dt.datetime) or not isinstance(end, dt.datetime) or end <= start:
        raise _invalid("valid_until", "the window must end after it starts", "结束时间须晚于开始时间")


def _check_optional_count(value: object, field: str, *, minimum: int = 1) -> None:
    if value is not None and (type(value) is not int or value < minimum):
        raise _invalid(field, f"a whole number of at least {minimum}", f"须为不小于 {minimum} 的整数")


def coupon_create(*, name: str, valid_from: dt.datetime, valid_until: dt.datetime, amount_off_fen: int = 0,
                  percent_off_bp: int = 0, min_spend_fen: int = 0, code: str | None = None, carrier_code: str = "",
                  service_code: str = "", origin_province: str = "", destination_province: str = "",
                  usage_limit_total: int | None = None, per_merchant_limit: int = 1, budget_fen: int | None = None,
                  points_price: int | None = None, actor=None) -> Coupon:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise _invalid("name", "required, at most 80 characters", "必填，最多 80 个字符")
    _check_discount(amount_off_fen, percent_off_bp)
    _fen(min_spend_fen, "min_spend_fen")
    _check_window(valid_from, valid_until)
    _check_optional_count(usage_limit_total, "usage_limit_total")
    _check_optional_count(per_merchant_limit, "per_merchant_limit")
    _check_optional_count(points_price, "points_price")
    if budget_fen is not None:
        _fen(budget_fen, "budget_fen", minimum=1)
    code = (code or "").strip().upper() or None
    if code is not None and not _CODE.match(code):
        raise _invalid("code", "4 to 32 letters, digits, - or _", "须为 4 至 32 位字母、数字、- 或 _")
    for field, value in (("origin_province", origin_province), ("destination_province", destination_province)):
        if value and not re.fullmatch(r"\d{2}0000", value):
            raise _invalid(field, "a province adcode such as 330000", "须为省级行政区划代码，如 330000")
    with transaction.atomic():
        if code is not None and Coupon.objects.filter(code=code).exists():
            raise DomainError("coupon_code_taken", f"The code {code} is already used by another coupon.",
                              f"兑换码 {code} 已被其他红包使用。", status=409)
        coupon = Coupon.objects.create(
            name=name, code=code, amount_off_fen=amount_off_fen, percent_off_bp=percent_off_bp,
            min_spend_fen=min_spend_fen, carrier_code=carrier_code.strip(), service_code=service_code.strip(),
            origin_province=origin_province, destination_province=destination_province, valid_from=valid_from,
            valid_until=valid_until, usage_limit_total=usage_limit_total, per_merchant_limit=per_merchant_limit,
            budget_fen=budget_fen, points_price=points_price,
            created_by=actor if getattr(actor, "is_authenticated", False) else None, created_at=clock.now())
        audit(action="coupon.create", actor=actor, target=coupon,
              data={"amount_off_fen": amount_off_fen, "percent_off_bp": percent_off_bp, "code": code})
    return coupon


def coupon_deactivate(*, coupon: Coupon, actor=None) -> Coupon:
    """Stop a coupon: it can no longer be claimed or issued and its unused grants expire; used ones stay on
    record (and expire instead of coming back if their label is voided)."""
    with transaction.atomic():
        Coupon.objects.filter(pk=coupon.pk).update(is_active=False)
        expired = CouponGrant.objects.filter(coupon=coupon, state=GrantState.UNUSED).update(state=GrantState.EXPIRED)
        audit(action="coupon.deactivate", actor=actor, target=coupon, data={"expired_grants": expired})
    coupon.refresh_from_db()
    return coupon


def _lock_coupon(coupon: Coupon) -> Coupon:
    locked = Coupon.objects.select_for_update().get(pk=coupon.pk)
    now = clock.now()
    if not locked.is_active or now >= locked.valid_until:
        raise DomainError("coupon_unavailable", "This coupon is no longer available.", "该红包已不可用。",
                          status=409)
    return locked


def coupon_grant(*, coupon: Coupon, merchants: Iterable[Merchant], source: str = "",
                 actor=None) -> list[CouponGrant]:
    """Give `coupon` to each of `merchants`, skipping those at the coupon's per-merchant limit and those already
    holding one from the same `source` (so a campaign re-sent after a failure grants nobody twice)."""
    source = (source or "")[:64]
    with transaction.atomic():
        # The coupon's lock serialises grants of one coupon, so the limits below see every committed grant.
        locked = _lock_coupon(coupon)
        merchant_ids = list(dict.fromkeys(m.pk for m in merchants))
        held = dict(CouponGrant.objects.filter(coupon=locked, merchant_id__in=merchant_ids)
                    .values_list("merchant_id").annotate(n=Count("id")))
        same_source = set(CouponGrant.objects.filter(coupon=locked, merchant_id__in=merchant_ids, source=source)
                          .values_list("merchant_id", flat=True)) if source else set()
        now = clock.now()
        grants = [CouponGrant(coupon=locked, merchant_id=pk, source=source, granted_at=now)
                  for pk in merchant_ids
                  if held.get(pk, 0) < locked.per_merchant_limit and pk not in same_source]
        CouponGrant.objects.bulk_create(grants, batch_size=500)
        audit(action="coupon.grant", actor=actor, target=locked,
              data={"source": source, "granted": len(grants), "asked": len(merchant_ids)})
    return grants


def coupon_grant_segment(*, coupon: Coupon, segment, actor=None) -> list[CouponGrant]:
    """Issue to every merchant of a saved CRM segment, evaluated now."""
    from parcelhub.crm.segments import segment_merchants

    return coupon_grant(coupon=coupon, merchants=segment_merchants(segment.definition).only("pk"),
                        source=f"segment:{segment.public_id}", actor=actor)


def coupon_claim(*, merchant: Merchant, code: str, actor=None) -> CouponGrant:
    """A merchant types a claim code: one grant per merchant and code."""
    code = (code or "").strip().upper()
    coupon = Coupon.objects.filter(code=code).first() if code else None
    now = clock.now()
    if coupon is None or not coupon.is_active or not coupon.valid_from <= now < coupon.valid_until:
        raise DomainError("coupon_code_invalid", "This code is not valid or has expired.", "兑换码无效或已过期。",
                          status=404)
    with transaction.atomic():
        granted = coupon_grant(coupon=coupon, merchants=[merchant], source="code", actor=actor)
        if not granted:
            raise DomainError("coupon_already_claimed", "You have already claimed this coupon.", "您已领取过该红包。",
                              status=409)
    return granted[0]


def coupon_grants_expire(*, now: dt.datetime | None = None) -> int:
    """Mark unused grants of ended coupons expired (the periodic job); returns how many."""
    now = now or clock.now()
    with transaction.atomic():
        ended = list(CouponGrant.objects.filter(state=GrantState.UNUSED, coupon__valid_until__lte=now)
                     .values_list("pk", flat=True))
        # Filter on the grant's own columns so a purchase committing meanwhile is re-checked, not overwritten.
        count = CouponGrant.objects.filter(pk__in=ended, state=GrantState.UNUSED).update(state=GrantState.EXPIRED)
        if count:
            audit(action="coupon.grants_expire", data={"count": count})
    return count
