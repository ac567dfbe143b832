"""The demo's carriers, services and rate cards: believable, deterministic, and not any carrier's real tariff.

Prices come from a distance zone between the origin and each province's capital: same province cheapest,
neighbours next, the far west dearest. SF and JD are dearer and faster than the 通达系 networks; cost sits
15–25 % under list. Cards carry the note "demo" so the console says the figures are illustrative.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from parcelhub.carriers.models import Carrier, RateCard, Service
from parcelhub.carriers.ratecard_validation import LaneDraft
from parcelhub.carriers.services import carrier_create, ratecard_create, service_create
from parcelhub.geo.models import Region

DEMO_NOTE = "demo"

# Provincial capitals (lat, lon): close enough to rank distances, which is all the zones need.
CAPITALS: dict[str, tuple[float, float]] = {
    "110000": (39.90, 116.40), "120000": (39.13, 117.20), "130000": (38.04, 114.51), "140000": (37.87, 112.55),
    "150000": (40.84, 111.75), "210000": (41.80, 123.43), "220000": (43.82, 125.32), "230000": (45.80, 126.53),
    "310000": (31.23, 121.47), "320000": (32.06, 118.80), "330000": (30.27, 120.15), "340000": (31.82, 117.23),
    "350000": (26.07, 119.30), "360000": (28.68, 115.86), "370000": (36.65, 117.12), "410000": (34.75, 113.63),
    "420000": (30.59, 114.31), "430000": (28.23, 112.94), "440000": (23.13, 113.26), "450000": (22.82, 108.37),
    "460000": (20.04, 110.20), "500000": (29.56, 106.55), "510000": (30.57, 104.07), "520000": (26.65, 106.63),
    "530000": (25.04, 102.71), "540000": (29.65, 91.13), "610000": (34.34, 108.94), "620000": (36.06, 103.83),
    "630000": (36.62, 101.78), "640000": (38.49, 106.23), "650000": (43.83, 87.62),
}

# The three industrial-belt origins; 义乌 is a district-level (county-level city) card.
ORIGINS: dict[str, tuple[float, float]] = {"330782": (29.31, 120.08), "440100": (23.13, 113.26),
                                           "440300": (22.54, 114.06)}
# Yiwu's volume buys the lowest prices; Shenzhen's rents show up in pickup costs.
ORIGIN_EXTRA_FEN = {"330782": 0, "440100": 50, "440300": 80}

ZONE_LIMITS_KM = (600, 1100, 1700, 2500)  # zone 0 is the same province; beyond the last limit is zone 5

SF_ROUNDING = [{"up_to_g": 100_000, "step_g": 500}, {"up_to_g": None, "step_g": 1000}]
WHOLE_KG = [{"up_to_g": None, "step_g": 1000}]


@dataclass(frozen=True)
class Tier:
    """List prices per zone 0–5 in fen, transit days per zone, and card-level terms (list, cost)."""

    first: tuple[int, ...]
    additional: tuple[int, ...]
    days: tuple[int, ...]
    fuel_bp: tuple[int, int]
    remote_fen: tuple[int, int]
    insurance_bp: tuple[int, int]
    insurance_min_fen: tuple[int, int]
    minimum_fen: tuple[int, int]


TONGDA = Tier(first=(500, 600, 700, 800, 1000, 1800), additional=(100, 200, 300, 500, 700, 1500),
              days=(1, 2, 2, 3, 4, 5), fuel_bp=(100, 100), remote_fen=(500, 400), insurance_bp=(50, 30),
              insurance_min_fen=(100, 50), minimum_fen=(400, 300))
SF_STANDARD = Tier(first=(1200, 1300, 1400, 1800, 2200, 2800), additional=(200, 400, 600, 1000, 1300, 1800),
                   days=(1, 1, 2, 2, 3, 4), fuel_bp=(300, 300), remote_fen=(300, 200), insurance_bp=(100, 50),
                   insurance_min_fen=(100, 100), minimum_fen=(1000, 800))
SF_EXPRESS = Tier(first=(1800, 2000, 2300, 2700, 3000, 3500), additional=(400, 600, 900, 1300, 1600, 2200),
                  days=(1, 1, 1, 2, 2, 3), fuel_bp=(300, 300), remote_fen=(300, 200), insurance_bp=(100, 50),
                  insurance_min_fen=(100, 100), minimum_fen=(1500, 1200))
JD = Tier(first=(1000, 1100, 1300, 1500, 1800, 2500), additional=(200, 400, 500, 800, 1000, 1500),
          days=(1, 1, 2, 3, 3, 4), fuel_bp=(200, 200), remote_fen=(500, 400), insurance_bp=(100, 60),
          insurance_min_fen=(100, 100), minimum_fen=(800, 600))
# China Post reaches remote areas on its universal-service network, so no remote surcharge.
EMS = Tier(first=(1000, 1200, 1500, 1800, 2000, 2600), additional=(300, 500, 700, 1000, 1200, 1800),
           days=(2, 2, 3, 4, 5, 6), fuel_bp=(0, 0), remote_fen=(0, 0), insurance_bp=(100, 50),
           insurance_min_fen=(200, 100), minimum_fen=(800, 600))


@dataclass(frozen=True)
class DemoService:
    carrier: str
    code: str
    name: str
    name_en: str
    max_weight_g: int
    divisor: int
    rounding: list
    max_side_cm: int
    max_declared_value_fen: int
    tier: Tier
    first_offset_fen: int   # carriers inside a tier undercut each other a little
    margin_bp: int          # list − cost as a share of list


CARRIERS = (("sf", "顺丰速运", "SF Express"), ("zto", "中通快递", "ZTO Express"), ("yto", "圆通速递", "YTO Express"),
            ("sto", "申通快递", "STO Express"), ("yunda", "韵达速递", "Yunda Express"),
            ("jt", "极兔速递", "J&T Express"), ("jd", "京东物流", "JD Logistics"), ("ems", "邮政EMS", "China Post EMS"))


def _tongda(carrier: str, name: str, name_en: str, max_kg: int, offset: int, margin_bp: int) -> DemoService:
    return DemoService(carrier, "standard", name, name_en, max_kg * 1000, 8000, WHOLE_KG, 150, 300_000, TONGDA,
                       offset, margin_bp)


SERVICES = (
    DemoService("sf", "standard", "顺丰标快", "SF Standard", 300_000, 6000, SF_ROUNDING, 200, 2_000_000,
                SF_STANDARD, 0, 1500),
    DemoService("sf", "express", "顺丰特快", "SF Priority", 300_000, 6000, SF_ROUNDING, 200, 2_000_000,
                SF_EXPRESS, 0, 1500),
    _tongda("zto", "中通标快", "ZTO Standard", 50, 30, 1800),
    _tongda("yto", "圆通标快", "YTO Standard", 50, 20, 2000),
    _tongda("sto", "申通标快", "STO Standard", 50, 0, 2200),
    _tongda("yunda", "韵达标快", "Yunda Standard", 50, 10, 2000),
    _tongda("jt", "极兔标快", "J&T Standard", 60, -20, 2500),
    DemoService("jd", "tehui", "京东特惠送", "JD Tehui", 30_000, 8000, WHOLE_KG, 150, 1_000_000, JD, 0, 1800),
    DemoService("ems", "standard", "EMS标准快递", "EMS Standard", 40_000, 6000, WHOLE_KG, 150, 1_000_000, EMS, 0,
                2500),
)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def zone(origin: str, destination: str) -> int:
    if origin[:2] == destination[:2]:
        return 0
    km = distance_km(ORIGINS[origin], CAPITALS[destination])
    return 1 + sum(km >= limit for limit in ZONE_LIMITS_KM)


def _cost(list_fen: int, margin_bp: int) -> int:
    """Cost under list by the margin, rounded down to 10 fen as carriers' price sheets are."""
    return list_fen * (10_000 - margin_bp) // 10_000 // 10 * 10


