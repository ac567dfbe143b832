"""The price pipeline, pure: from a service's list price to what one merchant pays, line by line.

The order is fixed and documented in docs/promotions.md ("Stacking"):

1. A **package** (大促包, flash-sale bundle) replaces the price altogether: no tier discount, no coupon, no
   guardrail (the merchant paid for it up front). The cheapest package wins, or the one the merchant chose.
2. The **tier discount**: list × discount bp ÷ 10000, rounded down (a discount is never rounded up).
3. **At most one coupon**, on the price after the tier: the one the merchant chose, else the one worth most.
   A coupon needs its minimum spend met by the price after the tier and never takes the price below zero.
4. The **margin guardrail**: the price may not fall below the floor (cost + minimum margin, never above the list
   price). Whatever falls below it is added back as a cap line — except the part a funded coupon caused,
   which the coupon's budget pays as a subsidy (up to what is left of the budget; beyond that it is capped).

Every step that changes the price adds a `Line`; the lines of the rate card plus these sum to the final price.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parcelhub.marketing.offers import Offer, OfferKind

NO_COUPON = "none"  # a merchant's explicit choice of no coupon at all


@dataclass(frozen=True)
class Line:
    code: str          # tier_discount | coupon | package | guardrail_cap
    label: str
    amount_fen: int    # negative for discounts
    source_id: str = ""


@dataclass(frozen=True)
class StackInput:
    list_fen: int
    cost_fen: int
    floor_fen: int                     # cost + minimum margin; the pipeline never lets it exceed list_fen
    tier_code: str = ""
    tier_label: str = ""
    tier_discount_bp: int = 0
    offers: tuple[Offer, ...] = ()
    chosen: str | None = None          # an offer's source_id, NO_COUPON, or None for "the best"
    cap_label: str = "guardrail"


@dataclass(frozen=True)
class StackResult:
    final_fen: int
    lines: tuple[Line, ...] = ()
    used: tuple[Offer, ...] = ()       # the offers the final price used (to consume at purchase)
    subsidy_fen: int = 0               # booked against a funded coupon's budget
    capped_fen: int = 0                # added back by the guardrail
    chosen_missing: bool = False       # the merchant's chosen offer does not apply to this price
    floor_fen: int = 0
    # What the coupon really took off: its line less the part of the guardrail cap it caused. This, not the
    # coupon's face value, is the promotion's cost in redemption and campaign reports.
    coupon_net_fen: int = 0


def coupon_value(offer: Offer, price_fen: int) -> int:
    """What a coupon takes off `price_fen`; 0 when its minimum spend is not met."""
    if price_fen < offer.min_spend_fen or price_fen <= 0:
        return 0
    value = offer.amount_off_fen if offer.amount_off_fen else price_fen * offer.percent_off_bp // 10000
    return max(0, min(value, price_fen))


def _package(offers: Sequence[Offer], chosen: str | None) -> Offer | None:
    packages = [o for o in offers if o.kind == OfferKind.PACKAGE and o.price_fen is not None]
    if chosen:
        picked = next((o for o in packages if o.source_id == chosen), None)
        if picked is not None:
            return picked
    return min(packages, key=lambda o: (o.price_fen, o.source_id), default=None)


def _coupon(offers: Sequence[Offer], price_fen: int, chosen: str | None) -> tuple[Offer | None, bool]:
    """The coupon to use and whether the merchant's own choice was missing or not applicable."""
    coupons = [o for o in offers if o.kind == OfferKind.COUPON]
    if chosen == NO_COUPON:
        return None, False
    if chosen:
        picked = next((o for o in coupons if o.source_id == chosen), None)
        if picked is None or coupon_value(picked, price_fen) == 0:
            return None, True
        return picked, False
    valued = [(coupon_value(o, price_fen), o) for o in coupons]
    valued = [(v, o) for v, o in valued if v > 0]
    if not valued:
        return None, False
    best = max(valued, key=lambda pair: (pair[0], pair[1].funded, _reverse(pair[1].source_id)))
    return best[1], False


def _reverse(text: str) -> tuple[int, ...]:
    # Ties go to the smallest source id (oldest grant): max() over negated code points.
    return tuple(-ord(ch) for ch in text)


def stack(spec: StackInput) -> StackResult:
    list_fen = spec.list_fen
    floor = min(spec.floor_fen, list_fen)
    chosen = spec.chosen
    package = _package(spec.offers, None if chosen == NO_COUPON else chosen)
    if package is not None and package.price_fen is not None:
        price = max(0, package.price_fen)
        line = Line("package", package.label, price - list_fen, package.source_id)
        return StackResult(final_fen=price, lines=(line,) if price != list_fen else (), used=(package,),
                           floor_fen=floor)

    lines: list[Line] = []
    tier_off = list_fen * max(0, spec.tier_discount_bp) // 10000
    after_tier = list_fen - tier_off
    if tier_off:
        lines.append(Line("tier_discount", spec.tier_label, -tier_off, spec.tier_code))

    coupon, missing = _coupon(spec.offers, after_tier, chosen)
    coupon_off = coupon_value(coupon, after_tier) if coupon is not None else 0
    price = after_tier - coupon_off
    if coupon is not None:
        lines.append(Line("coupon", coupon.label, -coupon_off, coupon.source_id))

    short_tier = max(0, floor - after_tier)
    short_total = max(0, floor - price)
    subsidy = 0
    if coupon is not None and coupon.funded:
        subsidy = short_total - short_tier
        if coupon.budget_left_fen is not None:
            subsidy = max(0, min(subsidy, coupon.budget_left_fen))
    capped = short_total - subsidy
    if coupon is not None and coupon_off - (capped - short_tier) <= 0:
        # The guardrail would take all of it back: keep the coupon for a label where it is worth something.
        return stack(_without_coupon(spec))
    if capped:
        lines.append(Line("guardrail_cap", spec.cap_label, capped, coupon.source_id if coupon else ""))
    return StackResult(final_fen=price + capped, lines=tuple(lines), used=(coupon,) if coupon else (),
                       subsidy_fen=subsidy, capped_fen=capped, chosen_missing=missing, floor_fen=floor,
                       coupon_net_fen=coupon_off - max(0, capped - short_tier) if coupon is not None else 0)


def _without_coupon(spec: StackInput) -> StackInput:
    return StackInput(list_fen=spec.list_fen, cost_fen=spec.cost_fen, floor_fen=spec.floor_fen,
                      tier_code=spec.tier_code, tier_label=spec.tier_label, tier_discount_bp=spec.tier_discount_bp,
                      offers=(), chosen=NO_COUPON, cap_label=spec.cap_label)


def margin_floor(cost_fen: int, *, min_margin_bp: int, min_margin_fen: int) -> int:
    """Cost plus the larger of a percentage of cost (rounded up) and a fixed amount."""
    by_rate = -(-cost_fen * max(0, min_margin_bp) // 10000)
    return cost_fen + max(by_rate, max(0, min_margin_fen))
