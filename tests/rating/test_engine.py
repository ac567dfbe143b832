"""Hand-worked quotes. Each example runs through both the scalar engine and the batch path."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from parcelhub.rating.batch import quote_many
from parcelhub.rating.engine import price_lines, quote_all, quote_service
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

GZ = ("440100", "440000")               # 广州: city, province
SZ = ("440300", "440000")               # 深圳
NANSHAN = ("440305", "440300", "440000")  # 深圳南山区
BEIJING = ("110105", "110100", "110000")  # nobody has a card here

SF = ServiceSpec("sf", "standard", "顺丰标快", max_weight_g=300_000, volumetric_divisor=6000,
                 rounding=(WeightBand(100_000, 500), WeightBand(None, 1000)), max_side_cm=150)
ZTO = ServiceSpec("zto", "standard", "中通快递", max_weight_g=50_000, volumetric_divisor=8000,
                  rounding=(WeightBand(None, 1000),), max_side_cm=150, max_declared_value_fen=3_000_000)


def lanes(prices: dict[str, tuple[int, int, int]]) -> dict[str, LaneTariff]:
    return {code: LaneTariff(*values) for code, values in prices.items()}


def card(service: ServiceSpec, origin: str, list_side: Tariff, cost_side: Tariff,
         transit: dict[str, int] | None = None) -> tuple[tuple[str, str], RateCard]:
    return (service.key, origin), RateCard(service.key, origin, cost_side, list_side, transit or {})


def make_inputs(*cards: tuple[tuple[str, str], RateCard], services: tuple[ServiceSpec, ...],
                remote: frozenset[str] = frozenset({"650000"})) -> RatingInputs:
    return RatingInputs(services, dict(cards), remote)


BASE = make_inputs(
    card(SF, "440000",
         Tariff(lanes({"310000": (1000, 2300, 1300), "650000": (1000, 3000, 2500)}),
                insurance_rate_bp=50, insurance_min_fen=100),
         Tariff(lanes({"310000": (1000, 1900, 1000), "650000": (1000, 2500, 2000)}),
                insurance_rate_bp=20, insurance_min_fen=50),
         {"310000": 2, "650000": 4}),
    card(ZTO, "440000",
         Tariff(lanes({"310000": (1000, 300, 250), "650000": (1000, 1500, 1200)}), remote_surcharge_fen=800),
         Tariff(lanes({"310000": (1000, 250, 200), "650000": (1000, 1200, 1000)}), remote_surcharge_fen=600),
         {"310000": 3, "650000": 6}),
    services=(SF, ZTO),
)

QuoteAll = Callable[[Parcel, RatingInputs], list[Quote]]


@pytest.fixture(params=["engine", "batch"])
def quote(request: pytest.FixtureRequest) -> QuoteAll:
    if request.param == "engine":
        return quote_all
    return lambda parcel, inputs: quote_many([parcel], inputs)[0]


def pick(quotes: list[Quote], key: str) -> Quote:
    return next(q for q in quotes if f"{q.carrier}.{q.service}" == key)


def lines(*pairs: tuple[str, int]) -> tuple[PriceLine, ...]:
    return tuple(PriceLine(code, amount) for code, amount in pairs)


# ------------------------------------------------------------------------------------------ weights and steps


def test_first_weight_only(quote: QuoteAll) -> None:
    quotes = quote(Parcel(GZ, "310000", 800), BASE)
    assert quotes == [
        Quote("zto", "standard", "中通快递", True, None, 1000, "actual", 0, 300, 250,
              lines(("first_weight", 300)), 3, ("cheapest", "recommended")),
        Quote("sf", "standard", "顺丰标快", True, None, 1000, "actual", 0, 2300, 1900,
              lines(("first_weight", 2300)), 2, ("fastest",)),
    ]


def test_sf_bills_additional_weight_in_half_kilograms(quote: QuoteAll) -> None:
    sf = pick(quote(Parcel(GZ, "310000", 1300), BASE), "sf.standard")
    # 1.3 kg -> 1.5 kg; 500 g over the first kg at ¥13/kg = 650 fen; cost 500 g at ¥10/kg = 500 fen.
    assert (sf.billable_weight_g, sf.total_fen, sf.cost_fen) == (1500, 2950, 2400)
    assert sf.breakdown == lines(("first_weight", 2300), ("additional_weight", 650))


@pytest.mark.parametrize(("weight_g", "billable_g", "total_fen"), [
    (1010, 2000, 550),   # "0.1 kg counts as 1 kg": one extra kg at 250 fen
    (2000, 2000, 550),
    (2001, 3000, 800),
])
def test_tongda_card_rounds_up_to_whole_kilograms(quote: QuoteAll, weight_g: int, billable_g: int,
                                                  total_fen: int) -> None:
    zto = pick(quote(Parcel(GZ, "310000", weight_g), BASE), "zto.standard")
    assert (zto.billable_weight_g, zto.total_fen) == (billable_g, total_fen)


@pytest.mark.parametrize(("weight_g", "billable_g"), [
    (99_500, 99_500), (99_501, 100_000), (99_999, 100_000),  # below 100 kg: 0.5 kg steps
    (100_000, 100_000), (100_001, 101_000), (100_200, 101_000),  # from 100 kg: whole kg
])
def test_sf_switches_to_kilogram_steps_at_100_kg(quote: QuoteAll, weight_g: int, billable_g: int) -> None:
    sf = pick(quote(Parcel(GZ, "310000", weight_g), BASE), "sf.standard")
    assert sf.billable_weight_g == billable_g
    assert sf.total_fen == 2300 + (billable_g - 1000) * 1300 // 1000  # whole 500 g steps: no rounding


def test_band_limits_are_exclusive(quote: QuoteAll) -> None:
    # On SF's bands both steps agree at exactly 100 kg; a 1.5 kg limit shows which band owns the limit.
    odd = ServiceSpec("odd", "x", "Odd", max_weight_g=30_000, volumetric_divisor=8000,
                      rounding=(WeightBand(1500, 500), WeightBand(None, 1000)))
    side = Tariff(lanes({"310000": (1000, 1000, 1000)}))
    inputs = make_inputs(card(odd, "440000", side, side), services=(odd,))
    billable = [quote(Parcel(GZ, "310000", w), inputs)[0].billable_weight_g for w in (1499, 1500)]
    assert billable == [1500, 2000]


def test_volumetric_weight_wins_for_a_light_bulky_box(quote: QuoteAll) -> None:
    quotes = quote(Parcel(GZ, "310000", 1500, 40, 30, 20), BASE)
    sf, zto = pick(quotes, "sf.standard"), pick(quotes, "zto.standard")
    # 40×30×20 = 24,000 cm³: ÷6000 -> 4,000 g on SF, ÷8000 -> 3,000 g on ZTO; both beat the actual 1,500 g.
    assert (sf.volumetric_weight_g, sf.weight_basis, sf.billable_weight_g) == (4000, "volumetric", 4000)
    assert sf.total_fen == 2300 + 3900  # 3,000 g over at ¥13/kg
    assert (zto.volumetric_weight_g, zto.weight_basis, zto.billable_weight_g) == (3000, "volumetric", 3000)
    assert zto.total_fen == 300 + 500   # 2 kg over at ¥2.5/kg


def test_volumetric_weight_rounds_up_to_the_gram(quote: QuoteAll) -> None:
    quotes = quote(Parcel(GZ, "310000", 1500, 41, 31, 21), BASE)
    # 26,691 cm³ × 1000 ÷ 6000 = 4,448.5 -> 4,449 g -> 4.5 kg; ÷ 8000 = 3,336.4 -> 3,337 g -> 4 kg.
    sf, zto = pick(quotes, "sf.standard"), pick(quotes, "zto.standard")
    assert (sf.volumetric_weight_g, sf.billable_weight_g) == (4449, 4500)
    assert (zto.volumetric_weight_g, zto.billable_weight_g) == (3337, 4000)


@pytest.mark.parametrize(("parcel", "basis", "volumetric_g"), [
    (Parcel(GZ, "310000", 4000, 40, 30, 20), "actual", 4000),  # a tie bills the actual weight
    (Parcel(GZ, "310000", 1500, 40, 30, 0), "actual", 0),      # a missing side never bills volume
])
def test_weight_basis_edge_cases(quote: QuoteAll, parcel: Parcel, basis: str, volumetric_g: int) -> None:
    sf = pick(quote(parcel, BASE), "sf.standard")
    assert (sf.weight_basis, sf.volumetric_weight_g) == (basis, volumetric_g)


# ------------------------------------------------------------------------------------------ surcharges


def test_remote_surcharge_only_where_the_card_has_one(quote: QuoteAll) -> None:
    quotes = quote(Parcel(GZ, "650000", 500), BASE)
    zto, sf = pick(quotes, "zto.standard"), pick(quotes, "sf.standard")
    assert (zto.total_fen, zto.cost_fen) == (2300, 1800)
    assert zto.breakdown == lines(("first_weight", 1500), ("remote_surcharge", 800))
    assert sf.breakdown == lines(("first_weight", 3000))


JD = ServiceSpec("jd", "standard", "京东快递", max_weight_g=100_000, volumetric_divisor=8000,
                 rounding=(WeightBand(None, 500),))


@pytest.mark.parametrize(("first_price", "weight_g", "fuel_fen", "total_fen"), [
    (2350, 1000, 71, 2421),  # 2350 × 3 % = 70.5 -> 71: half up
    (2349, 1000, 70, 2419),  # 70.47 -> 70
    (2350, 1001, 86, 2936),  # 1.5 kg: freight 2350 + 500 = 2850, × 3 % = 85.5 -> 86
])
def test_fuel_surcharge_rounds_half_up(quote: QuoteAll, first_price: int, weight_g: int, fuel_fen: int,
                                       total_fen: int) -> None:
    inputs = make_inputs(card(JD, "440000",
                              Tariff(lanes({"310000": (1000, first_price, 1000)}), fuel_surcharge_bp=300),
                              Tariff(lanes({"310000": (1000, 2000, 800)}), fuel_surcharge_bp=250)),
                         services=(JD,))
    (jd,) = quote(Parcel(GZ, "310000", weight_g), inputs)
    assert dict((line.code, line.amount_fen) for line in jd.breakdown)["fuel_surcharge"] == fuel_fen
    assert jd.total_fen == total_fen
    assert jd.cost_fen == {1000: 2050, 1001: 2460}[weight_g]  # 2000 + 50; 2400 + 60


@pytest.mark.parametrize(("declared_fen", "insurance_fen", "cost_fen"), [
    (10_000, 100, 1950),        # 0.5 % of ¥100 = 50 fen: the minimum of 100 applies (cost: 20 -> 50)
    (30_100, 151, 1960),        # 150.5 -> 151 half up (cost: 60.2 -> 60)
    (1_000_000, 5000, 3900),    # 0.5 % of ¥10,000 (cost 0.2 % = 2000)
])
def test_insurance_is_a_rate_with_a_minimum(quote: QuoteAll, declared_fen: int, insurance_fen: int,
                                            cost_fen: int) -> None:
    sf = pick(quote(Parcel(GZ, "310000", 800, declared_value_fen=declared_fen), BASE), "sf.standard")
    assert sf.breakdown == lines(("first_weight", 2300), ("insurance", insurance_fen))
    assert (sf.total_fen, sf.cost_fen) == (2300 + insurance_fen, cost_fen)


EMS = ServiceSpec("ems", "standard", "EMS", max_weight_g=40_000, volumetric_divisor=12000,
                  rounding=(WeightBand(None, 1000),))
EMS_INPUTS = make_inputs(
    card(EMS, "440000",
         Tariff(lanes({"310000": (1000, 1000, 600), "650000": (1000, 800, 600)}), remote_surcharge_fen=300,
                minimum_charge_fen=1200, insurance_rate_bp=30, insurance_min_fen=100),
         Tariff(lanes({"310000": (1000, 700, 400), "650000": (1000, 600, 400)}), minimum_charge_fen=900)),
    services=(EMS,),
)


@pytest.mark.parametrize(("parcel", "breakdown", "cost_fen"), [
    (Parcel(GZ, "310000", 800), (("first_weight", 1000), ("minimum_charge", 200)), 900),
    (Parcel(GZ, "310000", 1500), (("first_weight", 1000), ("additional_weight", 600)), 1100),
    # the remote surcharge counts towards the minimum: 800 + 300 = 1100 -> top-up 100
    (Parcel(GZ, "650000", 800), (("first_weight", 800), ("remote_surcharge", 300), ("minimum_charge", 100)),
     900),
    # insurance comes on top of the minimum, not inside it
    (Parcel(GZ, "310000", 800, declared_value_fen=10_000),
     (("first_weight", 1000), ("minimum_charge", 200), ("insurance", 100)), 900),
])
def test_minimum_charge_tops_up_freight_and_surcharges(quote: QuoteAll, parcel: Parcel,
                                                       breakdown: tuple[tuple[str, int], ...],
                                                       cost_fen: int) -> None:
    (ems,) = quote(parcel, EMS_INPUTS)
    assert ems.breakdown == lines(*breakdown)
    assert ems.total_fen == sum(amount for _, amount in breakdown)
    assert ems.cost_fen == cost_fen


def test_price_lines_round_pro_rata_kilograms_half_up() -> None:
    tariff = Tariff({})
    amounts = [price_lines(billable_g=1500, declared_fen=0, lane=LaneTariff(1000, 0, per_kg), tariff=tariff,
                           remote=False)[1] for per_kg in (1301, 1299, 1297, 1)]
    assert amounts == [651, 650, 649, 1]  # 650.5, 649.5, 648.5, 0.5: all half up


# ------------------------------------------------------------------------------------------ refusals


@pytest.mark.parametrize(("parcel", "reason", "billable_g", "basis"), [
    (Parcel(GZ, "310000", 50_001), "overweight", 51_000, "actual"),
    (Parcel(GZ, "310000", 1000, 100, 100, 50), "overweight", 63_000, "volumetric"),  # 62,500 g by volume
    (Parcel(GZ, "310000", 1000, 151, 10, 10), "oversize", 2000, "volumetric"),       # 1,888 g by volume
    (Parcel(GZ, "310000", 60_000, 151, 10, 10), "overweight", 60_000, "actual"),     # first check wins
    (Parcel(GZ, "310000", 800, declared_value_fen=3_000_001), "declared_value_too_high", 1000, "actual"),
    (Parcel(GZ, "540000", 800), "no_rate_for_lane", 1000, "actual"),
    (Parcel(BEIJING, "310000", 800), "no_rate_from_origin", 1000, "actual"),
    (Parcel(GZ, "999999", 800), "no_rate_for_lane", 1000, "actual"),
])
def test_refusals_keep_the_weights_and_price_nothing(quote: QuoteAll, parcel: Parcel, reason: str,
                                                    billable_g: int, basis: str) -> None:
    zto = pick(quote(parcel, BASE), "zto.standard")
    volumetric = zto.volumetric_weight_g
    assert zto == Quote("zto", "standard", "中通快递", False, reason, billable_g, basis, volumetric, 0, 0, (),
                        None, ())


def test_limits_are_inclusive(quote: QuoteAll) -> None:
    zto = pick(quote(Parcel(GZ, "310000", 50_000, 150, 10, 10, 3_000_000), BASE), "zto.standard")
    assert zto.eligible


def test_a_lane_priced_on_one_side_only_is_not_sold(quote: QuoteAll) -> None:
    inputs = make_inputs(card(ZTO, "440000", Tariff(lanes({"310000": (1000, 300, 250)})), Tariff({})),
                         services=(ZTO,))
    (zto,) = quote(Parcel(GZ, "310000", 800), inputs)
    assert zto.reason == "no_rate_for_lane"


# ------------------------------------------------------------------------------------------ origin chain


def test_a_city_card_wins_over_the_province_card(quote: QuoteAll) -> None:
    inputs = make_inputs(
        card(JD, "440300", Tariff(lanes({"310000": (1000, 900, 500)})), Tariff(lanes({"310000": (1000, 700, 400)}))),
        card(JD, "440000", Tariff(lanes({"310000": (1000, 1100, 500)})),
             Tariff(lanes({"310000": (1000, 800, 400)}))),
        services=(JD,),
    )
    totals = {chain: quote(Parcel(chain, "310000", 800), inputs)[0].total_fen for chain in (SZ, NANSHAN, GZ)}
    assert totals == {SZ: 900, NANSHAN: 900, GZ: 1100}


# ------------------------------------------------------------------------------------------ flags and order


def flat(carrier: str, price: int | None, days: int | None = None) -> tuple[ServiceSpec, tuple]:
    """A service priced `price` fen for any parcel to 310000, or without a card when price is None."""
    spec = ServiceSpec(carrier, "x", carrier.upper(), max_weight_g=30_000, volumetric_divisor=8000,
                       rounding=(WeightBand(None, 1000),))
    if price is None:
        return spec, ()
    side = Tariff(lanes({"310000": (1000, price, 0)}))
    return spec, (card(spec, "440000", side, side, {} if days is None else {"310000": days}),)


def flat_inputs(*services: tuple[ServiceSpec, tuple]) -> RatingInputs:
    return make_inputs(*(c for _, cards in services for c in cards), services=tuple(s for s, _ in services))


def ranking(quotes: list[Quote]) -> list[tuple[str, int, int | None, tuple[str, ...]]]:
    return [(q.carrier, q.total_fen, q.transit_days, q.flags) for q in quotes]


def test_flags_and_order(quote: QuoteAll) -> None:
    inputs = flat_inputs(flat("e", None), flat("b", 1500, 1), flat("d", 1000, 3), flat("c", 1200, 2),
                         flat("a", 1000, 3), flat("f", 900), flat("aa", None))
    assert ranking(quote(Parcel(GZ, "310000", 800), inputs)) == [
        ("f", 900, None, ("cheapest",)),       # cheapest even though its transit time is unknown
        ("a", 1000, 3, ()),                    # ties on price and days go by carrier
        ("d", 1000, 3, ()),
        ("c", 1200, 2, ("recommended",)),      # cheapest of those at most one day slower than the fastest
        ("b", 1500, 1, ("fastest",)),
        ("aa", 0, None, ()),                   # refused, by carrier
        ("e", 0, None, ()),
    ]


def test_equal_prices_go_faster_first(quote: QuoteAll) -> None:
    inputs = flat_inputs(flat("a", 1000, 3), flat("b", 1000, 2), flat("c", 1000, None), flat("d", 2000, 1))
    assert ranking(quote(Parcel(GZ, "310000", 800), inputs)) == [
        ("b", 1000, 2, ("cheapest", "recommended")), ("a", 1000, 3, ()), ("c", 1000, None, ()),
        ("d", 2000, 1, ("fastest",)),
    ]


def test_fastest_ties_go_to_the_cheaper_then_by_carrier(quote: QuoteAll) -> None:
    inputs = flat_inputs(flat("c", 1100, 1), flat("b", 1000, 1), flat("a", 1000, 1), flat("z", 500, 4))
    assert ranking(quote(Parcel(GZ, "310000", 800), inputs)) == [
        ("z", 500, 4, ("cheapest",)), ("a", 1000, 1, ("fastest", "recommended")), ("b", 1000, 1, ()),
        ("c", 1100, 1, ()),
    ]


def test_without_known_transit_times_the_cheapest_takes_every_flag(quote: QuoteAll) -> None:
    inputs = flat_inputs(flat("a", 1200), flat("b", 1000), flat("c", None))
    assert ranking(quote(Parcel(GZ, "310000", 800), inputs)) == [
        ("b", 1000, None, ("cheapest", "fastest", "recommended")), ("a", 1200, None, ()), ("c", 0, None, ()),
    ]


def test_nothing_eligible_means_no_flags(quote: QuoteAll) -> None:
    assert ranking(quote(Parcel(BEIJING, "310000", 800), BASE)) == [
        ("sf", 0, None, ()), ("zto", 0, None, ()),
    ]


def test_quote_service_carries_no_flags() -> None:
    assert quote_service(Parcel(GZ, "310000", 800), ZTO, BASE).flags == ()
