"""The operator campaign API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from parcelhub.accounts.models import OperatorRole
from parcelhub.core import clock
from parcelhub.marketing.campaigns.models import Campaign, RegionalPush


@pytest.fixture
def api(operator_factory):
    client = Client()
    client.force_login(operator_factory(OperatorRole.MARKETING))
    return client


def body(segment, coupon, **overrides) -> dict:
    today = clock.today()
    return {"name": "双11 红包", "segment": segment.public_id, "offer": coupon.public_id, "control_bp": 2500,
            "starts_on": (today - dt.timedelta(days=3)).isoformat(),
            "ends_on": (today + dt.timedelta(days=6)).isoformat()} | overrides


def post(client, url, data=None, **headers):
    return client.post(url, json.dumps(data or {}), content_type="application/json", headers=headers)


def test_create_launch_report_stop(api, segment, coupon, population):
    created = post(api, "/api/v1/campaigns", body(segment, coupon))
    assert created.status_code == 201
    payload = created.json()
    assert (payload["state"], payload["control_bp"], payload["pre_days"], payload["treatment"]) == ("draft", 2500, 28, 0)
    assert payload["segment"] == segment.public_id and payload["offer"] == coupon.public_id
    # A fixed id makes the hashed split fixed (6 of the 20 in control) instead of random with each run's id.
    Campaign.objects.filter(public_id=payload["id"]).update(public_id="cmp_TESTAPI")
    campaign_id = "cmp_TESTAPI"
    assert api.get("/api/v1/campaigns/preview", {"segment": segment.public_id, "control_bp": 2500}).json() == {
        "size": 20, "treatment": 15, "control": 5}

    launched = post(api, f"/api/v1/campaigns/{campaign_id}/launch").json()
    campaign = Campaign.objects.get(public_id=campaign_id)
    assert launched["state"] == "launched"
    assert (launched["treatment"], launched["control"]) == (
        campaign.assignments.filter(arm="treatment").count(), campaign.assignments.filter(arm="control").count())
    assert (launched["treatment"], launched["control"]) == (14, 6)

    report = api.get(f"/api/v1/campaigns/{campaign_id}/report").json()
    assert (report["treatment"], report["control"], report["redeemed"], report["cost_fen"]) == (
        launched["treatment"], launched["control"], 0, 0)
    assert report["roi"] is None and report["currency"] == "CNY"
    assert {row["metric"] for row in report["effects"]} == {"shipments", "revenue_fen", "margin_fen"}

    again = post(api, f"/api/v1/campaigns/{campaign_id}/launch")
    assert again.status_code == 409 and again.json()["error"]["code"] == "campaign_not_launchable"
    assert post(api, f"/api/v1/campaigns/{campaign_id}/stop").json()["state"] == "stopped"
    assert [c["id"] for c in api.get("/api/v1/campaigns").json()] == [campaign_id]


def test_idempotency_key(api, segment, coupon):
    first = post(api, "/api/v1/campaigns", body(segment, coupon), **{"Idempotency-Key": "k-1"})
    repeat = post(api, "/api/v1/campaigns", body(segment, coupon), **{"Idempotency-Key": "k-1"})
    assert first.status_code == repeat.status_code == 201
    assert first.json() == repeat.json()
    other = post(api, "/api/v1/campaigns", body(segment, coupon, name="另一个"), **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert Campaign.objects.count() == 1
    assert post(api, "/api/v1/campaigns", body(segment, coupon), **{"Idempotency-Key": "k-2"}).status_code == 201
    assert Campaign.objects.count() == 2


@pytest.mark.parametrize("overrides,code", [
    ({"segment": "seg_NOPE"}, "campaign_segment_unknown"),
    ({"offer": "cpn_NOPE"}, "campaign_offer_unknown"),
    ({"control_bp": 9000}, "invalid_campaign"),
])
def test_bad_input_is_422_and_creates_nothing(api, segment, coupon, overrides, code):
    response = post(api, "/api/v1/campaigns", body(segment, coupon) | overrides)
    assert response.status_code == 422 and response.json()["error"]["code"] == code
    assert Campaign.objects.count() == 0


def test_merchants_and_other_operators_are_refused(api_a, console_a, operator_factory, segment, coupon):
    support = Client()
    support.force_login(operator_factory(OperatorRole.SUPPORT))
    for client in (api_a, console_a, support, Client()):
        assert client.get("/api/v1/campaigns").status_code == 401
        assert post(client, "/api/v1/campaigns", body(segment, coupon)).status_code == 401
    assert Campaign.objects.count() == 0


def test_unknown_campaign_is_404(api):
    assert api.get("/api/v1/campaigns/cmp_NOPE/report").status_code == 404
    assert post(api, "/api/v1/campaigns/cmp_NOPE/launch").status_code == 404


def test_regional_push(api):
    today = clock.today()
    created = post(api, "/api/v1/regional-pushes", {
        "name": "义乌地推", "treated_regions": ["330782"], "comparison_regions": ["440100"],
        "starts_on": (today - dt.timedelta(days=5)).isoformat(), "ends_on": today.isoformat()})
    assert created.status_code == 201
    push_id = created.json()["id"]
    report = api.get(f"/api/v1/regional-pushes/{push_id}/report").json()
    assert (report["treated"], report["comparison"], report["effects"]) == (0, 0, [])
    bad = post(api, "/api/v1/regional-pushes", {"name": "x", "treated_regions": ["33"], "comparison_regions": [],
                                                 "starts_on": today.isoformat(), "ends_on": today.isoformat()})
    assert bad.status_code == 422 and RegionalPush.objects.count() == 1
