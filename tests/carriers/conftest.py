"""Fixtures for carriers: a fixed 'today', two services, and a helper to make cards without a file."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.carriers.ratecard_validation import LaneDraft
from parcelhub.carriers.services import carrier_create, ratecard_create, service_create
from parcelhub.core import clock
from parcelhub.geo.models import Region

TODAY = dt.date(2027, 3, 1)
TOMORROW = TODAY + dt.timedelta(days=1)
SF_ROUNDING = [{"up_to_g": 100_000, "step_g": 500}, {"up_to_g": None, "step_g": 1000}]


@pytest.fixture
def today(db, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def sf_standard(db):
    sf = carrier_create(code="sf", name="顺丰速运", name_en="SF Express")
    return service_create(carrier=sf, code="standard", name="顺丰标快", name_en="SF Standard", max_weight_g=300_000,
                          volumetric_divisor=6000, rounding=SF_ROUNDING, max_side_cm=200,
                          max_declared_value_fen=2_000_000)


@pytest.fixture
def zto_standard(db):
    zto = carrier_create(code="zto", name="中通快递", name_en="ZTO Express")
    return service_create(carrier=zto, code="standard", name="中通标快", name_en="ZTO Standard", max_weight_g=50_000,
                          volumetric_divisor=8000, rounding=[{"up_to_g": None, "step_g": 1000}])


def make_card(service, origin: str, effective_from: dt.date, lanes: dict[str, tuple[int, ...]] | None = None,
              note: str = "", **terms: int):
    """lanes: destination adcode -> (first_weight_g, list_first, list_add, cost_first, cost_add, days)."""
    lanes = lanes if lanes is not None else {"330000": (1000, 1200, 200, 960, 160, 1)}
    regions = Region.objects.in_bulk([origin, *lanes])
    drafts = [LaneDraft(row=0, destination=regions[code], first_weight_g=v[0], list_first_fen=v[1],
                        list_additional_per_kg_fen=v[2], cost_first_fen=v[3], cost_additional_per_kg_fen=v[4],
                        transit_days=v[5]) for code, v in lanes.items()]
    return ratecard_create(service=service, origin=regions[origin], effective_from=effective_from,
                           terms=terms, lanes=drafts, note=note)
