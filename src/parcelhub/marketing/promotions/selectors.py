"""Reads for promotions: one scoping selector per resource a merchant may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet, Sum

from parcelhub.core import clock
from parcelhub.core.errors import NotFound
from parcelhub.marketing.promotions.models import (
    Coupon,
    CouponGrant,
    FlashSale,
    FlashSaleGrab,
    GrantState,
    Package,
    PackageBalance,
    PointsEntry,
    SpendOffCredit,
    SpendOffRule,
)


def coupon_redemptions(*, coupon: Coupon | None = None, source: str | None = None) -> QuerySet[CouponGrant]:
    """Used grants (redemptions), newest first, optionally of one coupon and/or one source (a campaign's
    public id): each row has merchant, shipment_public_id, discount_fen and used_at."""
    grants = CouponGrant.objects.filter(state=GrantState.USED).select_related("coupon", "merchant")
    if coupon is not None:
        grants = grants.filter(coupon=coupon)
    if source is not None:
        grants = grants.filter(source=source)
    return grants.order_by("-used_at", "-id")


def merchant_grants(merchant) -> QuerySet[CouponGrant]:
    return CouponGrant.objects.filter(merchant=merchant).select_related("coupon").order_by("state", "-granted_at")


def merchant_grant(merchant, public_id: str) -> CouponGrant:
    grant = merchant_grants(merchant).filter(public_id=public_id).first()
    if grant is None:
        raise NotFound("coupon", "红包")
    return grant


def coupons_all() -> QuerySet[Coupon]:
    return Coupon.objects.order_by("-created_at", "-id")


def coupon_get(public_id: str) -> Coupon:
    coupon = Coupon.objects.filter(public_id=public_id).first()
    if coupon is None:
        raise NotFound("coupon", "红包")
    return coupon


def points_shop() -> QuerySet[Coupon]:
    """Coupons a merchant may buy with points now."""
    now = clock.now()
    return Coupon.objects.filter(points_price__isnull=False, is_active=True, valid_from__lte=now,
                                 valid_until__gt=now).order_by("points_price", "id")


def packages_on_sale() -> QuerySet[Package]:
    now = clock.now()
    return Package.objects.filter(is_active=True, on_sale_from__lte=now, on_sale_until__gt=now,
                                  use_until__gt=now).order_by("on_sale_until", "id")


def package_get(public_id: str, *, on_sale: bool = False) -> Package:
    package = (packages_on_sale() if on_sale else Package.objects.all()).filter(public_id=public_id).first()
    if package is None:
        raise NotFound("package", "大促包")
    return package


def merchant_balances(merchant) -> QuerySet[PackageBalance]:
    return PackageBalance.objects.filter(merchant=merchant).select_related("package").order_by("-bought_at", "-id")


def merchant_balance(merchant, public_id: str) -> PackageBalance:
    balance = merchant_balances(merchant).filter(public_id=public_id).first()
    if balance is None:
        raise NotFound("package balance", "大促包余量")
    return balance


def flash_sales_visible() -> QuerySet[FlashSale]:
    """Running and upcoming sales (ended ones drop off)."""
    return (FlashSale.objects.filter(ends_at__gt=clock.now()).select_related("package", "coupon")
            .order_by("starts_at", "id"))


def flash_sale_get(public_id: str) -> FlashSale:
    sale = FlashSale.objects.select_related("package", "coupon").filter(public_id=public_id).first()
    if sale is None:
        raise NotFound("flash sale", "限时抢购")
    return sale


def merchant_grabs(merchant) -> set[int]:
    return set(FlashSaleGrab.objects.filter(merchant=merchant).values_list("sale_id", flat=True))


def points_history(merchant) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(merchant=merchant).order_by("-created_at", "-id")


def points_expiring(merchant, *, days: int = 30) -> int:
    """Points that will expire within `days`, for the merchant's reminder."""
    until = clock.now() + dt.timedelta(days=days)
    return PointsEntry.objects.filter(merchant=merchant, kind=PointsEntry.Kind.EARN, remaining__gt=0,
                                      expires_at__lte=until).aggregate(n=Sum("remaining"))["n"] or 0


