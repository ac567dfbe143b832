"""POST /api/v1/rates and /api/v1/rates/batch on a hand-priced world (tests/rating/world.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from parcelhub.carriers.models import RateCard, RateCardLane
from parcelhub.core import clock
from tests.rating.world import build_small_world

pytestmark = pytest.mark.django_db

YIWU = {"address": "浙江省义乌市稠城街道工人北路1号"}


@pytest.fixture
def world(db):
    return build_small_world()


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def rates_by_service(response):
    return {f"{r['carrier']}.{r['service']}": r for r in response.json()["rates"]}


def test_remote_lane_exact_prices_flags_and_order(api_a, world):
    # 2.3 kg to Xinjiang. SF: 0.5 kg steps -> 2.5 kg; 1.5 kg extra x ¥20/kg = ¥30; + ¥23 first + ¥5 remote.
    # ZTO: whole kg -> 3 kg; 2 kg x ¥12 = ¥24; + ¥10 first; fuel 5% of ¥34 = ¥1.70; + ¥3 remote.
    response = post(api_a, "/api/v1/rates", {"origin": YIWU, "destination": {"address": "新疆乌鲁木齐市天山区解放南路88号"},
                                             "parcel": {"weight_g": 2300}})
    assert response.status_code == 200
    body = response.json()
    assert body["currency"] == "CNY"
    assert [f"{r['carrier']}.{r['service']}" for r in body["rates"]] == ["zto.standard", "sf.standard"]
    zto, sf = body["rates"]
    assert zto == {
        "carrier": "zto", "service": "standard", "service_name": "中通标快", "eligible": True, "reason": None,
        "reason_message": None, "billable_weight_g": 3000, "weight_basis": "actual", "volumetric_weight_g": 0,
        "total_fen": 3870, "cost_fen": 2800,
        "breakdown": [{"code": "first_weight", "amount_fen": 1000}, {"code": "additional_weight", "amount_fen": 2400},
                      {"code": "fuel_surcharge", "amount_fen": 170}, {"code": "remote_surcharge", "amount_fen": 300}],
        "transit_days": 5, "flags": ["cheapest", "recommended"],
    }
    assert sf["billable_weight_g"] == 2500
    assert sf["total_fen"] == 5800 and sf["cost_fen"] == 4700
    assert sf["breakdown"] == [{"code": "first_weight", "amount_fen": 2300},
                               {"code": "additional_weight", "amount_fen": 3000},
                               {"code": "remote_surcharge", "amount_fen": 500}]
    assert sf["flags"] == ["fastest"]
    for rate in body["rates"]:
        assert rate["total_fen"] == sum(line["amount_fen"] for line in rate["breakdown"])


def test_volumetric_weight_wins(api_a, world):
    # 40x30x20 cm = 24,000 cm³: SF ÷6000 -> 4 kg, ZTO ÷8000 -> 3 kg, both above the 1 kg actual weight.
    response = post(api_a, "/api/v1/rates", {"origin": YIWU, "destination": {"province": "浙江"},
                                             "parcel": {"weight_g": 1000, "length_cm": 40, "width_cm": 30,
                                                        "height_cm": 20}})
    rates = rates_by_service(response)
    assert (rates["sf.standard"]["weight_basis"], rates["sf.standard"]["volumetric_weight_g"],
            rates["sf.standard"]["billable_weight_g"], rates["sf.standard"]["total_fen"]) == (
        "volumetric", 4000, 4000, 1800)
    assert (rates["zto.standard"]["billable_weight_g"], rates["zto.standard"]["total_fen"]) == (3000, 1155)


def test_insurance_minimum_and_minimum_charge(api_a, world):
    # ¥100 declared: SF 0.5% = ¥0.50 -> minimum ¥1; ZTO 1% = ¥1 -> minimum ¥2, and its ¥5.25 freight is topped up
    # to the ¥8 minimum charge.
    response = post(api_a, "/api/v1/rates", {"origin": YIWU, "destination": {"province": "330000"},
                                             "parcel": {"weight_g": 500}, "declared_value_fen": 10000})
    rates = rates_by_service(response)
    assert rates["sf.standard"]["breakdown"] == [{"code": "first_weight", "amount_fen": 1200},
                                                 {"code": "insurance", "amount_fen": 100}]
    assert rates["zto.standard"]["breakdown"] == [
        {"code": "first_weight", "amount_fen": 500}, {"code": "fuel_surcharge", "amount_fen": 25},
        {"code": "minimum_charge", "amount_fen": 275}, {"code": "insurance", "amount_fen": 200}]
    assert rates["zto.standard"]["total_fen"] == 1000


def test_ineligible_services_follow_with_reasons(api_a, world):
    response = post(api_a, "/api/v1/rates", {"origin": YIWU, "destination": {"province": "广东"},
                                             "parcel": {"weight_g": 40_000}})
    rates = response.json()["rates"]
    assert [(r["carrier"], r["eligible"], r["reason"]) for r in rates] == [
        ("sf", True, None), ("zto", False, "overweight")]
    response = post(api_a, "/api/v1/rates", {"origin": YIWU, "destination": {"province": "广东"},
                                             "parcel": {"weight_g": 1000}})
    zto = rates_by_service(response)["zto.standard"]
    assert (zto["eligible"], zto["reason"], zto["total_fen"], zto["breakdown"]) == (False, "no_rate_for_lane", 0, [])
    assert zto["reason_message"] == "Does not deliver to this province from here"


def test_origin_defaults_to_the_merchant_origin(api_a, merchant_a, world):
    merchant_a[0].origin_region_id = "330782"
    merchant_a[0].save()
    response = post(api_a, "/api/v1/rates", {"destination": {"province": "浙江"}, "parcel": {"weight_g": 1000}})
    assert rates_by_service(response)["sf.standard"]["total_fen"] == 1200


def test_no_origin_and_no_default_is_a_clear_error(api_b, world):
    response = post(api_b, "/api/v1/rates", {"destination": {"province": "浙江"}, "parcel": {"weight_g": 1000}})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "origin_required"


def test_scheduled_card_takes_effect_on_its_date(api_a, world, monkeypatch):
    today = clock.today()
    monkeypatch.setattr(clock, "today", lambda: today)
    new = RateCard.objects.create(service=world["sf"].service, origin_id="330782",
                                  effective_from=today + dt.timedelta(days=1), list_remote_surcharge_fen=500)
    RateCardLane.objects.create(card=new, destination_id="330000", list_first_fen=1500, list_additional_per_kg_fen=200,
                                cost_first_fen=1000, cost_additional_per_kg_fen=150, transit_days=1)
    body = {"origin": YIWU, "destination": {"province": "浙江"}, "parcel": {"weight_g": 1000}}
    assert rates_by_service(post(api_a, "/api/v1/rates", body))["sf.standard"]["total_fen"] == 1200
    monkeypatch.setattr(clock, "today", lambda: today + dt.timedelta(days=1))
    assert rates_by_service(post(api_a, "/api/v1/rates", body))["sf.standard"]["total_fen"] == 1500


def test_batch_answers_in_input_order_like_the_single_endpoint(api_a, world):
    parcels = [
        {"ref": "A-1", "origin": YIWU, "destination": {"province": "新疆"}, "parcel": {"weight_g": 2300}},
        {"ref": "A-2", "origin": YIWU, "destination": {"province": "广东"}, "parcel": {"weight_g": 40_000}},
        {"ref": "A-3", "origin": YIWU, "destination": {"address": "杭州市西湖区文三路90号"},
         "parcel": {"weight_g": 500}, "declared_value_fen": 10000},
    ]
    response = post(api_a, "/api/v1/rates/batch", {"parcels": parcels})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["ref"] for r in results] == ["A-1", "A-2", "A-3"]
    for parcel, result in zip(parcels, results, strict=True):
        single = {k: v for k, v in parcel.items() if k != "ref"}
        assert result["rates"] == post(api_a, "/api/v1/rates", single).json()["rates"]
    assert [r["total_fen"] for r in results[0]["rates"]] == [3870, 5800]


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"origin": YIWU, "destination": {"province": "浙江"}, "parcel": {"weight_g": -5}}, 422, "invalid_request"),
    ({"origin": YIWU, "destination": {"province": "浙江"}, "parcel": {"weight_g": 0}}, 422, "invalid_request"),
    ({"origin": YIWU, "destination": {"province": "火星"}, "parcel": {"weight_g": 100}}, 400, "region_unknown"),
    ({"origin": YIWU, "destination": {}, "parcel": {"weight_g": 100}}, 422, "invalid_request"),
    ({"origin": YIWU, "destination": {"province": "浙江"}}, 422, "invalid_request"),
    ({"origin": YIWU, "destination": {"province": "浙江"}, "parcel": {"weight_g": "heavy"}}, 422, "invalid_request"),
    ({"origin": YIWU, "destination": {"province": "浙江"}, "parcel": {"weight_g": 100, "length_cm": 900}}, 422,
     "invalid_request"),
    ({"origin": {"address": "随便写的地方"}, "destination": {"province": "浙江"}, "parcel": {"weight_g": 100}}, 400,
     "address_missing_region"),
])
def test_bad_input_gets_a_clear_4xx(api_a, world, body, status, code):
    response = post(api_a, "/api/v1/rates", body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_malformed_json_is_a_4xx(api_a, world):
    response = api_a.post("/api/v1/rates", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == {"code": "bad_request", "message": "Cannot parse request body"}


def test_batch_limit_and_bad_items(api_a, world):
    item = {"origin": YIWU, "destination": {"province": "浙江"}, "parcel": {"weight_g": 100}}
    response = post(api_a, "/api/v1/rates/batch", {"parcels": [item] * 10_001})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert post(api_a, "/api/v1/rates/batch", {"parcels": []}).status_code == 422
    bad = {**item, "destination": {"province": "火星"}}
    response = post(api_a, "/api/v1/rates/batch", {"parcels": [item, bad, item, bad]})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_parcels"
    assert [d["index"] for d in error["details"]] == [1, 3]


def test_rates_need_credentials(client, world):
    response = post(client, "/api/v1/rates", {"origin": YIWU, "destination": {"province": "浙江"},
                                              "parcel": {"weight_g": 100}})
    assert response.status_code == 401
