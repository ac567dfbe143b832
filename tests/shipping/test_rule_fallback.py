"""A rule falls back to its next choice when a carrier turns the address away at booking."""

from __future__ import annotations

import pytest

from parcelhub.carriers.models import Carrier, RateCard, RateCardLane, Service
from parcelhub.carriers.sandbox_models import SandboxWaybill
from parcelhub.shipping.models import Shipment
from tests.shipping.conftest import balance, post

pytestmark = pytest.mark.django_db

LHASA = {"name": "次仁", "phone": "13908900000", "address": "西藏自治区拉萨市城关区北京中路1号"}


@pytest.fixture
def tibet_lanes(funded, world):
    """J&T's card prices 西藏 cheapest, but the (sandbox) J&T network does not deliver there."""
    jt = Carrier.objects.create(code="jt", name="极兔速递", name_en="J&T Express")
    service = Service.objects.create(carrier=jt, code="standard", name="极兔标快", name_en="J&T Standard",
                                     max_weight_g=30_000, volumetric_divisor=8000,
                                     rounding=[{"up_to_g": None, "step_g": 1000}])
    card = RateCard.objects.create(service=service, origin_id="330782", effective_from=world["sf"].effective_from)
    RateCardLane.objects.create(card=card, destination_id="540000", list_first_fen=900, list_additional_per_kg_fen=900,
                                cost_first_fen=700, cost_additional_per_kg_fen=700, transit_days=6)
    RateCardLane.objects.create(card=world["sf"], destination_id="540000", list_first_fen=2500,
                                list_additional_per_kg_fen=2000, cost_first_fen=2000, cost_additional_per_kg_fen=1500,
                                transit_days=4)
    return funded


def test_cheapest_falls_back_when_the_carrier_refuses(api_a, tibet_lanes):
    response = post(api_a, "/api/v1/shipments", {"recipient": LHASA, "parcel": {"weight_g": 1000},
                                                 "buy": {"rule": "cheapest"}})
    assert response.status_code == 201
    # 西藏 is remote: SF's ¥25.00 + ¥5.00 remote surcharge; J&T's refused ¥9.00 was never charged.
    assert (response.json()["carrier"], response.json()["total_fen"]) == ("sf", 3000)
    assert balance(tibet_lanes) == 10_000 - 3000
    assert list(SandboxWaybill.objects.values_list("carrier", flat=True)) == ["sf"]


def test_a_named_service_does_not_fall_back(api_a, tibet_lanes):
    response = post(api_a, "/api/v1/shipments", {"recipient": LHASA, "parcel": {"weight_g": 1000},
                                                 "buy": {"service": "jt.standard"}})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unsupported_destination"
    assert Shipment.objects.count() == 0 and balance(tibet_lanes) == 10_000
