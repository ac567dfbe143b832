"""The scalar rating engine: one parcel, every service, priced line by line.

This is the readable reference; `rating.batch` computes the same numbers with numpy for many parcels at once
and is tested to agree with this module to the fen. Pure Python, no Django.

Rules, in the order they are applied:

* **Card.** For each service, the first adcode of `parcel.origin` (most specific first) that has a card in
  `inputs.cards[(service.key, adcode)]` — a city card wins over its province's card.
* **Weight.** volumetric = ceil(L×W×H×1000 / divisor) grams when all three sides are > 0, else 0;
  raw = max(actual, volumetric); the basis is "volumetric" only when it is strictly heavier. The first band of
  `service.rounding` with `up_to_g` None or raw < up_to_g gives the step; billable = raw rounded up to a
  multiple of the step (SF: 0.5 kg below 100 kg, then whole kg).
* **Eligibility**, first failure wins: overweight (raw > max weight), oversize (longest side > max side),
  declared_value_too_high, no_rate_from_origin (no card on the origin chain), no_rate_for_lane (the card's
  list or cost side has no lane for the destination province). Refused quotes are zero-priced but still show
  the weights so the merchant can see why.
* **Price**, for each side of the card (list → total and breakdown, cost → cost): first-weight price; additional
  grams × price per kg ÷ 1000 rounded half-up to the fen; fuel = freight (first + additional) × bp ÷ 10000
  half-up; remote surcharge when the destination province is remote; a top-up to the minimum charge of
  freight + fuel + remote; insurance = max(minimum, declared × bp ÷ 10000 half-up) when a value is declared.
  The breakdown lists first_weight always and the other lines only when non-zero; they sum to the total.
* **Flags**, among eligible quotes, each on exactly one quote (a quote may carry several):
  ``cheapest`` — lowest (total, transit days, carrier, service);
  ``fastest`` — lowest (transit days, total, carrier, service);
  ``recommended`` — the cheapest, by the same order as ``cheapest``, among the services at most one day slower
  than the fastest one (transit days ≤ fastest + 1). Unknown transit days sort after every known value and
  are never within a day of a known fastest; when no eligible service knows its transit time, recommended
  is simply the cheapest.
* **Order**: eligible quotes by (total, transit days, carrier, service), then refused ones by
  (carrier, service).
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from parcelhub.rating.types import (
    LaneTariff,
    Parcel,
    PriceLine,
    Quote,
    RateCard,
    RatingInputs,
    ServiceSpec,
    Tariff,
    WeightBand,
)

# Reason codes in the order the checks run; rating.batch stores their index + 1 (0 = eligible).
REASONS: tuple[str, ...] = (
    "overweight",
    "oversize",
    "declared_value_too_high",
    "no_rate_from_origin",
    "no_rate_for_lane",
)
# Breakdown line codes in display order; rating.batch keeps amounts in this order along its last axis.
LINE_CODES: tuple[str, ...] = (
    "first_weight",
    "additional_weight",
    "fuel_surcharge",
    "remote_surcharge",
    "minimum_charge",
    "insurance",
)
FLAGS: tuple[str, ...] = ("cheapest", "fastest", "recommended")


def volumetric_weight_g(parcel: Parcel, divisor: int) -> int:
    """Grams by volume, rounded up; 0 when any side is unknown (0) so a missing size never bills."""
    if parcel.length_cm <= 0 or parcel.width_cm <= 0 or parcel.height_cm <= 0:
        return 0
    volume = parcel.length_cm * parcel.width_cm * parcel.height_cm
    return -(-(volume * 1000) // divisor)


def rounding_step_g(raw_g: int, bands: tuple[WeightBand, ...]) -> int:
    for band in bands:
        if band.up_to_g is None or raw_g < band.up_to_g:
            return band.step_g
    # A card whose last band is closed is a data error, not a weight to guess at.
    raise ValueError("weight bands must end with an open band (up_to_g=None)")


def billable_weight_g(raw_g: int, bands: tuple[WeightBand, ...]) -> int:
    step = rounding_step_g(raw_g, bands)
    return -(-raw_g // step) * step


def find_card(parcel: Parcel, service: ServiceSpec, inputs: RatingInputs) -> RateCard | None:
    for adcode in parcel.origin:
        card = inputs.cards.get((service.key, adcode))
        if card is not None:
            return card
    return None


def half_up_div(numerator: int, divisor: int) -> int:
    """Integer division rounded half up, for non-negative numerators."""
    return (numerator + divisor // 2) // divisor


def price_lines(
    *, billable_g: int, declared_fen: int, lane: LaneTariff, tariff: Tariff, remote: bool
) -> tuple[int, int, int, int, int, int]:
    """Amounts in LINE_CODES order for one side of a card."""
    first = lane.first_price_fen
    extra_g = max(0, billable_g - lane.first_weight_g)
    additional = half_up_div(extra_g * lane.additional_per_kg_fen, 1000)
    freight = first + additional
    fuel = half_up_div(freight * tariff.fuel_surcharge_bp, 10000)
    remote_fen = tariff.remote_surcharge_fen if remote else 0
    minimum = max(0, tariff.minimum_charge_fen - (freight + fuel + remote_fen))
    insurance = 0
    if declared_fen != 0:
        insurance = max(tariff.insurance_min_fen, half_up_div(declared_fen * tariff.insurance_rate_bp, 10000))
    return (first, additional, fuel, remote_fen, minimum, insurance)


def refusal_reason(parcel: Parcel, service: ServiceSpec, raw_g: int) -> str | None:
    """The first limit of the service the parcel breaks, before any card is looked at."""
    if raw_g > service.max_weight_g:
        return "overweight"
    longest = max(parcel.length_cm, parcel.width_cm, parcel.height_cm)
    if service.max_side_cm is not None and longest > service.max_side_cm:
        return "oversize"
    limit = service.max_declared_value_fen
    if limit is not None and parcel.declared_value_fen > limit:
        return "declared_value_too_high"
    return None


class _Weights(NamedTuple):
    billable_g: int
    basis: str
    volumetric_g: int


def quote_service(parcel: Parcel, service: ServiceSpec, inputs: RatingInputs) -> Quote:
    """Price one parcel on one service; the quote carries no flags (see `quote_all`)."""
    volumetric = volumetric_weight_g(parcel, service.volumetric_divisor)
    raw = max(parcel.weight_g, volumetric)
    weights = _Weights(billable_weight_g(raw, service.rounding),
                       "volumetric" if volumetric > parcel.weight_g else "actual", volumetric)
    reason = refusal_reason(parcel, service, raw)
    if reason is not None:
        return _refused(service, weights, reason)
    card = find_card(parcel, service, inputs)
    if card is None:
        return _refused(service, weights, "no_rate_from_origin")
    dest = parcel.destination_province
    list_lane, cost_lane = card.list.lanes.get(dest), card.cost.lanes.get(dest)
    if list_lane is None or cost_lane is None:
        return _refused(service, weights, "no_rate_for_lane")
    remote = dest in inputs.remote_provinces
    amounts = price_lines(billable_g=weights.billable_g, declared_fen=parcel.declared_value_fen,
                          lane=list_lane, tariff=card.list, remote=remote)
    costs = price_lines(billable_g=weights.billable_g, declared_fen=parcel.declared_value_fen,
                        lane=cost_lane, tariff=card.cost, remote=remote)
    breakdown = tuple(
        PriceLine(code, amount)
        for index, (code, amount) in enumerate(zip(LINE_CODES, amounts, strict=True))
        if index == 0 or amount != 0
    )
    return Quote(
        carrier=service.carrier, service=service.service, service_name=service.name, eligible=True,
        reason=None, billable_weight_g=weights.billable_g, weight_basis=weights.basis,
        volumetric_weight_g=weights.volumetric_g, total_fen=sum(amounts), cost_fen=sum(costs),
        breakdown=breakdown, transit_days=card.transit_days.get(dest),
    )


def _refused(service: ServiceSpec, weights: _Weights, reason: str) -> Quote:
    # Zero-priced, but the weights stay so the merchant can see what was measured.
    return Quote(
        carrier=service.carrier, service=service.service, service_name=service.name, eligible=False,
        reason=reason, billable_weight_g=weights.billable_g, weight_basis=weights.basis,
        volumetric_weight_g=weights.volumetric_g, total_fen=0, cost_fen=0, breakdown=(), transit_days=None,
    )


def _days_key(quote: Quote) -> tuple[bool, int]:
    # Unknown transit time sorts after every known one.
    return (quote.transit_days is None, quote.transit_days or 0)


def _cheapest_key(quote: Quote) -> tuple[int, tuple[bool, int], str, str]:
    return (quote.total_fen, _days_key(quote), quote.carrier, quote.service)


def _fastest_key(quote: Quote) -> tuple[tuple[bool, int], int, str, str]:
    return (_days_key(quote), quote.total_fen, quote.carrier, quote.service)


def _within_a_day(quote: Quote, fastest: Quote) -> bool:
    if fastest.transit_days is None:
        return True  # nobody knows; every eligible service is "as fast as" the fastest
    return quote.transit_days is not None and quote.transit_days <= fastest.transit_days + 1


def flag_and_sort(quotes: list[Quote]) -> list[Quote]:
    """Give cheapest / fastest / recommended to one eligible quote each and put the list in display order."""
    eligible = sorted((q for q in quotes if q.eligible), key=_cheapest_key)
    refused = sorted((q for q in quotes if not q.eligible), key=lambda q: (q.carrier, q.service))
    if not eligible:
        return refused
    fastest = min(eligible, key=_fastest_key)
    recommended = next(q for q in eligible if _within_a_day(q, fastest))
    flagged: list[Quote] = []
    for quote in eligible:
        marks = (quote is eligible[0], quote is fastest, quote is recommended)
        flags = tuple(flag for flag, mark in zip(FLAGS, marks, strict=True) if mark)
        flagged.append(replace(quote, flags=flags) if flags else quote)
    return flagged + refused


def quote_all(parcel: Parcel, inputs: RatingInputs) -> list[Quote]:
    """Every service of `inputs` for one parcel, flagged and in display order."""
    return flag_and_sort([quote_service(parcel, service, inputs) for service in inputs.services])
