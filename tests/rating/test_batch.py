"""The batch path: its arrays, its bounds, and (by hypothesis) exact agreement with the scalar engine."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcelhub.rating.batch import (
    NO_SERVICE,
    TRANSIT_UNKNOWN,
    ParcelColumns,
    compile_inputs,
    materialise,
    quote_arrays,
    quote_many,
    quotes_from_batch,
)
from parcelhub.rating.engine import LINE_CODES, REASONS, quote_all
from parcelhub.rating.prepared import (
    MAX_DECLARED_VALUE_FEN,
    MAX_FEE_FEN,
    MAX_LANE_VALUE,
    MAX_PARCEL_WEIGHT_G,
    MAX_RATE_BP,
    MAX_SERVICE_WEIGHT_G,
    MAX_SIDE_CM,
    MAX_STEP_G,
    MAX_TRANSIT_DAYS,
    TOTAL_BITS,
)
from parcelhub.rating.types import (
    LaneTariff,
    Parcel,
    RateCard,
    RatingInputs,
    ServiceSpec,
    Tariff,
    WeightBand,
)
from tests.rating.test_engine import BASE, BEIJING, GZ, ZTO, card, lanes, make_inputs

PARCELS = [
    Parcel(GZ, "310000", 800),
    Parcel(GZ, "650000", 1300, 40, 30, 20, declared_value_fen=30_100),
    Parcel(BEIJING, "310000", 800),
    Parcel(GZ, "310000", 60_000),
]


def test_arrays_for_a_small_batch() -> None:
    prepared = compile_inputs(BASE)
    assert [s.key for s in prepared.services] == ["sf.standard", "zto.standard"]
    result = quote_arrays(PARCELS, prepared)
    assert result.eligible.tolist() == [[True, True], [True, True], [False, False], [True, False]]
    overweight, no_origin = REASONS.index("overweight") + 1, REASONS.index("no_rate_from_origin") + 1
    assert result.reason.tolist() == [[0, 0], [0, 0], [no_origin, no_origin], [0, overweight]]
    # parcel 1 by volume: 24,000 cm³ -> 4,000 g on SF (÷6000), 3,000 g on ZTO (÷8000)
    assert result.volumetric_weight_g[1].tolist() == [4000, 3000]
    assert result.billable_weight_g.tolist() == [[1000, 1000], [4000, 3000], [1000, 1000], [60_000, 60_000]]
    assert result.volumetric_basis[1].tolist() == [True, True]
    # SF to 650000: 3000 + 3000 g × ¥25/kg = 7500, insurance 0.5 % of 30,100 = 151 (half up)
    assert result.lines[1, 0].tolist() == [3000, 7500, 0, 0, 0, 151]
    assert result.lines[1, 1].tolist() == [1500, 2400, 0, 800, 0, 0]
    assert result.total_fen.tolist() == [[2300, 300], [10_651, 4700], [0, 0], [2300 + 59_000 * 1300 // 1000, 0]]
    assert result.transit_days.tolist() == [[2, 3], [4, 6], [TRANSIT_UNKNOWN] * 2, [2, TRANSIT_UNKNOWN]]
    assert result.order.tolist() == [[1, 0], [1, 0], [0, 1], [0, 1]]
    assert result.cheapest.tolist() == [1, 1, NO_SERVICE, 0]
    assert result.fastest.tolist() == [0, 0, NO_SERVICE, 0]
    assert result.recommended.tolist() == [1, 0, NO_SERVICE, 0]  # ZTO is 2 days slower to 650000
    assert result.lines.shape == (4, 2, len(LINE_CODES))
    for i, parcel in enumerate(PARCELS):
        assert quotes_from_batch(result, i) == quote_all(parcel, BASE)


def test_columns_round_trip_and_share_origins() -> None:
    columns = ParcelColumns.from_parcels(PARCELS)
    assert columns.origins == (GZ, BEIJING)
    assert columns.origin_index.tolist() == [0, 0, 1, 0]
    assert [columns.parcel(i) for i in range(len(columns))] == PARCELS
    assert quote_many(columns, BASE) == quote_many(PARCELS, BASE)


def test_empty_batches_and_no_services() -> None:
    assert quote_many([], BASE) == []
    assert quote_many(PARCELS[:1], RatingInputs((), {}, frozenset())) == [[]]


# ------------------------------------------------------------------------------------------ bounds


def test_the_api_caps_agree_to_the_fen_with_the_largest_tariffs() -> None:
    # 1,000 kg, 500 cm sides, ¥10,000,000 declared (the API's caps) against the largest values compile accepts.
    service = ServiceSpec("big", "x", "Big", max_weight_g=MAX_SERVICE_WEIGHT_G, volumetric_divisor=6000,
                          rounding=(WeightBand(None, MAX_STEP_G - 1),))
    side = Tariff(lanes({"310000": (0, MAX_LANE_VALUE, MAX_LANE_VALUE)}), fuel_surcharge_bp=MAX_RATE_BP,
                  remote_surcharge_fen=MAX_FEE_FEN, insurance_rate_bp=MAX_RATE_BP, insurance_min_fen=MAX_FEE_FEN,
                  minimum_charge_fen=MAX_FEE_FEN)
    inputs = make_inputs(card(service, "440000", side, side, {"310000": MAX_TRANSIT_DAYS}),
                         services=(service,), remote=frozenset({"310000"}))
    parcels = [
        Parcel(GZ, "310000", 1_000_000, 500, 500, 500, 10**9),                  # 20,833,334 g by volume
        Parcel(GZ, "310000", MAX_SERVICE_WEIGHT_G, 1, 1, 1, MAX_DECLARED_VALUE_FEN),  # the dearest quote
        Parcel(GZ, "310000", MAX_PARCEL_WEIGHT_G, MAX_SIDE_CM, MAX_SIDE_CM, MAX_SIDE_CM,
               MAX_DECLARED_VALUE_FEN),                                         # refused, must not leak
    ]
    quotes = quote_many(parcels, inputs)
    assert quotes == [quote_all(p, inputs) for p in parcels]
    assert [q[0].reason for q in quotes] == ["overweight", None, "overweight"]
    # billable 2 × (10⁷ − 1) g; freight 10⁷ + 19,999,998 × 10⁷ ÷ 1000 = 200,009,980,000; fuel 100 % of it;
    # remote 10⁹; insurance 100 % of 10¹¹. Below 2**39, as prepared's bounds promise.
    assert quotes[1][0].total_fen == 2 * 200_009_980_000 + 10**9 + 10**11 == 501_019_960_000
    assert quotes[1][0].total_fen < 2**TOTAL_BITS


@pytest.mark.parametrize("parcel", [
    Parcel(GZ, "310000", MAX_PARCEL_WEIGHT_G + 1),
    Parcel(GZ, "310000", -1),
    Parcel(GZ, "310000", 800, length_cm=10_001),
    Parcel(GZ, "310000", 800, declared_value_fen=-5),
    Parcel(GZ, "310000", 2**64),
])
def test_parcels_out_of_bounds_are_refused_loudly(parcel: Parcel) -> None:
    with pytest.raises(ValueError):
        quote_arrays([parcel], compile_inputs(BASE))


def test_columns_must_be_int64_of_one_length() -> None:
    columns = ParcelColumns.from_parcels(PARCELS)
    bad = ParcelColumns(**{**columns.__dict__, "weight_g": columns.weight_g.astype(np.float64)})
    with pytest.raises(ValueError, match="weight_g"):
        quote_arrays(bad, compile_inputs(BASE))


@pytest.mark.parametrize("inputs", [
    make_inputs(card(ZTO, "440000", Tariff(lanes({"310000": (1000, 300, MAX_LANE_VALUE + 1)})),
                     Tariff(lanes({"310000": (1000, 300, 1)}))), services=(ZTO,)),
    make_inputs(services=(ServiceSpec("a", "x", "A", 1000, 8000, (WeightBand(5000, 1000),)),)),
    make_inputs(services=(ZTO, ZTO)),
])
def test_inputs_out_of_bounds_are_refused_loudly(inputs: RatingInputs) -> None:
    with pytest.raises(ValueError):
        compile_inputs(inputs)


# ------------------------------------------------------------------------------------------ agreement

T = TypeVar("T")


@st.composite
def mostly(draw: st.DrawFn, common: st.SearchStrategy[T], *rare: st.SearchStrategy[T]) -> T:
    """`common` three times in four, the others share the rest. (st.one_of does not pick evenly.)"""
    index = draw(st.integers(0, 4 * len(rare) - 1))
    return draw(rare[index] if index < len(rare) else common)

CHAINS = (("330782", "330700", "330000"), ("330700", "330000"), ("440300", "440000"), ("440100", "440000"),
          ("110105", "110100", "110000"))
CARD_ORIGINS = ("330782", "330700", "330000", "440300", "440000", "110000")
PROVINCES = ("310000", "330000", "440000", "540000", "650000")
# Values from short lists make equal totals and transit times (the tie-breaks) common; limits are mostly
# generous so that most quotes get priced.
small = mostly(st.sampled_from([0, 100, 500, 1000]), st.integers(0, 3000))


@st.composite
def services(draw: st.DrawFn) -> tuple[ServiceSpec, ...]:
    keys = draw(st.lists(st.tuples(st.sampled_from(["sf", "zto", "jd", "ems"]), st.sampled_from(["a", "b"])),
                         min_size=1, max_size=4, unique=True))
    out = []
    for carrier, code in keys:
        limits = sorted(draw(st.sets(st.integers(1, 120_000), max_size=2)))
        steps = draw(st.lists(st.sampled_from([1, 100, 500, 1000, 1500]), min_size=len(limits) + 1,
                              max_size=len(limits) + 1))
        bands = tuple(WeightBand(up_to, step) for up_to, step in zip([*limits, None], steps, strict=True))
        out.append(ServiceSpec(
            carrier, code, f"{carrier}-{code}",
            max_weight_g=draw(st.sampled_from([30_000, 150_000]) | st.integers(20_000, 150_000)),
            volumetric_divisor=draw(st.sampled_from([6000, 8000, 12000])), rounding=bands,
            max_side_cm=draw(st.none() | st.integers(50, 200)),
            max_declared_value_fen=draw(st.none() | st.integers(10_000, 1_000_000)),
        ))
    return tuple(out)


LANES = st.builds(LaneTariff, st.sampled_from([0, 500, 1000, 3000]), small, small)
FUEL_BP, REMOTE_FEN = st.sampled_from([0, 0, 150, 333, 1250]), st.sampled_from([0, 500, 1000])
INSURANCE_BP, INSURANCE_MIN_FEN = st.sampled_from([0, 30, 55]), st.sampled_from([0, 100, 200])
MINIMUM_FEN = st.sampled_from([0, 0, 800, 1500])
likely = st.integers(0, 7).map(bool)  # True seven times in eight


def draw_tariff(draw: st.DrawFn, provinces: list[str]) -> Tariff:
    # Plain draws from module-level strategies: building strategies per card made generation the slow part.
    return Tariff({p: draw(LANES) for p in provinces}, draw(FUEL_BP), draw(REMOTE_FEN), draw(INSURANCE_BP),
                  draw(INSURANCE_MIN_FEN), draw(MINIMUM_FEN))


def draw_card(draw: st.DrawFn, spec: ServiceSpec, origin: str) -> RateCard:
    provinces = [p for p in PROVINCES if draw(likely)]
    cost_provinces = [p for p in provinces if draw(likely)]  # now and then a one-sided lane
    transit = {p: draw(st.integers(1, 5)) for p in PROVINCES if draw(st.booleans())}
    return RateCard(spec.key, origin, draw_tariff(draw, cost_provinces), draw_tariff(draw, provinces), transit)


@st.composite
def rating_inputs(draw: st.DrawFn) -> RatingInputs:
    specs = draw(services())
    cards = {}
    for spec in specs:
        for origin in (o for o in CARD_ORIGINS if draw(likely if o.endswith("0000") else st.booleans())):
            cards[(spec.key, origin)] = draw_card(draw, spec, origin)
    remote = draw(st.frozensets(st.sampled_from(PROVINCES)))
    return RatingInputs(specs, cards, remote)


sides = mostly(st.tuples(st.integers(0, 60), st.integers(0, 40), st.integers(0, 30)), st.just((0, 0, 0)),
               st.tuples(st.integers(0, 220), st.integers(0, 120), st.integers(0, 120)))
weights = mostly(st.integers(0, 5000), st.integers(99_000, 101_000), st.integers(0, 200_000))
parcels = st.builds(
    lambda origin, dest, weight, dims, declared: Parcel(origin, dest, weight, *dims, declared),
    st.sampled_from(CHAINS), st.sampled_from((*PROVINCES, "999999")), weights, sides,
    mostly(st.just(0), st.integers(0, 1_500_000)),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs=rating_inputs(), batch=st.lists(parcels, max_size=20))
def test_batch_agrees_with_the_scalar_engine(inputs: RatingInputs, batch: list[Parcel]) -> None:
    expected = [quote_all(p, inputs) for p in batch]
    assert quote_many(batch, inputs) == expected
    # Columns, and chunks small enough that most batches take several passes.
    assert materialise(quote_arrays(ParcelColumns.from_parcels(batch), compile_inputs(inputs), chunk=7)) == expected
    for quotes in expected:
        for q in quotes:
            assert sum(line.amount_fen for line in q.breakdown) == q.total_fen
            assert q.eligible == (q.reason is None) == bool(q.breakdown)
        flagged = [flag for q in quotes for flag in q.flags]
        assert sorted(flagged) == (["cheapest", "fastest", "recommended"] if any(q.eligible for q in quotes)
                                   else [])
