"""The contract between the price pipeline (marketing.pricing) and the promotions toolbox (marketing.promotions).

Promotions say which per-label offers apply to a quote; the pipeline stacks them (docs/promotions.md: tier
discount, then at most one coupon; a package replaces the price) under the margin guardrail; the purchase then
consumes the offers it used inside its own transaction. Plain data, no Django, so the stacking stays pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class OfferKind(StrEnum):
    COUPON = "coupon"      # 红包: amount or percentage off, at most one per label
    PACKAGE = "package"    # 大促包 / flash-sale bundle: a prepaid label that replaces the price


@dataclass(frozen=True)
class QuoteContext:
    """What a per-label offer may be scoped by."""

    merchant_id: int
    carrier_code: str
    service_code: str
    origin_province: str        # province adcode, e.g. "330000"
    destination_province: str
    at: dt.datetime


@dataclass(frozen=True)
class Offer:
    kind: OfferKind
    source_id: str                  # public id of what gives it: a coupon grant, a package balance
    label: str                      # shown on the quote and ledger line, already translated
    amount_off_fen: int = 0         # coupons: a fixed amount off …
    percent_off_bp: int = 0         # … or a percentage in basis points (1000 = 10 %) of the price after the tier
    min_spend_fen: int = 0          # coupons: the price after the tier must reach this
    price_fen: int | None = None    # packages: the price that replaces the list price (0 when prepaid)
    # A funded promotion may go below the margin floor; the difference is booked against its budget.
    funded: bool = False
    budget_left_fen: int | None = None
    # Packages (or any offer) limited to parcels up to a billable weight; the pipeline leaves the offer out for
    # heavier parcels, so QuoteContext stays per lane (one offers_for call serves a whole batch).
    max_weight_g: int | None = None


# How the two sides meet:
# * The purchase API takes the merchant's choice as `coupon` in the buy body (`{"buy": {"rule": "cheapest",
#   "coupon": "<an Offer.source_id>"}}`); "none" means no coupon; absent means the best one that applies.
#   A chosen package's source_id works there too (otherwise the cheapest package is used automatically).
# * `offers_consume` is called for every live (not test-mode) label, with `offers=[]` when none applied, so
#   points can be earned on `charged_fen`; `discounts` maps a coupon's source_id to what it really took off
#   (after the guardrail). A label whose final price is 0 (a prepaid package) is not charged to the wallet, so
#   `charged_fen` is 0.
# * `spend_offs_settle_bulk(bulk=…)` is called by shipping.bulk once a bulk purchase that bought anything ends.
# * Coupons whose whole value the margin guardrail would take back are not used (nor consumed) on that label.
