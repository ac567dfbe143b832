"""Rating inputs compiled for the batch engine: dense int64 tables and the bounds that keep int64 exact.

`compile_inputs(inputs)` lays every rate card out as tables indexed [field, card row, destination province].
An extra card row stands for "no card on the origin chain" and an extra province column for "a province no
card knows"; both carry zero prices and their reason code, so the batch path needs no masking for missing
data. Compile once per `RatingInputs` and reuse the result for every batch of the day.

Bounds. numpy int64 wraps silently on overflow, so the inputs are bounded and checked (ValueError):
parcels: 0 ≤ weight ≤ 10¹² g, sides ≤ 10⁴ cm, declared value ≤ 10¹¹ fen; services: max weight ≤ 10⁷ g,
steps ≤ 10⁷ g, divisor ≥ 1; tariffs: first weight, first price, price per kg ≤ 10⁷, surcharges, minimum
charge and insurance minimum ≤ 10⁹ fen, rates ≤ 10⁴ bp (100 %), transit days ≤ 10⁶ < 2²⁰ − 1. For every eligible
quote: billable < 2×10⁷ g; extra grams × price per kg < 2×10¹⁴; freight ≤ 2.1×10¹¹, × fuel bp ≤ 2.1×10¹⁵;
declared × rate ≤ 10¹⁵; so a total is at most freight + fuel + max(remote, minimum) + insurance
< 4.1×10¹¹ + 10⁹ + 10¹¹ < 2³⁹. The batch path relies on that to pack (total, transit days) into one int64 sort
key (total × 2²⁰ + days < 2⁵⁹). Volume × 1000 ≤ 10¹⁵. Amounts computed for refused quotes may wrap; they are
replaced before anyone sees them. The API's caps (1,000 kg, 500 cm, 10,000,000 yuan) sit well inside.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from parcelhub.rating.engine import REASONS
from parcelhub.rating.types import RateCard, RatingInputs, ServiceSpec

Int64Array = npt.NDArray[np.int64]

TRANSIT_UNKNOWN: Final = 2**20 - 1  # transit days when unknown or refused; sorts after every real value
TOTAL_BITS: Final = 39              # every eligible total is below 2**TOTAL_BITS (see above)
TRANSIT_BITS: Final = 20            # every transit value, TRANSIT_UNKNOWN included, is below 2**TRANSIT_BITS

MAX_PARCEL_WEIGHT_G: Final = 10**12
MAX_SIDE_CM: Final = 10**4
MAX_DECLARED_VALUE_FEN: Final = 10**11
MAX_SERVICE_WEIGHT_G: Final = 10**7
MAX_STEP_G: Final = 10**7
MAX_LANE_VALUE: Final = 10**7       # first weight (g), first price and price per kg (fen)
MAX_FEE_FEN: Final = 10**9          # remote surcharge, minimum charge, insurance minimum
MAX_RATE_BP: Final = 10**4
MAX_TRANSIT_DAYS: Final = 10**6

_INT64_MAX: Final = int(np.iinfo(np.int64).max)

# Rows of the compiled tables. STATUS holds 0 (priced) or the reason code a route fails with by itself.
STATUS, TRANSIT = 0, 1
SIDE_FIELDS = ("first_weight_g", "first_price_fen", "additional_per_kg_fen", "fuel_surcharge_bp",
               "remote_fen", "minimum_charge_fen", "insurance_rate_bp", "insurance_min_fen")
LIST_SIDE, COST_SIDE = 2, 2 + len(SIDE_FIELDS)
N_FIELDS: Final = 2 + 2 * len(SIDE_FIELDS)
_NO_CARD = REASONS.index("no_rate_from_origin") + 1
_NO_LANE = REASONS.index("no_rate_for_lane") + 1


@dataclass(frozen=True, eq=False)
class PreparedInputs:
    """`RatingInputs` compiled into arrays; services sorted by (carrier, service), so a column index is also
    the final tie-break of every ordering."""

    services: tuple[ServiceSpec, ...]
    card_rows: dict[tuple[str, str], int]  # (service key, origin adcode) -> card row; row len(card_rows) = none
    provinces: dict[str, int]              # destination province -> column; len(provinces) = unknown
    tables: Int64Array                     # [N_FIELDS, cards + 1, provinces + 1]
    divisors: tuple[int, ...]              # [S] volumetric divisor
    bands: tuple[tuple[tuple[int, int], ...], ...]  # [S] (up_to_g or int64 max, step_g), in order
    max_weight_g: Int64Array               # [S]
    max_side_cm: Int64Array                # [S], int64 max when unlimited
    max_declared_value_fen: Int64Array     # [S], int64 max when unlimited


def compile_inputs(inputs: RatingInputs) -> PreparedInputs:
    """Check the bounds and lay the cards out as dense tables; reuse the result for every batch of the day."""
    services = tuple(sorted(inputs.services, key=lambda s: (s.carrier, s.service)))
    keys = [s.key for s in services]
    if len(set(keys)) != len(keys):
        raise ValueError("service keys must be unique")
    for service in services:
        _check_service(service)
    wanted = set(keys)
    cards = {key: card for key, card in inputs.cards.items() if key[0] in wanted}
    card_rows = {key: row for row, key in enumerate(cards)}
    provinces = {code: col for col, code in enumerate(sorted(
        {code for card in cards.values() for code in (*card.list.lanes, *card.cost.lanes)}))}
    tables = np.zeros((N_FIELDS, len(cards) + 1, len(provinces) + 1), dtype=np.int64)
    tables[STATUS] = _NO_LANE
    tables[STATUS, len(cards)] = _NO_CARD
    tables[TRANSIT] = TRANSIT_UNKNOWN
    for row, card in enumerate(cards.values()):
        _fill_card(tables[:, row], card, provinces, inputs.remote_provinces)
    return PreparedInputs(
        services=services, card_rows=card_rows, provinces=provinces, tables=tables,
        divisors=tuple(s.volumetric_divisor for s in services),
        bands=tuple(tuple((_INT64_MAX if b.up_to_g is None else b.up_to_g, b.step_g) for b in s.rounding)
                    for s in services),
        max_weight_g=_int64([s.max_weight_g for s in services]),
        max_side_cm=_int64([_INT64_MAX if s.max_side_cm is None else s.max_side_cm for s in services]),
        max_declared_value_fen=_int64([_INT64_MAX if s.max_declared_value_fen is None
                                       else s.max_declared_value_fen for s in services]),
    )


def _int64(values: list[int]) -> Int64Array:
    return np.array(values, dtype=np.int64).reshape(len(values))


def _check(value: int, low: int, high: int, what: str) -> None:
    if not low <= value <= high:
        raise ValueError(f"{what} = {value} is outside [{low}, {high}]")


def _check_service(service: ServiceSpec) -> None:
    _check(service.max_weight_g, 0, MAX_SERVICE_WEIGHT_G, f"{service.key} max_weight_g")
    _check(service.volumetric_divisor, 1, _INT64_MAX, f"{service.key} volumetric_divisor")
    if not service.rounding or service.rounding[-1].up_to_g is not None:
        raise ValueError(f"{service.key}: weight bands must end with an open band (up_to_g=None)")
    for band in service.rounding:
        _check(band.step_g, 1, MAX_STEP_G, f"{service.key} step_g")
    if service.max_side_cm is not None:
        _check(service.max_side_cm, 0, _INT64_MAX, f"{service.key} max_side_cm")
    if service.max_declared_value_fen is not None:
        _check(service.max_declared_value_fen, 0, _INT64_MAX, f"{service.key} max_declared_value_fen")


def _fill_card(column: Int64Array, card: RateCard, provinces: dict[str, int], remote: frozenset[str]) -> None:
    """Write one card into `column` [field, province]; provinces priced on only one side stay unpriced."""
    for code in card.list.lanes.keys() & card.cost.lanes.keys():
        col = provinces[code]
        column[STATUS, col] = 0
        days = card.transit_days.get(code)
        if days is not None:
            _check(days, 0, MAX_TRANSIT_DAYS, f"{card.service_key}@{card.origin} transit_days")
            column[TRANSIT, col] = days
        for offset, tariff in ((LIST_SIDE, card.list), (COST_SIDE, card.cost)):
            lane = tariff.lanes[code]
            values = (
                lane.first_weight_g, lane.first_price_fen, lane.additional_per_kg_fen, tariff.fuel_surcharge_bp,
                tariff.remote_surcharge_fen if code in remote else 0, tariff.minimum_charge_fen,
                tariff.insurance_rate_bp, tariff.insurance_min_fen,
            )
            limits = (MAX_LANE_VALUE,) * 3 + (MAX_RATE_BP, MAX_FEE_FEN, MAX_FEE_FEN, MAX_RATE_BP, MAX_FEE_FEN)
            for index, (value, limit) in enumerate(zip(values, limits, strict=True)):
                _check(value, 0, limit, f"{card.service_key}@{card.origin} {SIDE_FIELDS[index]}")
                column[offset + index, col] = value
