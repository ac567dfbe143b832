"""Per-label offers for the price pipeline (contract in marketing.offers): unspent coupons in scope and package
balances that cover the label; consumed inside the purchase transaction, given back on void."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.marketing.offers import Offer, OfferKind, QuoteContext
from parcelhub.marketing.promotions import points
from parcelhub.marketing.promotions.models import Coupon, CouponGrant, GrantState, PackageBalance, PackageUse


def _scope(field: str, value: str) -> Q:
    return Q(**{f"coupon__{field}": ""}) | Q(**{f"coupon__{field}": value})


def _coupon_offers(context: QuoteContext) -> list[Offer]:
    grants = (CouponGrant.objects
              .filter(merchant_id=context.merchant_id, state=GrantState.UNUSED, coupon__is_active=True,
                      coupon__valid_from__lte=context.at, coupon__valid_until__gt=context.at)
              .filter(Q(coupon__usage_limit_total__isnull=True) | Q(coupon__used_count__lt=F("coupon__usage_limit_total")))
              .filter(_scope("carrier_code", context.carrier_code), _scope("service_code", context.service_code),
                      _scope("origin_province", context.origin_province),
                      _scope("destination_province", context.destination_province))
              .select_related("coupon").order_by("granted_at", "id"))
    return [Offer(kind=OfferKind.COUPON, source_id=grant.public_id, label=_("Coupon: %(name)s") % {
                "name": grant.coupon.name},
                  amount_off_fen=grant.coupon.amount_off_fen, percent_off_bp=grant.coupon.percent_off_bp,
                  min_spend_fen=grant.coupon.min_spend_fen, funded=grant.coupon.funded,
                  budget_left_fen=grant.coupon.budget_left_fen)
            for grant in grants]


def _package_offers(context: QuoteContext) -> list[Offer]:
    balances = (PackageBalance.objects
                .filter(merchant_id=context.merchant_id, state=PackageBalance.State.ACTIVE,
                        labels_used__lt=F("labels_total"), package__carrier_code=context.carrier_code,
                        package__service_code=context.service_code, package__use_until__gt=context.at,
                        bought_at__lte=context.at)
                .select_related("package").order_by("package__use_until", "id"))
    # The pipeline drops the offer for parcels above max_weight_g (QuoteContext is per lane, not per parcel).
    return [Offer(kind=OfferKind.PACKAGE, source_id=balance.public_id, price_fen=0,
                  max_weight_g=balance.package.max_weight_g,
                  label=_("Package: %(name)s (%(left)d labels left)") % {"name": balance.package.name,
                                                                         "left": balance.labels_left})
            for balance in balances
            if not balance.package.destination_provinces
            or context.destination_province in balance.package.destination_provinces]


def offers_for(context: QuoteContext) -> list[Offer]:
    """Every per-label offer the merchant could use on this quote (unspent coupons in scope, package balances)."""
    return _coupon_offers(context) + _package_offers(context)


def _unavailable(offer: Offer) -> DomainError:
    return DomainError("offer_unavailable", f"{offer.label} is no longer available; quote again.",
                       f"{offer.label} 已不可用，请重新报价。", status=409, details={"offer": offer.source_id})


def _use_grant(*, merchant, offer: Offer, shipment_public_id: str, discount_fen: int, subsidy_fen: int) -> None:
    now = clock.now()
    grant = (CouponGrant.objects.select_related("coupon")
             .filter(public_id=offer.source_id, merchant=merchant).first())
    if grant is None or not grant.coupon.is_active or not grant.coupon.valid_from <= now < grant.coupon.valid_until:
        raise _unavailable(offer)
    # Compare-and-set on the grant's own state: of purchases racing for one grant exactly one flips it. (No join
    # in this filter: PostgreSQL re-checks a waiting UPDATE's condition on the row, not inside a subquery.)
    used = (CouponGrant.objects
            .filter(pk=grant.pk, state=GrantState.UNUSED)
            .update(state=GrantState.USED, shipment_public_id=shipment_public_id, used_at=now,
                    discount_fen=discount_fen, subsidy_fen=subsidy_fen))
    if not used:
        raise _unavailable(offer)
    counted = (Coupon.objects.filter(pk=grant.coupon_id)
               .filter(Q(usage_limit_total__isnull=True) | Q(used_count__lt=F("usage_limit_total")))
               .update(used_count=F("used_count") + 1))
    if not counted:
        raise DomainError("coupon_limit_reached", "This coupon has reached its total number of uses.",
                          "该红包已达总使用次数上限。", status=409, details={"offer": offer.source_id})
    if subsidy_fen:
        booked = (Coupon.objects.filter(pk=grant.coupon_id, budget_fen__isnull=False,
                                        budget_spent_fen__lte=F("budget_fen") - subsidy_fen)
                  .update(budget_spent_fen=F("budget_spent_fen") + subsidy_fen))
        if not booked:
            raise DomainError("promotion_budget_spent", "This coupon's budget is spent; quote again.",
                              "该红包的补贴预算已用完，请重新报价。", status=409, details={"offer": offer.source_id})


def _use_package(*, merchant, offer: Offer, shipment_public_id: str) -> None:
    now = clock.now()
    balance = (PackageBalance.objects.select_related("package")
               .filter(public_id=offer.source_id, merchant=merchant).first())
    taken = balance is not None and now < balance.package.use_until and PackageBalance.objects.filter(
        pk=balance.pk, state=PackageBalance.State.ACTIVE, labels_used__lt=F("labels_total"),
    ).update(labels_used=F("labels_used") + 1)
    if not taken:
        raise _unavailable(offer)
    PackageUse.objects.create(balance=balance, shipment_public_id=shipment_public_id, used_at=now)


def offers_consume(*, merchant, offers: list[Offer], shipment_public_id: str, charged_fen: int,
                   subsidy_fen: int, discounts: dict[str, int] | None = None) -> None:
    """Inside the purchase transaction: redeem what the chosen price used (atomically; raise DomainError if an
    offer is no longer available), book `subsidy_fen` against a funded promotion's budget, earn points on
    `charged_fen`. `discounts` maps an offer's source_id to what it took off (for redemption reports)."""
    discounts = discounts or {}
    funded = next((o.source_id for o in offers if o.kind == OfferKind.COUPON and o.funded), None)
    with transaction.atomic():
        for offer in offers:
            if offer.kind == OfferKind.COUPON:
                _use_grant(merchant=merchant, offer=offer, shipment_public_id=shipment_public_id,
                           discount_fen=max(0, discounts.get(offer.source_id, offer.amount_off_fen)),
                           subsidy_fen=subsidy_fen if offer.source_id == funded else 0)
            elif offer.kind == OfferKind.PACKAGE:
                _use_package(merchant=merchant, offer=offer, shipment_public_id=shipment_public_id)
        earned = points.points_earn(merchant=merchant, shipment_public_id=shipment_public_id,
                                    charged_fen=charged_fen)
        if offers:
            audit(action="promotions.consume", merchant=merchant,
                  data={"shipment": shipment_public_id, "offers": [o.source_id for o in offers],
                        "subsidy_fen": subsidy_fen, "points": earned.points if earned else 0})


