from __future__ import annotations

import datetime as dt

from parcelhub.carriers import selectors
from parcelhub.rating import types
from parcelhub.simulation.carriers_world import build_carriers_and_cards
from tests.carriers.conftest import TODAY, TOMORROW, make_card


def test_a_card_scheduled_for_tomorrow_takes_effect_tomorrow_not_today(today, sf_standard):
    old = make_card(sf_standard, "330782", TODAY - dt.timedelta(days=30))
    new = make_card(sf_standard, "330782", TOMORROW)
    yiwu = old.origin

    assert selectors.card_in_effect(service=sf_standard, origin=yiwu) == old
    assert selectors.card_in_effect(service=sf_standard, origin=yiwu, on=TOMORROW) == new
    assert list(selectors.cards_in_effect()) == [old]
    assert list(selectors.cards_in_effect(TOMORROW)) == [new]
    assert list(selectors.cards_in_effect(TODAY - dt.timedelta(days=31))) == []
    assert selectors.card_status(old) == "in_effect"
    assert selectors.card_status(new) == "scheduled"
    assert selectors.card_status(old, TOMORROW) == "superseded"


def test_cards_in_effect_keeps_one_card_per_service_and_origin(today, sf_standard, zto_standard):
    sf_yiwu = make_card(sf_standard, "330782", TODAY - dt.timedelta(days=1))
    make_card(sf_standard, "330782", TODAY - dt.timedelta(days=9))
    sf_guangzhou = make_card(sf_standard, "440100", TODAY - dt.timedelta(days=9))
    zto_yiwu = make_card(zto_standard, "330782", TODAY)

    assert set(selectors.cards_in_effect()) == {sf_yiwu, sf_guangzhou, zto_yiwu}


def test_rating_inputs_holds_exactly_the_active_services_cards_in_effect_and_remote_provinces(
        today, sf_standard, zto_standard, django_assert_num_queries):
    make_card(sf_standard, "330782", TODAY - dt.timedelta(days=5),
              lanes={"330000": (1000, 1200, 200, 960, 160, 1), "650000": (1000, 2800, 1800, 2380, 1530, 4)},
              list_fuel_surcharge_bp=300, list_remote_surcharge_fen=300, list_insurance_rate_bp=100,
              list_insurance_min_fen=100, list_minimum_charge_fen=1000, cost_fuel_surcharge_bp=300,
              cost_remote_surcharge_fen=200, cost_insurance_rate_bp=50, cost_insurance_min_fen=100,
              cost_minimum_charge_fen=800)
    make_card(sf_standard, "330782", TOMORROW, lanes={"330000": (1000, 9900, 900, 9000, 800, 1)})
    zto_standard.is_active = False
    zto_standard.save()
    make_card(zto_standard, "440100", TODAY)

    with django_assert_num_queries(4):
        inputs = selectors.rating_inputs()

    assert inputs.services == (types.ServiceSpec(
        carrier="sf", service="standard", name="顺丰标快", max_weight_g=300_000, volumetric_divisor=6000,
        rounding=(types.WeightBand(100_000, 500), types.WeightBand(None, 1000)), max_side_cm=200,
        max_declared_value_fen=2_000_000),)
    assert inputs.cards == {("sf.standard", "330782"): types.RateCard(
        service_key="sf.standard", origin="330782",
        cost=types.Tariff(lanes={"330000": types.LaneTariff(1000, 960, 160), "650000": types.LaneTariff(1000, 2380, 1530)},
                          fuel_surcharge_bp=300, remote_surcharge_fen=200, insurance_rate_bp=50,
                          insurance_min_fen=100, minimum_charge_fen=800),
        list=types.Tariff(lanes={"330000": types.LaneTariff(1000, 1200, 200), "650000": types.LaneTariff(1000, 2800, 1800)},
                          fuel_surcharge_bp=300, remote_surcharge_fen=300, insurance_rate_bp=100,
                          insurance_min_fen=100, minimum_charge_fen=1000),
        transit_days={"330000": 1, "650000": 4},
    )}
    assert inputs.remote_provinces == frozenset({"150000", "460000", "540000", "620000", "630000", "640000",
                                                 "650000"})
    tomorrow = selectors.rating_inputs(TOMORROW)
    assert tomorrow.cards[("sf.standard", "330782")].list.lanes == {"330000": types.LaneTariff(1000, 9900, 900)}


def test_rating_inputs_query_count_does_not_grow_with_cards(today, django_assert_num_queries):
    build_carriers_and_cards(effective_from=TODAY)

    with django_assert_num_queries(4):
        inputs = selectors.rating_inputs()

    assert len(inputs.services) == 9
    assert len(inputs.cards) == 27
    assert {len(card.list.lanes) for card in inputs.cards.values()} == {31}


def test_inactive_carrier_drops_its_services_and_cards(today, sf_standard):
    make_card(sf_standard, "330782", TODAY)
    sf_standard.carrier.is_active = False
    sf_standard.carrier.save()

    inputs = selectors.rating_inputs()

    assert inputs.services == ()
    assert inputs.cards == {}


def test_card_groups_split_current_scheduled_and_superseded(today, sf_standard, zto_standard):
    old = make_card(sf_standard, "330782", TODAY - dt.timedelta(days=60))
    current = make_card(sf_standard, "330782", TODAY - dt.timedelta(days=1))
    later = make_card(sf_standard, "330782", TODAY + dt.timedelta(days=20))
    soon = make_card(sf_standard, "330782", TOMORROW)
    zto = make_card(zto_standard, "440100", TOMORROW)

    groups = selectors.card_groups()

    assert [(g.service, g.origin.adcode) for g in groups] == [
        (sf_standard, "330782"), (zto_standard, "440100")]
    assert (groups[0].current, groups[0].scheduled, groups[0].superseded) == (current, [soon, later], [old])
    assert (groups[1].current, groups[1].scheduled) == (None, [zto])
    assert [g.service for g in selectors.card_groups(carrier_code="zto")] == [zto_standard]
    assert [g.origin.adcode for g in selectors.card_groups(origin_adcode="330782")] == ["330782"]


def test_rating_inputs_builds_the_demo_world_in_four_queries(today, django_assert_num_queries):
    """Built per call rather than cached: four queries whatever the number of cards, and no invalidation to get
    wrong. (Its cost is measured by bench/rates.py, not asserted here.)"""
    build_carriers_and_cards(effective_from=TODAY)
    with django_assert_num_queries(4):
        inputs = selectors.rating_inputs()
    assert len(inputs.cards) == 27
    assert {len(card.list.lanes) for card in inputs.cards.values()} == {31}
