from __future__ import annotations

import pytest

from parcelhub.carriers.models import Carrier, RateCard, RateCardLane, Service
from parcelhub.simulation.carriers_world import build_carriers_and_cards, zone
from tests.carriers.conftest import TODAY

EXPECTED_SERVICES = [
    ("ems", "standard", 40_000, 6000, [{"up_to_g": None, "step_g": 1000}]),
    ("jd", "tehui", 30_000, 8000, [{"up_to_g": None, "step_g": 1000}]),
    ("jt", "standard", 60_000, 8000, [{"up_to_g": None, "step_g": 1000}]),
    ("sf", "express", 300_000, 6000, [{"up_to_g": 100_000, "step_g": 500}, {"up_to_g": None, "step_g": 1000}]),
    ("sf", "standard", 300_000, 6000, [{"up_to_g": 100_000, "step_g": 500}, {"up_to_g": None, "step_g": 1000}]),
    ("sto", "standard", 50_000, 8000, [{"up_to_g": None, "step_g": 1000}]),
    ("yto", "standard", 50_000, 8000, [{"up_to_g": None, "step_g": 1000}]),
    ("yunda", "standard", 50_000, 8000, [{"up_to_g": None, "step_g": 1000}]),
    ("zto", "standard", 50_000, 8000, [{"up_to_g": None, "step_g": 1000}]),
]


@pytest.fixture
def demo(today):
    return build_carriers_and_cards(effective_from=TODAY)


def lane(service: str, origin: str, destination: str) -> RateCardLane:
    carrier, code = service.split(".")
    return RateCardLane.objects.get(card__service__carrier__code=carrier, card__service__code=code,
                                    card__origin_id=origin, destination_id=destination)


def test_builds_8_carriers_9_services_and_27_cards_of_31_lanes(demo):
    assert demo == {"carriers": 8, "services": 9, "cards": 27, "lanes": 837, "carriers_created": 8,
                    "services_created": 9, "cards_created": 27, "lanes_created": 837}
    assert list(Carrier.objects.values_list("code", "name")) == [
        ("ems", "邮政EMS"), ("jd", "京东物流"), ("jt", "极兔速递"), ("sf", "顺丰速运"), ("sto", "申通快递"),
        ("yto", "圆通速递"), ("yunda", "韵达速递"), ("zto", "中通快递")]
    assert list(Service.objects.values_list("carrier__code", "code", "max_weight_g", "volumetric_divisor",
                                            "rounding")) == [tuple(s) for s in EXPECTED_SERVICES]
    assert sorted(RateCard.objects.values_list("service__carrier__code", "service__code", "origin_id")) == [
        (carrier, service, origin) for carrier, service, *_ in EXPECTED_SERVICES
        for origin in ("330782", "440100", "440300")]
    assert {c.lanes.count() for c in RateCard.objects.all()} == {31}
    assert set(RateCard.objects.values_list("note", "effective_from")) == {("demo", TODAY)}


def test_is_idempotent(demo):
    again = build_carriers_and_cards(effective_from=TODAY)

    assert again["cards_created"] == again["carriers_created"] == again["services_created"] == 0
    assert (Carrier.objects.count(), Service.objects.count(), RateCard.objects.count(),
            RateCardLane.objects.count()) == (8, 9, 27, 837)


def test_prices_rise_with_distance_and_sf_is_dearer_and_faster_than_zto(demo):
    assert [zone("330782", p) for p in ("330000", "310000", "440000", "110000", "230000", "650000")] == [
        0, 1, 2, 3, 4, 5]
    zto = [lane("zto.standard", "330782", p).list_first_fen for p in ("330000", "310000", "440000", "650000")]
    assert zto == [530, 630, 730, 1830]
    assert lane("zto.standard", "440300", "440000").list_first_fen == 610
    for destination in ("330000", "110000", "650000"):
        sf, zto_lane = lane("sf.standard", "330782", destination), lane("zto.standard", "330782", destination)
        assert sf.list_first_fen > zto_lane.list_first_fen
        assert sf.transit_days <= zto_lane.transit_days


def test_cost_is_15_to_25_percent_under_list_everywhere(demo):
    for row in RateCardLane.objects.values("list_first_fen", "cost_first_fen", "list_additional_per_kg_fen",
                                           "cost_additional_per_kg_fen"):
        for side in ("first", "additional_per_kg"):
            list_fen, cost_fen = row[f"list_{side}_fen"], row[f"cost_{side}_fen"]
            assert 0.15 * list_fen <= list_fen - cost_fen <= 0.30 * list_fen, row
