"""The vectorised rating engine: many parcels × every service at once, with numpy.

Same rules and the same integer arithmetic as `rating.engine` (the readable reference; its docstring states
the rules, including how cheapest / fastest / recommended are chosen); tests check the two agree exactly.
Input bounds that keep int64 arithmetic exact are stated and checked in `rating.prepared`.

Shape of the work:

1. `compile_inputs(inputs)` (rating.prepared) lays the day's cards out as dense tables
   [field, card row, destination province]. Do it once per `RatingInputs`.
2. `quote_arrays(parcels, prepared)` resolves each distinct origin chain to a card row per service (a dict
   over the few chains, never a loop over parcels) and builds tiny per-route tables [field, service, origin
   chain × destination]; every parcel then needs one `take` per field. The arithmetic is whole-array int64,
   laid out [service, parcel] so per-service parameters broadcast along contiguous rows, and runs over
   chunks of a few thousand parcels: the temporaries then stay in cache and their memory is reused instead
   of being faulted in afresh for every operation (which cost more than the arithmetic itself).
3. `quotes_from_batch` / `materialise` / `quote_many` turn arrays into `Quote` objects only when needed.
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
from parcelhub.rating.prepared import (
    COST_SIDE,
    LIST_SIDE,
    MAX_DECLARED_VALUE_FEN,
    MAX_PARCEL_WEIGHT_G,
    MAX_SIDE_CM,
    STATUS,
    TOTAL_BITS,
    TRANSIT,
    TRANSIT_BITS,
    TRANSIT_UNKNOWN,
    PreparedInputs,
    compile_inputs,
)
from parcelhub.rating.types import Parcel, PriceLine, Quote, RatingInputs, ServiceSpec

__all__ = [
    "NO_SERVICE", "TRANSIT_UNKNOWN", "BatchResult", "ParcelColumns", "PreparedInputs", "compile_inputs",
    "materialise", "quote_arrays", "quote_many", "quotes_from_batch",
]

Int64Array = npt.NDArray[np.int64]
Int8Array = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]

NO_SERVICE: Final = -1  # in cheapest / fastest / recommended when nothing is eligible
CHUNK: Final = 4096     # parcels per pass: [services × CHUNK] int64 temporaries stay within the CPU caches
_INT64_MAX: Final = int(np.iinfo(np.int64).max)
# Offsets of a side's fields after LIST_SIDE / COST_SIDE (see prepared.SIDE_FIELDS).
_FIRST_WEIGHT, _FIRST_PRICE, _PER_KG, _FUEL_BP, _REMOTE, _MINIMUM, _INSURANCE_BP, _INSURANCE_MIN = range(8)


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
            try:
                return np.array(values, dtype=np.int64).reshape(len(parcels))
            except OverflowError as exc:  # beyond int64; the bounds check would refuse it anyway
                raise ValueError(f"a parcel value does not fit in int64: {exc}") from exc

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
class BatchResult:
    """Every quote of a batch as arrays, [parcel, service] with services in `services` order.

    Arrays may be transposed views of service-major buffers; index them, don't rely on their strides.
    Refused quotes have zero amounts and TRANSIT_UNKNOWN transit days."""

    services: tuple[ServiceSpec, ...]
    eligible: BoolArray            # [n, s]
    reason: npt.NDArray[np.int8]   # [n, s] 0 when eligible, else index into engine.REASONS + 1
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


# ---------------------------------------------------------------------------------------------- quoting


def quote_arrays(parcels: Sequence[Parcel] | ParcelColumns, prepared: PreparedInputs,
                 chunk: int = CHUNK) -> BatchResult:
    """Quote every parcel on every service; arrays only, no Quote objects."""
    cols = parcels if isinstance(parcels, ParcelColumns) else ParcelColumns.from_parcels(parcels)
    _check_parcels(cols)
    batch = _Batch(cols, prepared)
    for start in range(0, len(cols), chunk):
        batch.quote(slice(start, min(start + chunk, len(cols))))
    return batch.result()


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


def _chain_card_rows(origins: tuple[tuple[str, ...], ...], prepared: PreparedInputs) -> Int64Array:
    """Card row per (origin chain, service): the first adcode of the chain that has a card."""
    none = len(prepared.card_rows)
    rows = np.full((len(origins), len(prepared.services)), none, dtype=np.int64)
    for k, chain in enumerate(origins):
        for s, service in enumerate(prepared.services):
            found = (prepared.card_rows.get((service.key, adcode)) for adcode in chain)
            rows[k, s] = next((row for row in found if row is not None), none)
    return rows


class _Batch:
    """Output buffers [service, parcel] plus the per-route tables, filled one chunk of parcels at a time."""

    def __init__(self, cols: ParcelColumns, prepared: PreparedInputs) -> None:
        self.cols, self.prepared = cols, prepared
        unknown = len(prepared.provinces)
        dest_cols = np.array([prepared.provinces.get(c, unknown) for c in cols.destinations], dtype=np.int64)
        chain_rows = _chain_card_rows(cols.origins, prepared)            # [K, S]
        routes = prepared.tables[:, chain_rows.T[:, :, None], dest_cols[None, None, :]]  # [F, S, K, D]
        n_services, n = len(prepared.services), len(cols)
        n_routes = len(cols.origins) * len(cols.destinations)
        self.routes = np.ascontiguousarray(routes.reshape(*routes.shape[:2], n_routes))  # [F, S, K × D]
        self.status = self.routes[STATUS].astype(np.int8)
        self.route_index = cols.origin_index * len(cols.destinations) + cols.destination_index
        shape = (n_services, n)
        self.reason = np.empty(shape, dtype=np.int8)
        self.billable, self.volumetric = np.empty(shape, dtype=np.int64), np.empty(shape, dtype=np.int64)
        self.basis = np.empty(shape, dtype=np.bool_)
        self.lines = np.empty((len(LINE_CODES), *shape), dtype=np.int64)
        self.total, self.cost = np.empty(shape, dtype=np.int64), np.empty(shape, dtype=np.int64)
        self.transit, self.order = np.empty(shape, dtype=np.int64), np.empty(shape, dtype=np.int64)
        self.flagged = np.empty((3, n), dtype=np.int64)  # cheapest, fastest, recommended

    def result(self) -> BatchResult:
        return BatchResult(
            services=self.prepared.services, eligible=(self.reason == 0).T, reason=self.reason.T,
            billable_weight_g=self.billable.T, volumetric_weight_g=self.volumetric.T,
            volumetric_basis=self.basis.T, lines=self.lines.transpose(2, 1, 0), total_fen=self.total.T,
            cost_fen=self.cost.T, transit_days=self.transit.T, order=self.order.T,
            cheapest=self.flagged[0], fastest=self.flagged[1], recommended=self.flagged[2],
        )

    def take(self, field: int, index: Int64Array) -> Int64Array:
        # Indices are valid by construction (checked parcels, complete route tables), so "clip" skips the
        # bounds check "raise" would make.
        values: Int64Array = np.take(self.routes[field], index, axis=1, mode="clip")
        return values

    def quote(self, rows: slice) -> None:
        index = self.route_index[rows]
        raw = self._weights(rows)
        reason, refused = self._reasons(rows, index, raw)
        billable, declared = self.billable[:, rows], self.cols.declared_value_fen[rows]
        amounts = self._price_side(LIST_SIDE, index, billable, declared)
        total = amounts.pop()
        cost = self._price_side(COST_SIDE, index, billable, declared)[-1]
        transit = self.take(TRANSIT, index)
        if refused is not None:  # routes without card or lane priced at zero already; limits remain
            for array in (total, cost, *amounts):
                array[refused] = 0
            transit[refused] = TRANSIT_UNKNOWN
        for line, amount in zip(self.lines[:, :, rows], amounts, strict=True):
            line[...] = amount
        self.total[:, rows], self.cost[:, rows], self.transit[:, rows] = total, cost, transit
        self.order[:, rows], self.flagged[:, rows] = _rank(reason == 0, total, transit)

    def _weights(self, rows: slice) -> Int64Array:
        """Fill volumetric, basis and billable grams for `rows`; return the raw (unrounded) weight."""
        cols, volumetric = self.cols, self.volumetric[:, rows]
        neg_volume = cols.length_cm[rows] * cols.width_cm[rows]  # sides are ≥ 0: a zero side zeroes it
        neg_volume *= cols.height_cm[rows]
        neg_volume *= -1000
        first_with: dict[int, int] = {}
        for s, divisor in enumerate(self.prepared.divisors):
            if divisor in first_with:  # services sharing a divisor share the division
                volumetric[s] = volumetric[first_with[divisor]]
                continue
            first_with[divisor] = s
            np.floor_divide(neg_volume, divisor, out=volumetric[s])  # scalar divisor: numpy uses libdivide
            np.negative(volumetric[s], out=volumetric[s])
        weight = cols.weight_g[rows]
        np.greater(volumetric, weight, out=self.basis[:, rows])
        raw = np.maximum(volumetric, weight)
        for s, bands in enumerate(self.prepared.bands):
            self.billable[s, rows] = _round_up(raw[s], bands)
        return raw

    def _reasons(self, rows: slice, index: Int64Array,
                 raw: Int64Array) -> tuple[Int8Array, tuple[Int64Array, ...] | None]:
        """Fill reason codes for `rows`; return them and where a service limit refused a priced route."""
        cols, prepared = self.cols, self.prepared
        reason = self.reason[:, rows]
        np.take(self.status, index, axis=1, mode="clip", out=reason)
        longest = np.maximum(np.maximum(cols.length_cm[rows], cols.width_cm[rows]), cols.height_cm[rows])
        # Assigned from the last check to the first, so the first failing check wins.
        limits = (
            ("declared_value_too_high", cols.declared_value_fen[rows], prepared.max_declared_value_fen),
            ("oversize", longest, prepared.max_side_cm),
            ("overweight", raw, prepared.max_weight_g),
        )
        refused: BoolArray | None = None
        for code, value, limit in limits:
            over = value > limit[:, None]
            if over.any():
                np.copyto(reason, np.int8(REASONS.index(code) + 1), where=over)
                refused = over if refused is None else refused | over
        return reason, None if refused is None else np.nonzero(refused)

    def _price_side(self, side: int, index: Int64Array, billable: Int64Array,
                    declared: Int64Array) -> list[Int64Array]:
        """One side of the card: the six amounts in LINE_CODES order, then their total."""
        additional = np.subtract(billable, self.take(side + _FIRST_WEIGHT, index))
        np.maximum(additional, 0, out=additional)
        additional *= self.take(side + _PER_KG, index)
        additional += 500
        additional //= 1000
        first = self.take(side + _FIRST_PRICE, index)
        total = first + additional  # freight, then the running total
        fuel = total * self.take(side + _FUEL_BP, index)
        fuel += 5000
        fuel //= 10000
        total += fuel
        remote = self.take(side + _REMOTE, index)
        total += remote
        top_up = self.take(side + _MINIMUM, index)
        top_up -= total
        np.maximum(top_up, 0, out=top_up)
        total += top_up
        insurance = self._insurance(side, index, declared)
        total += insurance
        return [first, additional, fuel, remote, top_up, insurance, total]

    def _insurance(self, side: int, index: Int64Array, declared: Int64Array) -> Int64Array:
        """Insurance [service, parcel], computed only for the parcels that declare a value (usually few)."""
        insurance = np.zeros((self.routes.shape[1], index.shape[0]), dtype=np.int64)
        declaring = np.flatnonzero(declared)
        if declaring.size:
            routes = index[declaring]
            fee = declared[declaring] * self.take(side + _INSURANCE_BP, routes)
            fee += 5000
            fee //= 10000
            insurance[:, declaring] = np.maximum(fee, self.take(side + _INSURANCE_MIN, routes))
        return insurance


def _round_up(raw: Int64Array, bands: tuple[tuple[int, int], ...]) -> Int64Array:
    """Raw grams rounded up to the step of the first band they fall below (the last band is open)."""
    neg_raw = -raw
    result: Int64Array = (neg_raw // bands[-1][1]) * -bands[-1][1]
    for up_to, step in reversed(bands[:-1]):
        result = np.where(raw < up_to, (neg_raw // step) * -step, result)
    return result


def _rank(eligible: BoolArray, total: Int64Array, transit: Int64Array) -> tuple[Int64Array, Int64Array]:
    """Display order [position, parcel] and the flagged services [cheapest/fastest/recommended, parcel].

    Each ordering packs its first two keys into one int64 (rating.prepared bounds totals below 2**TOTAL_BITS
    and transit days below 2**TRANSIT_BITS). Columns are in (carrier, service) order, and a stable sort or
    argmin keeps that order among equal keys, which is the last tie-break."""
    n_services, n_parcels = total.shape
    if n_services == 0:
        return np.zeros((0, n_parcels), dtype=np.int64), np.full((3, n_parcels), NO_SERVICE, dtype=np.int64)
    refused = ~eligible
    by_price = total << TRANSIT_BITS
    by_price |= transit
    np.copyto(by_price, _INT64_MAX, where=refused)  # refused quotes last
    order: Int64Array = np.argsort(by_price, axis=0, kind="stable")
    by_speed = transit << TOTAL_BITS
    by_speed |= total
    np.copyto(by_speed, _INT64_MAX, where=refused)
    fastest = by_speed.argmin(axis=0)
    # Unknown days are the largest value, so when the fastest is unknown every eligible quote is within a day.
    within_a_day = transit <= np.take_along_axis(transit, fastest[None, :], axis=0) + 1
    np.copyto(by_price, _INT64_MAX, where=~within_a_day)
    flagged = np.stack([order[0], fastest, by_price.argmin(axis=0)])
    return order, np.where(eligible.any(axis=0), flagged, NO_SERVICE)


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