def lanes_for(spec: DemoService, origin: str, destinations: dict[str, Region]) -> list[LaneDraft]:
    lanes = []
    for adcode, region in sorted(destinations.items()):
        z = zone(origin, adcode)
        first = spec.tier.first[z] + spec.first_offset_fen + ORIGIN_EXTRA_FEN[origin]
        additional = spec.tier.additional[z]
        lanes.append(LaneDraft(row=0, destination=region, first_weight_g=1000,
                               cost_first_fen=_cost(first, spec.margin_bp),
                               cost_additional_per_kg_fen=_cost(additional, spec.margin_bp),
                               list_first_fen=first, list_additional_per_kg_fen=additional,
                               transit_days=spec.tier.days[z]))
    return lanes


def card_terms(tier: Tier) -> dict[str, int]:
    terms = {}
    for index, side in enumerate(("list", "cost")):
        terms.update({f"{side}_fuel_surcharge_bp": tier.fuel_bp[index],
                      f"{side}_remote_surcharge_fen": tier.remote_fen[index],
                      f"{side}_insurance_rate_bp": tier.insurance_bp[index],
                      f"{side}_insurance_min_fen": tier.insurance_min_fen[index],
                      f"{side}_minimum_charge_fen": tier.minimum_fen[index]})
    return terms