def _release_grants(merchant, shipment_public_id: str) -> list[str]:
    now = clock.now()
    released = []
    for grant in (CouponGrant.objects.select_for_update().select_related("coupon")
                  .filter(merchant=merchant, state=GrantState.USED, shipment_public_id=shipment_public_id)):
        coupon = grant.coupon
        still_valid = coupon.is_active and now < coupon.valid_until
        CouponGrant.objects.filter(pk=grant.pk).update(
            state=GrantState.UNUSED if still_valid else GrantState.EXPIRED, shipment_public_id="", used_at=None,
            discount_fen=0, subsidy_fen=0)
        Coupon.objects.filter(pk=coupon.pk).update(used_count=F("used_count") - 1,
                                                   budget_spent_fen=F("budget_spent_fen") - grant.subsidy_fen)
        released.append(grant.public_id)
    return released


def _release_packages(merchant, shipment_public_id: str) -> list[str]:
    released = []
    for use in (PackageUse.objects.select_for_update().select_related("balance")
                .filter(balance__merchant=merchant, shipment_public_id=shipment_public_id, released_at__isnull=True)):
        PackageUse.objects.filter(pk=use.pk).update(released_at=clock.now())
        # A refunded balance was refunded for its unused labels only; the voided label is not sold back.
        PackageBalance.objects.filter(pk=use.balance_id, state=PackageBalance.State.ACTIVE).update(
            labels_used=F("labels_used") - 1)
        released.append(use.balance.public_id)
    return released


def offers_release(*, merchant, shipment_public_id: str) -> None:
    """Inside the void transaction: give back what offers_consume took for this shipment."""
    with transaction.atomic():
        grants = _release_grants(merchant, shipment_public_id)
        packages = _release_packages(merchant, shipment_public_id)
        reversed_points = points.points_reverse(merchant=merchant, shipment_public_id=shipment_public_id)
        if grants or packages or reversed_points:
            audit(action="promotions.release", merchant=merchant,
                  data={"shipment": shipment_public_id, "grants": grants, "packages": packages,
                        "points": reversed_points.points if reversed_points else 0})
