"""CRM API (operator session): segments, members, sizes, profiles, activities, funnel; merchants are refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.crm.models import Activity, Segment, SegmentSize
from parcelhub.insights.models import MerchantDay


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, path, body, method="post"):
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def marketing(operator_factory):
    return login(operator_factory("marketing"))


@pytest.fixture
def shops(db):
    return [Merchant.objects.create(name=n, contact_name="c", phone="1", origin_region_id=o, industry=i)
            for n, o, i in (("义乌小商品", "330782", "small_commodities"), ("义乌饰品", "330782", "small_commodities"),
                            ("广州服饰", "440106", "apparel"))]


def test_segment_create_read_update_members_and_sizes(marketing, shops):
    created = post(marketing, "/api/v1/crm/segments", {"name": "义乌", "definition": {"origin_province": ["330000"]}})
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["definition"], body["size"], body["id"][:4]) == (
        "义乌", {"origin_province": ["330000"]}, 2, "seg_")
    seg = body["id"]
    assert [m["name"] for m in marketing.get(f"/api/v1/crm/segments/{seg}/merchants").json()] == ["义乌小商品",
                                                                                              "义乌饰品"]
    assert [m["name"] for m in marketing.get(f"/api/v1/crm/segments/{seg}/merchants?offset=1").json()] == ["义乌饰品"]
    updated = post(marketing, f"/api/v1/crm/segments/{seg}", {"name": "服饰", "definition": {"industry": "apparel"}},
                   method="put")
    assert (updated.status_code, updated.json()["size"]) == (200, 1)
    SegmentSize.objects.create(segment=Segment.objects.get(), day=dt.date(2026, 11, 1), size=7)
    assert marketing.get(f"/api/v1/crm/segments/{seg}/sizes").json() == [{"day": "2026-11-01", "size": 7}]
    assert post(marketing, "/api/v1/crm/segments/preview", {"definition": {"industry": "small_commodities"}}
                ).json() == {"size": 2}


def test_bad_definitions_are_422_and_create_nothing(marketing, shops):
    response = post(marketing, "/api/v1/crm/segments", {"name": "x", "definition": {"colour": "red"}})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "segment_filter_unknown")
    response = post(marketing, "/api/v1/crm/segments", {"name": "x", "definition": {"rfm": {"r_min": 0}}})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "segment_filter_invalid")
    assert Segment.objects.count() == 0
    assert marketing.get("/api/v1/crm/segments/seg_nope").status_code == 404


def test_only_marketing_edits_segments_and_merchants_get_nothing(operator_factory, shops, api_a, console_a):
    am = login(operator_factory("account_manager"))
    assert post(am, "/api/v1/crm/segments", {"name": "x"}).status_code == 401
    assert am.get("/api/v1/crm/segments").status_code == 200
    target = shops[0].public_id
    for client in (api_a, console_a):
        assert client.get("/api/v1/crm/segments").status_code == 401
        assert client.get(f"/api/v1/crm/merchants/{target}/profile").status_code == 401
        assert post(client, f"/api/v1/crm/merchants/{target}/activities",
                    {"kind": "note", "summary": "x"}).status_code == 401
    assert (Segment.objects.count(), Activity.objects.count()) == (0, 0)


def test_profile_and_activities(operator_factory, shops):
    am_user = operator_factory("account_manager")
    am = login(am_user)
    target = shops[0]
    MerchantDay.objects.create(merchant=target, day=clock.today(), shipments=400, revenue_fen=400_000)
    profile = am.get(f"/api/v1/crm/merchants/{target.public_id}/profile").json()
    assert {k: profile[k] for k in ("volume_band", "lifecycle", "rfm", "belt", "shipments_30d")} == {
        "volume_band": "waist", "lifecycle": "active", "rfm": "533", "belt": "yiwu", "shipments_30d": 400}
    created = post(am, f"/api/v1/crm/merchants/{target.public_id}/activities",
                   {"kind": "call", "summary": "确认双十一备货", "details": {"minutes": 12}})
    assert created.status_code == 201
    listed = am.get(f"/api/v1/crm/merchants/{target.public_id}/activities").json()
    assert [(a["kind"], a["summary"], a["actor"], a["details"]) for a in listed] == [
        ("call", "确认双十一备货", am_user.email, {"minutes": 12})]
    bad = post(am, f"/api/v1/crm/merchants/{target.public_id}/activities", {"kind": "call", "summary": " "})
    assert (bad.status_code, Activity.objects.count()) == (422, 1)
    assert am.get("/api/v1/crm/merchants/mch_nope/profile").status_code == 404


def test_funnel(operator_factory, shops):
    rows = login(operator_factory("sales")).get("/api/v1/crm/onboarding/funnel").json()
    assert rows == [{"key": "", "label": "(direct)", "counts": {
        "signed_up": 3, "first_quote": 0, "first_label": 0, "first_pickup": 0, "ten_labels": 0, "integrated": 0}}]


def test_creating_posts_honour_idempotency_keys(marketing, shops):
    first = marketing.post("/api/v1/crm/segments", data=json.dumps({"name": "义乌", "definition": {}}),
                           content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = marketing.post("/api/v1/crm/segments", data=json.dumps({"name": "义乌", "definition": {}}),
                           content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code, again.json()) == (201, 201, first.json())
    other = marketing.post("/api/v1/crm/segments", data=json.dumps({"name": "广州", "definition": {}}),
                           content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_reused")
    url = f"/api/v1/crm/merchants/{shops[0].public_id}/activities"
    body = json.dumps({"kind": "call", "summary": "回访"})
    one = marketing.post(url, data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-2")
    two = marketing.post(url, data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert (one.status_code, two.status_code, two.json()["id"]) == (201, 201, one.json()["id"])
    bad = marketing.post(url, data=json.dumps({"kind": "call", "summary": " "}), content_type="application/json",
                         HTTP_IDEMPOTENCY_KEY="k-3")
    assert bad.status_code == 422
    assert (Segment.objects.count(), Activity.objects.count()) == (1, 1)