def _ensure_services(actor) -> tuple[dict[tuple[str, str], Service], int, int]:
    carriers = {c.code: c for c in Carrier.objects.filter(code__in=[c[0] for c in CARRIERS])}
    made_carriers = 0
    for code, name, name_en in CARRIERS:
        if code not in carriers:
            carriers[code] = carrier_create(code=code, name=name, name_en=name_en, actor=actor)
            made_carriers += 1
    services = {(s.carrier.code, s.code): s for s in Service.objects.select_related("carrier")}
    made_services = 0
    for spec in SERVICES:
        if (spec.carrier, spec.code) not in services:
            services[(spec.carrier, spec.code)] = service_create(
                carrier=carriers[spec.carrier], code=spec.code, name=spec.name, name_en=spec.name_en,
                max_weight_g=spec.max_weight_g, volumetric_divisor=spec.divisor, rounding=spec.rounding,
                max_side_cm=spec.max_side_cm, max_declared_value_fen=spec.max_declared_value_fen, actor=actor)
            made_services += 1
    return services, made_carriers, made_services


def build_carriers_and_cards(*, effective_from: dt.date, actor=None) -> dict:
    """Create what is missing (carriers, services, cards dated `effective_from`); existing rows stay as they are.

    Returns how many of each the demo world has and how many this call created.
    """
    services, made_carriers, made_services = _ensure_services(actor)
    regions = Region.objects.in_bulk(list(CAPITALS) + list(ORIGINS))
    destinations = {code: regions[code] for code in CAPITALS}
    existing = set(RateCard.objects.filter(effective_from=effective_from, origin_id__in=list(ORIGINS))
                   .values_list("service_id", "origin_id"))
    made_cards = made_lanes = 0
    for spec in SERVICES:
        service = services[(spec.carrier, spec.code)]
        for origin in ORIGINS:
            if (service.pk, origin) in existing:
                continue
            lanes = lanes_for(spec, origin, destinations)
            ratecard_create(service=service, origin=regions[origin], effective_from=effective_from,
                            terms=card_terms(spec.tier), lanes=lanes, note=DEMO_NOTE, actor=actor)
            made_cards += 1
            made_lanes += len(lanes)
    return {
        "carriers": len(CARRIERS), "services": len(SERVICES), "cards": len(SERVICES) * len(ORIGINS),
        "lanes": len(SERVICES) * len(ORIGINS) * len(CAPITALS),
        "carriers_created": made_carriers, "services_created": made_services,
        "cards_created": made_cards, "lanes_created": made_lanes,
    }
