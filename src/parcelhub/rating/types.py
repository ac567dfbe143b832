"""The rating engine's inputs and outputs: plain frozen dataclasses, no Django.

Units: money in integer fen, weights in integer grams, dimensions in integer centimetres, percentages and
rates in integer basis points (1 bp = 0.01 %), regions as 6-digit adcodes (provinces end in "0000").
Everything is an integer so the scalar and the vectorised paths agree to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class WeightBand:
    """Below `up_to_g` (exclusive; None = no upper end) the billable weight rounds up to a multiple of `step_g`."""

    up_to_g: int | None
    step_g: int


@dataclass(frozen=True)
class ServiceSpec:
    carrier: str            # carrier code, e.g. "sf"
    service: str            # service code, unique within the carrier, e.g. "standard"
    name: str               # display name, e.g. "顺丰标快"
    max_weight_g: int       # heavier parcels (actual or volumetric) are refused
    volumetric_divisor: int  # 6000 / 8000 / 12000: volumetric kg = L×W×H(cm) ÷ divisor
    rounding: tuple[WeightBand, ...]  # ordered by up_to_g, the last one open-ended
    max_side_cm: int | None = None    # longest side allowed, None = no limit
    max_declared_value_fen: int | None = None  # insurance ceiling, None = no limit

    @property
    def key(self) -> str:
        return f"{self.carrier}.{self.service}"


@dataclass(frozen=True)
class LaneTariff:
    """Prices for one destination province on one side of a card (cost or list)."""

    first_weight_g: int
    first_price_fen: int
    additional_per_kg_fen: int  # price of one additional kilogram; steps smaller than a kg pay pro rata


@dataclass(frozen=True)
class Tariff:
    """One side of a rate card: what the carrier charges the platform (cost) or merchants pay (list)."""

    lanes: dict[str, LaneTariff]     # destination province adcode -> prices
    fuel_surcharge_bp: int = 0       # on freight (first + additional weight)
    remote_surcharge_fen: int = 0    # added when the destination province is remote
    insurance_rate_bp: int = 0       # on declared value
    insurance_min_fen: int = 0       # insurance fee is at least this when a value is declared
    minimum_charge_fen: int = 0      # freight + fuel + remote is topped up to this


@dataclass(frozen=True)
class RateCard:
    service_key: str                 # ServiceSpec.key
    origin: str                      # adcode of the origin region (province, city or district)
    cost: Tariff
    list: Tariff
    transit_days: dict[str, int] = field(default_factory=dict)  # destination province adcode -> days


@dataclass(frozen=True)
class Parcel:
    origin: tuple[str, ...]          # origin adcodes from most to least specific, e.g. (district, city, province)
    destination_province: str        # adcode of the destination province
    weight_g: int
    length_cm: int = 0
    width_cm: int = 0
    height_cm: int = 0
    declared_value_fen: int = 0


@dataclass(frozen=True)
class PriceLine:
    code: str        # first_weight | additional_weight | fuel_surcharge | remote_surcharge | insurance | minimum_charge
    amount_fen: int
    # Lines the price pipeline adds (marketing.stacking: tier_discount, coupon, package, guardrail_cap) carry
    # their own words and the public id of what gave them; the card's lines leave both empty.
    label: str = ""
    source_id: str = ""


@dataclass(frozen=True)
class Quote:
    carrier: str
    service: str
    service_name: str
    eligible: bool
    reason: str | None                # machine code when ineligible: overweight | oversize | no_rate_for_lane | ...
    billable_weight_g: int
    weight_basis: str                 # "actual" or "volumetric": which weight was billed
    volumetric_weight_g: int
    total_fen: int
    cost_fen: int
    breakdown: tuple[PriceLine, ...]
    transit_days: int | None
    flags: tuple[str, ...] = ()       # cheapest | fastest | recommended

    @property
    def margin_fen(self) -> int:
        return self.total_fen - self.cost_fen


@dataclass(frozen=True)
class RatingInputs:
    """Everything the engine needs for one day's quotes; built from the database by carriers.selectors."""

    services: tuple[ServiceSpec, ...]
    cards: dict[tuple[str, str], RateCard]  # (service key, origin adcode) -> the card in effect
    remote_provinces: frozenset[str]        # province adcodes that carry the remote surcharge
