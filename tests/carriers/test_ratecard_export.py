from __future__ import annotations

import pytest

from parcelhub.carriers import ratecard_files, selectors
from parcelhub.carriers.models import RateCard
from parcelhub.carriers.services import ratecard_import
from parcelhub.simulation.carriers_world import build_carriers_and_cards
from tests.carriers.conftest import TOMORROW, make_card

TERMS = ("fuel_surcharge_bp", "remote_surcharge_fen", "insurance_rate_bp", "insurance_min_fen", "minimum_charge_fen")


def snapshot() -> list[tuple]:
    cards = []
    for card in RateCard.objects.select_related("service__carrier").order_by("service_id", "origin_id"):
        terms = tuple(getattr(card, f"{side}_{t}") for side in ("list", "cost") for t in TERMS)
        lanes = tuple(card.lanes.order_by("destination_id").values_list(
            "destination_id", "first_weight_g", "list_first_fen", "list_additional_per_kg_fen", "cost_first_fen",
            "cost_additional_per_kg_fen", "transit_days"))
        cards.append((card.public_id, card.service.key, card.origin_id, card.effective_from, card.note, terms, lanes))
    return cards


def export(fmt: str, **kwargs) -> bytes:
    rows = [row for card in selectors.cards_for_export(**kwargs) for row in ratecard_files.card_rows(card)]
    return ratecard_files.render(rows, fmt)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_replaces_scheduled_cards_with_identical_ones(today, fmt):
    build_carriers_and_cards(effective_from=TOMORROW)
    before = snapshot()
    content = export(fmt, on=TOMORROW)

    result = ratecard_import(content=content, filename=f"all.{fmt}")

    assert (len(result.cards), result.rows) == (27, 837)
    assert all(card.replaces for card in result.cards)
    assert snapshot() == before
    assert ratecard_files.read_table(export(fmt, on=TOMORROW), f"again.{fmt}") == ratecard_files.read_table(
        content, f"all.{fmt}")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_platform_recreates_the_cards(today, sf_standard, fmt):
    make_card(sf_standard, "330782", TOMORROW, note="odd values",
              lanes={"330000": (1250, 1234, 5, 1000, 0, 0), "540000": (500, 99999, 1, 100000, 2, 30)},
              list_fuel_surcharge_bp=1, list_insurance_rate_bp=9999, cost_minimum_charge_fen=1)
    before = [row[1:] for row in snapshot()]
    content = export(fmt, public_id=RateCard.objects.get().public_id)
    RateCard.objects.all().delete()

    ratecard_import(content=content, filename=f"one.{fmt}")

    assert [row[1:] for row in snapshot()] == before


def test_csv_export_has_a_bom_and_the_documented_columns(today, sf_standard):
    make_card(sf_standard, "330782", TOMORROW, lanes={"330000": (1000, 1200, 200, 960, 160, 1)},
              list_fuel_surcharge_bp=300, list_minimum_charge_fen=1200, note="demo")

    content = export("csv", on=TOMORROW)

    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == (
        "carrier,service,origin,origin_name,effective_from,destination,destination_name,first_weight_kg,"
        "list_first_yuan,list_additional_per_kg_yuan,cost_first_yuan,cost_additional_per_kg_yuan,transit_days,"
        "list_fuel_surcharge_pct,list_remote_surcharge_yuan,list_insurance_rate_pct,list_insurance_min_yuan,"
        "list_minimum_charge_yuan,cost_fuel_surcharge_pct,cost_remote_surcharge_yuan,cost_insurance_rate_pct,"
        "cost_insurance_min_yuan,cost_minimum_charge_yuan,note")
    assert lines[1] == ("sf,standard,330782,义乌市,2027-03-02,330000,浙江,1,12.00,2.00,9.60,1.60,1,"
                        "3.00,0.00,0.00,0.00,12.00,0.00,0.00,0.00,0.00,0.00,demo")
    assert lines[2:] == [""]


def test_the_template_file_imports_once_the_example_service_exists(today, sf_standard):
    for fmt in ("csv", "xlsx"):
        content = ratecard_files.render(ratecard_files.template_rows(effective_from=TOMORROW), fmt)
        result = ratecard_import(content=content, filename=f"template.{fmt}", dry_run=True)
        assert [(c.service_key, c.origin, c.lanes) for c in result.cards] == [("sf.standard", "330782", 3)]
