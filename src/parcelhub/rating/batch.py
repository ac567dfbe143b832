"""The vectorised rating engine: many parcels × every service at once, with numpy.

Same rules and the same integer arithmetic as `rating.engine` (the readable reference; its docstring states
the rules, including how cheapest / fastest / recommended are chosen); tests check the two agree exactly.

Shape of the work:

1. `compile_inputs(inputs)` turns the day's cards into dense int64 tables indexed
   [field, card row, destination province] (an extra card row stands for "no card", an extra province column
   for "a province no card knows"), so missing data needs no masking later. Do it once per `RatingInputs`.
2. `quote_arrays(parcels, prepared)` resolves each distinct origin chain to a card row per service (a dict
   over the chains, not a loop over parcels), builds per-route tables [field, service, origin chain ×
   destination] and gathers them for every parcel in one `take`. Everything else is whole-array integer
   arithmetic laid out [service, parcel] so per-service parameters broadcast along contiguous rows.
3. `quotes_from_batch` / `quote_many` turn the arrays back into `Quote` objects only when a caller needs them.

Bounds. numpy int64 wraps silently on overflow, so the inputs are bounded and checked (ValueError):
parcels: 0 ≤ weight ≤ 10¹² g, sides ≤ 10⁴ cm, declared value ≤ 10¹² fen; services: max weight ≤ 10⁸ g,
steps ≤ 10⁸ g, divisor ≥ 1; tariffs: first weight, first price, price per kg ≤ 10⁸, surcharges, minimum
charge and insurance minimum ≤ 10⁹ fen, rates ≤ 10⁵ bp, transit days ≤ 10⁶. Then for every eligible quote
billable < 2×10⁸ g, extra grams × price per kg < 2×10¹⁶, freight × fuel bp < 2.1×10¹⁸ and declared × rate
≤ 10¹⁷, all below 2⁶³ ≈ 9.2×10¹⁸; volume × 1000 ≤ 10¹⁵. Amounts computed for refused quotes may wrap, but
they are zeroed before anyone sees them. The API's caps (1,000 kg, 500 cm, 10,000,000 yuan) sit well inside.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from parcelhub.rating.engine import FLAGS, LINE_CODES, REASONS
from parcelhub.rating.types import Parcel, PriceLine, Quote, RateCard, RatingInputs, ServiceSpec

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

TRANSIT_UNKNOWN: Final = 2**31 - 1  # transit days when unknown or refused; sorts after every real value
NO_SERVICE: Final = -1              # in cheapest / fastest / recommended when nothing is eligible

MAX_PARCEL_WEIGHT_G: Final = 10**12
MAX_SIDE_CM: Final = 10**4
MAX_DECLARED_VALUE_FEN: Final = 10**12
MAX_SERVICE_WEIGHT_G: Final = 10**8
MAX_STEP_G: Final = 10**8
MAX_LANE_VALUE: Final = 10**8       # first weight (g), first price and price per kg (fen)
MAX_FEE_FEN: Final = 10**9          # remote surcharge, minimum charge, insurance minimum
MAX_RATE_BP: Final = 10**5
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
class ParcelColumns:
    """Parcels as columns. Origin chains and destinations are stored once each and referred to by index,
    so a batch of 10,000 parcels from three warehouses resolves three chains, not 10,000."""

    origins: tuple[tuple[str, ...], ...]  # distinct origin chains, most specific adcode first
    origin_index: Int64Array              # [n] index into origins
    destinations: tuple[str, ...]         # distinct destination province adcodes
    destination_index: Int64Array         # [n] index into destinations
    weight_g: Int64Array                  # [n]
    length_cm: Int64Array                 # [n]
    width_cm: Int64Array                  # [n]
    height_cm: Int64Array                 # [n]
    declared_value_fen: Int64Array        # [n]

    def __len__(self) -> int:
        return int(self.weight_g.shape[0])

    @classmethod
    def from_parcels(cls, parcels: Sequence[Parcel]) -> ParcelColumns:
        chains: dict[tuple[str, ...], int] = {}
        dests: dict[str, int] = {}
        origin_index = [chains.setdefault(p.origin, len(chains)) for p in parcels]
        destination_index = [dests.setdefault(p.destination_province, len(dests)) for p in parcels]

        def column(values: list[int]) -> Int64Array:
            return np.array(values, dtype=np.int64).reshape(len(parcels))

        return cls(
            origins=tuple(chains), origin_index=column(origin_index),
            destinations=tuple(dests), destination_index=column(destination_index),
            weight_g=column([p.weight_g for p in parcels]),
            length_cm=column([p.length_cm for p in parcels]),
            width_cm=column([p.width_cm for p in parcels]),
            height_cm=column([p.height_cm for p in parcels]),
            declared_value_fen=column([p.declared_value_fen for p in parcels]),
        )

    def parcel(self, i: int) -> Parcel:
        return Parcel(
            origin=self.origins[int(self.origin_index[i])],
            destination_province=self.destinations[int(self.destination_index[i])],
            weight_g=int(self.weight_g[i]), length_cm=int(self.length_cm[i]), width_cm=int(self.width_cm[i]),
            height_cm=int(self.height_cm[i]), declared_value_fen=int(self.declared_value_fen[i]),
        )


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


@dataclass(frozen=True, eq=False)
class BatchResult:
    """Every quote of a batch as arrays, [parcel, service] with services in `services` order.

    Arrays may be transposed views of service-major buffers; index them, don't rely on their strides.
    Refused quotes have zero amounts and TRANSIT_UNKNOWN transit days."""

    services: tuple[ServiceSpec, ...]
    eligible: BoolArray            # [n, s]
    reason: Int64Array             # [n, s] 0 when eligible, else index into engine.REASONS + 1
    billable_weight_g: Int64Array  # [n, s]
    volumetric_weight_g: Int64Array  # [n, s]
    volumetric_basis: BoolArray    # [n, s] True when the volumetric weight was billed
    lines: Int64Array              # [n, s, 6] list-side amounts in engine.LINE_CODES order
    total_fen: Int64Array          # [n, s]
    cost_fen: Int64Array           # [n, s]
    transit_days: Int64Array       # [n, s]
    order: Int64Array              # [n, s] display order: order[i, k] is the service shown k-th
    cheapest: Int64Array           # [n] service index or NO_SERVICE
    fastest: Int64Array            # [n]
    recommended: Int64Array        # [n]

    def __len__(self) -> int:
        return int(self.eligible.shape[0])


# ---------------------------------------------------------------------------------------------- compiling


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


# ---------------------------------------------------------------------------------------------- quoting


def quote_arrays(parcels: Sequence[Parcel] | ParcelColumns, prepared: PreparedInputs) -> BatchResult:
    """Quote every parcel on every service; arrays only, no Quote objects."""
    cols = parcels if isinstance(parcels, ParcelColumns) else ParcelColumns.from_parcels(parcels)
    _check_parcels(cols)
    gathered = _gather_routes(cols, prepared)                    # [F, S, n]
    volumetric, raw, billable = _weights(cols, prepared)          # [S, n] each
    basis = volumetric > cols.weight_g
    reason = _reasons(cols, prepared, gathered[STATUS], raw)
    eligible = reason == 0
    lines = np.empty((len(LINE_CODES), *billable.shape), dtype=np.int64)
    cost = _price_side(gathered[COST_SIDE:], billable, cols.declared_value_fen, None)
    total = _price_side(gathered[LIST_SIDE:COST_SIDE], billable, cols.declared_value_fen, lines)
    transit = gathered[TRANSIT]
    # Routes without a card or lane already priced at zero; only limits broken by the parcel remain.
    s_refused, i_refused = np.nonzero(reason != gathered[STATUS])
    for array in (total, cost, *lines):
        array[s_refused, i_refused] = 0
    transit[s_refused, i_refused] = TRANSIT_UNKNOWN
    order, cheapest, fastest, recommended = _rank(eligible, total, transit)
    return BatchResult(
        services=prepared.services, eligible=eligible.T, reason=reason.T, billable_weight_g=billable.T,
        volumetric_weight_g=volumetric.T, volumetric_basis=basis.T, lines=lines.transpose(2, 1, 0),
        total_fen=total.T, cost_fen=cost.T, transit_days=transit.T, order=order.T,
        cheapest=cheapest, fastest=fastest, recommended=recommended,
    )


def _check_parcels(cols: ParcelColumns) -> None:
    n = len(cols)
    bounds = {"weight_g": MAX_PARCEL_WEIGHT_G, "length_cm": MAX_SIDE_CM, "width_cm": MAX_SIDE_CM,
              "height_cm": MAX_SIDE_CM, "declared_value_fen": MAX_DECLARED_VALUE_FEN,
              "origin_index": len(cols.origins) - 1, "destination_index": len(cols.destinations) - 1}
    for name, high in bounds.items():
        column: Int64Array = getattr(cols, name)
        if column.shape != (n,) or column.dtype != np.int64:
            raise ValueError(f"{name} must be an int64 array of shape ({n},)")
        if n and (int(column.min()) < 0 or int(column.max()) > high):
            raise ValueError(f"{name} must lie in [0, {high}]")


def _gather_routes(cols: ParcelColumns, prepared: PreparedInputs) -> Int64Array:
    """Table values for each parcel × service: [field, service, parcel].

    A route is (origin chain, destination); there are few of them, so the per-route tables are tiny and one
    `take` over the route index does all the per-parcel lookups."""
    unknown = len(prepared.provinces)
    dest_cols = np.array([prepared.provinces.get(code, unknown) for code in cols.destinations], dtype=np.int64)
    chain_rows = _chain_card_rows(cols.origins, prepared)          # [K, S]
    routes = prepared.tables[:, chain_rows.T[:, :, None], dest_cols[None, None, :]]  # [F, S, K, D]
    routes = routes.reshape(N_FIELDS, len(prepared.services), len(cols.origins) * len(cols.destinations))
    route_index = cols.origin_index * len(cols.destinations) + cols.destination_index
    gathered: Int64Array = np.take(routes, route_index, axis=2)
    return gathered


def _chain_card_rows(origins: tuple[tuple[str, ...], ...], prepared: PreparedInputs) -> Int64Array:
    """Card row per (origin chain, service): the first adcode of the chain that has a card."""
    none = len(prepared.card_rows)
    rows = np.full((len(origins), len(prepared.services)), none, dtype=np.int64)
    for k, chain in enumerate(origins):
        for s, service in enumerate(prepared.services):
            found = (prepared.card_rows.get((service.key, adcode)) for adcode in chain)
            rows[k, s] = next((row for row in found if row is not None), none)
    return rows


def _weights(cols: ParcelColumns, prepared: PreparedInputs) -> tuple[Int64Array, Int64Array, Int64Array]:
    """(volumetric, raw, billable) grams, [service, parcel]. Sides are ≥ 0, so a zero side zeroes the volume."""
    neg_volume = cols.length_cm * cols.width_cm
    neg_volume *= cols.height_cm
    neg_volume *= -1000
    n_services = len(prepared.services)
    volumetric = np.empty((n_services, len(cols)), dtype=np.int64)
    first_with: dict[int, int] = {}
    for s, divisor in enumerate(prepared.divisors):
        if divisor in first_with:  # services sharing a divisor share the division
            volumetric[s] = volumetric[first_with[divisor]]
            continue
        first_with[divisor] = s
        np.floor_divide(neg_volume, divisor, out=volumetric[s])  # scalar divisor: numpy uses libdivide
        np.negative(volumetric[s], out=volumetric[s])
    raw = np.maximum(volumetric, cols.weight_g)
    billable = np.empty_like(raw)
    for s, bands in enumerate(prepared.bands):
        billable[s] = _round_up(raw[s], bands)
    return volumetric, raw, billable


def _round_up(raw: Int64Array, bands: tuple[tuple[int, int], ...]) -> Int64Array:
    """Raw grams rounded up to the step of the first band they fall below (the last band is open)."""
    neg_raw = -raw
    result: Int64Array = (neg_raw // bands[-1][1]) * -bands[-1][1]
    for up_to, step in reversed(bands[:-1]):
        result = np.where(raw < up_to, (neg_raw // step) * -step, result)
    return result


def _reasons(cols: ParcelColumns, prepared: PreparedInputs, status: Int64Array, raw: Int64Array) -> Int64Array:
    """Reason codes [service, parcel]; later assignments win, so the checks run from last to first."""
    reason: Int64Array = np.where(
        cols.declared_value_fen > prepared.max_declared_value_fen[:, None],
        REASONS.index("declared_value_too_high") + 1, status)
    longest = np.maximum(np.maximum(cols.length_cm, cols.width_cm), cols.height_cm)
    reason = np.where(longest > prepared.max_side_cm[:, None], REASONS.index("oversize") + 1, reason)
    reason = np.where(raw > prepared.max_weight_g[:, None], REASONS.index("overweight") + 1, reason)
    return reason


def _price_side(fields: Int64Array, billable: Int64Array, declared: Int64Array,
                lines: Int64Array | None) -> Int64Array:
    """One side of the card for all parcel × service pairs; fills `lines` (LINE_CODES order) when given and
    returns the total. In-place operations keep large temporaries to a minimum."""
    first_weight, first_price, per_kg, fuel_bp, remote, minimum, insurance_bp, insurance_min = fields[:8]
    additional = np.subtract(billable, first_weight)
    np.maximum(additional, 0, out=additional)
    additional *= per_kg
    additional += 500
    additional //= 1000
    freight = first_price + additional
    fuel = freight * fuel_bp
    fuel += 5000
    fuel //= 10000
    subtotal = freight + fuel
    subtotal += remote
    top_up = np.subtract(minimum, subtotal)
    np.maximum(top_up, 0, out=top_up)
    insurance = _insurance(declared, insurance_bp, insurance_min)
    total: Int64Array = subtotal
    total += top_up
    total += insurance
    if lines is not None:
        for index, amount in enumerate((first_price, additional, fuel, remote, top_up, insurance)):
            lines[index] = amount
    return total


def _insurance(declared: Int64Array, rate_bp: Int64Array, minimum: Int64Array) -> Int64Array:
    """Insurance [service, parcel]; computed only for the parcels that declare a value (usually few)."""
    insurance = np.zeros(rate_bp.shape, dtype=np.int64)
    declaring = np.flatnonzero(declared)
    if declaring.size:
        fee = declared[declaring] * rate_bp[:, declaring]
        fee += 5000
        fee //= 10000
        insurance[:, declaring] = np.maximum(fee, minimum[:, declaring])
    return insurance


def _rank(eligible: BoolArray, total: Int64Array,
          transit: Int64Array) -> tuple[Int64Array, Int64Array, Int64Array, Int64Array]:
    """Display order [service position, parcel] and the flagged service of each parcel (see rating.engine).

    Columns are in (carrier, service) order and the sorts are stable, so ties fall back to that order."""
    n_services, n_parcels = total.shape
    if n_services == 0:
        nobody = np.full(n_parcels, NO_SERVICE, dtype=np.int64)
        return np.zeros((0, n_parcels), dtype=np.int64), nobody, nobody.copy(), nobody.copy()
    anyone = eligible.any(axis=0)
    sort_total = np.where(eligible, total, _INT64_MAX)  # refused quotes last; their transit is the sentinel
    order: Int64Array = np.lexsort((transit, sort_total), axis=0)
    parcels = np.arange(n_parcels)
    cheapest = np.where(anyone, order[0], NO_SERVICE)
    # Refused quotes carry TRANSIT_UNKNOWN, so the plain minimum is the fastest eligible (or unknown).
    fastest_days = transit.min(axis=0, initial=TRANSIT_UNKNOWN)
    at_fastest = eligible & (transit == fastest_days)
    fastest_total = np.where(at_fastest, total, _INT64_MAX)
    at_fastest &= fastest_total == fastest_total.min(axis=0, initial=_INT64_MAX)
    fastest = np.where(anyone, np.argmax(at_fastest, axis=0), NO_SERVICE)
    within_a_day = eligible & (transit <= fastest_days + 1)
    first_within = np.argmax(np.take_along_axis(within_a_day, order, axis=0), axis=0)
    recommended = np.where(anyone, order[first_within, parcels], NO_SERVICE)
    return order, cheapest, fastest, recommended


# ---------------------------------------------------------------------------------------------- Quote objects


def quotes_from_batch(result: BatchResult, i: int) -> list[Quote]:
    """Parcel `i`'s quotes, flagged and in display order: equal to `engine.quote_all` for that parcel."""
    return _Materialiser(result).quotes(i, i + 1)[0]


