"""Membership tier API: the calling merchant's tier, discount and what the next tier needs."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema

from parcelhub.accounts.auth import merchant_auth
from parcelhub.marketing import selectors

router = Router(tags=["marketing"])


class TierOut(Schema):
    code: str = Field(..., examples=["silver"])
    name: str = Field(..., examples=["银牌"])
    discount_bp: int = Field(..., description="off list prices, in basis points (300 = 3 %)")
    since: dt.date
    next_code: str | None
    next_name: str | None
    shipments_needed_per_month: int | None = Field(
        ..., description="more parcels a month than the current average that earn the next tier; null at the top")
    average_monthly_shipments: int
    downgrade_risk: dict | None = Field(None, description="set when the coming review would lower the tier: "
                                                          "would_fall_to and review_date")


@router.get("/tier", response=TierOut, auth=merchant_auth, summary="Your membership tier")
def tier(request):
    """Tier discounts apply to every label price and show as a `tier_discount` line in quotes and purchases.
    The average counts the last complete months of the rolling window (holiday months left out)."""
    merchant = request.auth.merchant
    status = selectors.current_tier(merchant)
    risk = selectors.open_risk(merchant)
    return {**status.__dict__, "downgrade_risk": {"would_fall_to": risk.would_fall_to.code,
                                                  "review_date": risk.review_date} if risk else None}
