"""A small, hand-priced world for exact API and page tests: two services, one origin (义乌), three lanes."""

from __future__ import annotations

import datetime as dt

from parcelhub.carriers.models import Carrier, RateCard, RateCardLane, Service

SF_BANDS = [{"up_to_g": 100_000, "step_g": 500}, {"up_to_g": None, "step_g": 1000}]
KG_BANDS = [{"up_to_g": None, "step_g": 1000}]


def build_small_world(effective_from: dt.date = dt.date(2026, 1, 1)) -> dict[str, RateCard]:
    sf = Carrier.objects.create(code="sf", name="顺丰速运", name_en="SF Express")
    zto = Carrier.objects.create(code="zto", name="中通快递", name_en="ZTO Express")
    sf_std = Service.objects.create(carrier=sf, code="standard", name="顺丰标快", name_en="SF Standard",
                                    max_weight_g=50_000, volumetric_divisor=6000, rounding=SF_BANDS)
    zto_std = Service.objects.create(carrier=zto, code="standard", name="中通标快", name_en="ZTO Standard",
                                     max_weight_g=30_000, volumetric_divisor=8000, rounding=KG_BANDS)
    sf_card = RateCard.objects.create(
        service=sf_std, origin_id="330782", effective_from=effective_from,
        list_remote_surcharge_fen=500, list_insurance_rate_bp=50, list_insurance_min_fen=100,
        cost_remote_surcharge_fen=300, cost_insurance_rate_bp=30, cost_insurance_min_fen=50,
    )
    for dest, lf, la, cf, ca, days in [("330000", 1200, 200, 1000, 150, 1), ("650000", 2300, 2000, 2000, 1600, 4),
                                       ("440000", 1800, 600, 1500, 500, 2)]:
        RateCardLane.objects.create(card=sf_card, destination_id=dest, list_first_fen=lf,
                                    list_additional_per_kg_fen=la, cost_first_fen=cf,
                                    cost_additional_per_kg_fen=ca, transit_days=days)
    zto_card = RateCard.objects.create(
        service=zto_std, origin_id="330782", effective_from=effective_from,
        list_fuel_surcharge_bp=500, list_remote_surcharge_fen=300, list_minimum_charge_fen=800,
        list_insurance_rate_bp=100, list_insurance_min_fen=200, cost_remote_surcharge_fen=200,
    )
    for dest, lf, la, cf, ca, days in [("330000", 500, 300, 350, 200, 2), ("650000", 1000, 1200, 800, 900, 5)]:
        RateCardLane.objects.create(card=zto_card, destination_id=dest, list_first_fen=lf,
                                    list_additional_per_kg_fen=la, cost_first_fen=cf,
                                    cost_additional_per_kg_fen=ca, transit_days=days)
    return {"sf": sf_card, "zto": zto_card}