def materialise(result: BatchResult, chunk: int = 4096) -> list[list[Quote]]:
    """Quote objects for every parcel of the batch (converting arrays chunk by chunk)."""
    materialiser = _Materialiser(result)
    out: list[list[Quote]] = []
    with _collector_paused():
        for start in range(0, len(result), chunk):
            out.extend(materialiser.quotes(start, min(start + chunk, len(result))))
    return out


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic objects.

    Every few hundred allocations the collector would re-walk the growing list of quotes; for a million
    quotes that was ~40 % of the time. Quotes, tuples and lists built here hold no cycles, so nothing is lost."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def quote_many(parcels: Sequence[Parcel] | ParcelColumns, inputs: RatingInputs) -> list[list[Quote]]:
    """`[engine.quote_all(p, inputs) for p in parcels]`, computed as one batch."""
    return materialise(quote_arrays(parcels, compile_inputs(inputs)))


class _Materialiser:
    """Builds Quote objects from plain Python lists (one `tolist` per array and chunk, not per element).

    Quotes are immutable, so equal breakdowns and flag tuples are shared between them."""

    def __init__(self, result: BatchResult) -> None:
        self.result = result
        self.breakdowns: dict[tuple[int, ...], tuple[PriceLine, ...]] = {}
        self.flag_sets = [tuple(f for bit, f in enumerate(FLAGS) if mask >> bit & 1) for mask in range(8)]

    def quotes(self, start: int, stop: int) -> list[list[Quote]]:
        r = self.result
        rows = slice(start, stop)
        columns = zip(
            r.order[rows].tolist(), r.reason[rows].tolist(), r.billable_weight_g[rows].tolist(),
            r.volumetric_weight_g[rows].tolist(), r.volumetric_basis[rows].tolist(), r.lines[rows].tolist(),
            r.total_fen[rows].tolist(), r.cost_fen[rows].tolist(), r.transit_days[rows].tolist(),
            r.cheapest[rows].tolist(), r.fastest[rows].tolist(), r.recommended[rows].tolist(), strict=True,
        )
        return [self._parcel(*row) for row in columns]

    def _parcel(self, order: list[int], reason: list[int], billable: list[int], volumetric: list[int],
                basis: list[bool], lines: list[list[int]], total: list[int], cost: list[int],
                transit: list[int], cheapest: int, fastest: int, recommended: int) -> list[Quote]:
        quotes = []
        for s in order:
            service = self.result.services[s]
            code = reason[s]
            if code:
                quotes.append(Quote(
                    carrier=service.carrier, service=service.service, service_name=service.name,
                    eligible=False, reason=REASONS[code - 1], billable_weight_g=billable[s],
                    weight_basis="volumetric" if basis[s] else "actual", volumetric_weight_g=volumetric[s],
                    total_fen=0, cost_fen=0, breakdown=(), transit_days=None,
                ))
                continue
            mask = (s == cheapest) | (s == fastest) << 1 | (s == recommended) << 2
            quotes.append(Quote(
                carrier=service.carrier, service=service.service, service_name=service.name,
                eligible=True, reason=None, billable_weight_g=billable[s],
                weight_basis="volumetric" if basis[s] else "actual", volumetric_weight_g=volumetric[s],
                total_fen=total[s], cost_fen=cost[s], breakdown=self._breakdown(lines[s]),
                transit_days=None if transit[s] == TRANSIT_UNKNOWN else transit[s],
                flags=self.flag_sets[mask],
            ))
        return quotes

    def _breakdown(self, amounts: list[int]) -> tuple[PriceLine, ...]:
        key = tuple(amounts)
        lines = self.breakdowns.get(key)
        if lines is None:
            lines = self.breakdowns[key] = tuple(
                PriceLine(code, amount) for index, (code, amount) in enumerate(zip(LINE_CODES, key, strict=True))
                if index == 0 or amount != 0)
        return lines
