"""Rate comparison API: one parcel, or up to RATES_BATCH_LIMIT parcels in one call."""

from __future__ import annotations

from django.conf import settings
from ninja import Field, Router, Schema
from pydantic import model_validator

from parcelhub.accounts.auth import merchant_auth
from parcelhub.core.jsonio import json_response
from parcelhub.crm.onboarding import onboarding_mark
from parcelhub.marketing.pricing import line_payload
from parcelhub.rating import quoting
from parcelhub.rating.reasons import reason_text
from parcelhub.rating.types import Quote
from parcelhub.tracking.eta_data import quote_etas

router = Router(tags=["rates"], auth=merchant_auth)


class PlaceIn(Schema):
    """Either `address` (free text, parsed) or `province` with optional `city` and `district` (names or adcodes)."""

    address: str | None = Field(None, max_length=300, examples=["浙江省义乌市稠城街道工人北路1号"])
    province: str | None = Field(None, max_length=40, examples=["浙江"])
    city: str | None = Field(None, max_length=40)
    district: str | None = Field(None, max_length=40)

    @model_validator(mode="after")
    def _needs_something(self) -> PlaceIn:
        if not (self.address or self.province or self.city or self.district):
            raise ValueError("give an address, or a province (and optionally city and district)")
        return self

    def to_place(self) -> quoting.Place:
        return quoting.Place(address=self.address, province=self.province, city=self.city, district=self.district)


class ParcelIn(Schema):
    weight_g: int = Field(..., gt=0, le=quoting.MAX_WEIGHT_G, description="actual weight in grams")
    length_cm: int | None = Field(None, ge=1, le=quoting.MAX_SIDE_CM)
    width_cm: int | None = Field(None, ge=1, le=quoting.MAX_SIDE_CM)
    height_cm: int | None = Field(None, ge=1, le=quoting.MAX_SIDE_CM)


class RateRequestIn(Schema):
    origin: PlaceIn | None = Field(None, description="defaults to the merchant's shipping origin")
    destination: PlaceIn
    parcel: ParcelIn
    declared_value_fen: int = Field(0, ge=0, le=quoting.MAX_DECLARED_VALUE_FEN)

    def to_request(self) -> quoting.ParcelRequest:
        return quoting.ParcelRequest(
            origin=self.origin.to_place() if self.origin else None, destination=self.destination.to_place(),
            weight_g=self.parcel.weight_g, length_cm=self.parcel.length_cm or 0,
            width_cm=self.parcel.width_cm or 0, height_cm=self.parcel.height_cm or 0,
            declared_value_fen=self.declared_value_fen,
        )


class BatchItemIn(RateRequestIn):
    ref: str | None = Field(None, max_length=64, description="your reference, echoed in the result")


class BatchRequestIn(Schema):
    parcels: list[BatchItemIn] = Field(..., min_length=1, max_length=settings.RATES_BATCH_LIMIT)


class PriceLineOut(Schema):
    code: str
    amount_fen: int
    label: str | None = Field(None, description="discount and promotion lines: what gave it, in words")
    source_id: str | None = Field(None, description="discount and promotion lines: the tier code or the public "
                                                    "id of the coupon grant or package")


class RateOut(Schema):
    carrier: str
    service: str
    service_name: str
    eligible: bool
    reason: str | None = None
    reason_message: str | None = None
    billable_weight_g: int
    weight_basis: str
    volumetric_weight_g: int
    total_fen: int
    cost_fen: int
    breakdown: list[PriceLineOut]
    transit_days: int | None
    flags: list[str]


class EtaOut(Schema):
    earliest: str = Field(..., examples=["2026-11-26"])
    latest: str = Field(..., examples=["2026-11-28"])
    basis: str = Field(..., description="history (80 % of past parcels on the lane) or rate_card (published days)")


class RatesOut(Schema):
    currency: str = "CNY"
    rates: list[RateOut]
    etas: dict[str, EtaOut] = Field(default_factory=dict,
                                    description='delivery estimates for the eligible services, keyed "carrier.service"')


class BatchResultOut(Schema):
    ref: str | None
    rates: list[RateOut]


class BatchOut(Schema):
    currency: str = "CNY"
    results: list[BatchResultOut]


def rate_payload(quote: Quote) -> dict:
    return {
        "carrier": quote.carrier, "service": quote.service, "service_name": quote.service_name,
        "eligible": quote.eligible, "reason": quote.reason,
        "reason_message": None if quote.eligible else reason_text(quote.reason),
        "billable_weight_g": quote.billable_weight_g, "weight_basis": quote.weight_basis,
        "volumetric_weight_g": quote.volumetric_weight_g, "total_fen": quote.total_fen, "cost_fen": quote.cost_fen,
        "breakdown": [line_payload(line) for line in quote.breakdown],
        "transit_days": quote.transit_days, "flags": list(quote.flags),
    }


@router.post("/rates", response=RatesOut, summary="Compare every carrier service for one parcel")
def rates(request, body: RateRequestIn):
    """Eligible rates come first, sorted by total; ineligible services follow with a `reason`.
    `total_fen` is what this merchant pays and always equals the sum of `breakdown`: the rate card's lines,
    then the membership tier discount (`tier_discount`), at most one coupon (`coupon`) or a package that
    replaces the price (`package`), and a `guardrail_cap` when a discount would break the minimum margin. Flags: cheapest, fastest, and recommended (the cheapest
    service at most one day slower than the fastest). `etas` gives each eligible service's delivery window
    if the label is bought today: the dates within which 80 % of past parcels on the lane arrived
    (`basis: history`), or the rate card's transit days (`basis: rate_card`)."""
    parcel = body.to_request()
    quotes = quoting.quote_parcel(parcel, merchant=request.auth.merchant, priced=True,
                                  with_offers=not request.auth.test_mode)
    onboarding_mark(merchant=request.auth.merchant, milestone="first_quote")  # CRM onboarding funnel
    etas = quote_etas(parcel, quotes, merchant=request.auth.merchant)
    return json_response({"currency": "CNY", "rates": [rate_payload(q) for q in quotes],
                          "etas": {key: eta.as_dict() for key, eta in etas.items()}})


@router.post("/rates/batch", response=BatchOut, summary="Quote up to 10,000 parcels in one call")
def rates_batch(request, body: BatchRequestIn):
    """Results come back in input order with each parcel's `ref`. A parcel whose origin or destination
    cannot be resolved fails the whole call (422, `details` lists every such parcel by index)."""
    requests = [item.to_request() for item in body.parcels]
    batches = quoting.quote_parcels(requests, merchant=request.auth.merchant, priced=True,
                                    with_offers=not request.auth.test_mode)
    onboarding_mark(merchant=request.auth.merchant, milestone="first_quote")  # CRM onboarding funnel
    # 10,000 parcels × every service is ~100,000 rates: validating them again against RateOut would take
    # several times longer than pricing them, so the answer is serialised directly.
    return json_response({"currency": "CNY", "results": [
        {"ref": item.ref, "rates": [rate_payload(q) for q in quotes]}
        for item, quotes in zip(body.parcels, batches, strict=True)
    ]})