def spend_off_rules() -> QuerySet[SpendOffRule]:
    return SpendOffRule.objects.order_by("kind", "threshold_fen")


def spend_off_credits_recent(limit: int = 50) -> list[SpendOffCredit]:
    return list(SpendOffCredit.objects.select_related("merchant", "rule").order_by("-created_at", "-id")[:limit])


def describe_packages(packages) -> list:
    """Set `service_label` (the carrier's service name) and `provinces_label` (short province names) on each
    package for display, with two queries whatever the number of packages."""
    from django.utils import translation

    from parcelhub.carriers.models import Service
    from parcelhub.geo.models import Region

    packages = list(packages)
    english = not (translation.get_language() or "").startswith("zh")
    services = {f"{s.carrier.code}.{s.code}": (f"{s.carrier.name_en} {s.name_en}" if english
                                               else f"{s.carrier.name} {s.name}")
                for s in Service.objects.select_related("carrier")
                .filter(carrier__code__in={p.carrier_code for p in packages})}
    adcodes = {code for p in packages for code in p.destination_provinces}
    names = dict(Region.objects.filter(adcode__in=adcodes).values_list("adcode", "short_name"))
    for package in packages:
        key = f"{package.carrier_code}.{package.service_code}"
        package.service_label = services.get(key, key)
        package.provinces_label = "、".join(names.get(code, code) for code in package.destination_provinces)
    return packages


def spend_off_progress(merchant) -> dict:
    """This month's net label spend against the monthly 满减 rules running now, and the bulk rules."""
    from parcelhub.marketing.promotions.spend_offs import month_spend_fen

    now = clock.now()
    running = SpendOffRule.objects.filter(is_active=True, valid_from__lte=now, valid_until__gt=now)
    monthly = list(running.filter(kind=SpendOffRule.Kind.PERIOD).order_by("threshold_fen", "id"))
    spent = month_spend_fen(merchant, clock.today().replace(day=1)) if monthly else 0
    reached = [r for r in monthly if r.threshold_fen <= spent]
    upcoming = next((r for r in monthly if r.threshold_fen > spent and (not reached or r.off_fen > reached[-1].off_fen)),
                    None)
    return {"spent_fen": spent, "monthly": monthly,
            "reached": max(reached, key=lambda r: r.off_fen) if reached else None,
            "next": upcoming, "missing_fen": upcoming.threshold_fen - spent if upcoming else 0,
            "bulk": list(running.filter(kind=SpendOffRule.Kind.BULK).order_by("threshold_fen", "id"))}


def describe_coupons(coupons) -> list:
    """Set `scope_label` on each coupon for display: carrier, service and provinces in words (two queries)."""
    from django.utils import translation

    from parcelhub.carriers.models import Carrier
    from parcelhub.geo.models import Region

    coupons = list(coupons)
    english = not (translation.get_language() or "").startswith("zh")
    carriers = {c.code: (c.name_en if english else c.name)
                for c in Carrier.objects.filter(code__in={c.carrier_code for c in coupons if c.carrier_code})}
    adcodes = {code for c in coupons for code in (c.origin_province, c.destination_province) if code}
    names = dict(Region.objects.filter(adcode__in=adcodes).values_list("adcode", "short_name"))
    for coupon in coupons:
        parts = []
        if coupon.carrier_code:
            parts.append(carriers.get(coupon.carrier_code, coupon.carrier_code))
        if coupon.service_code:
            parts.append(coupon.service_code)
        if coupon.origin_province or coupon.destination_province:
            parts.append(f"{names.get(coupon.origin_province, coupon.origin_province) or '*'} → "
                         f"{names.get(coupon.destination_province, coupon.destination_province) or '*'}")
        coupon.scope_label = " · ".join(parts)
    return coupons
