"""The workbench API: the queue, a task, logging an action (idempotent), a merchant's value; scoping."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from parcelhub.core import clock
from parcelhub.crm.workbench.models import Assignment, MerchantValue, TaskAction
from parcelhub.crm.workbench.services import task_open
from parcelhub.marketing.promotions.models import CouponGrant

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def tasks(managed, merchant_b, am2):
    other, _ = merchant_b
    Assignment.objects.create(merchant=other, manager=am2, assigned_at=clock.now())
    MerchantValue.objects.create(merchant=managed, clv_fen=800_000, p_alive=0.9, expected_active_weeks=40,
                                 margin_per_week_fen=20_000, frequency=30, recency_weeks=30, age_weeks=31,
                                 as_of=clock.today(), computed_at=clock.now())
    a = task_open(merchant=managed, kind="other", title="Small", reason="", value_at_risk_fen=100)
    b = task_open(merchant=managed, kind="churn", title="Big", reason="r", source_ref="chn_9",
                  value_at_risk_fen=50_000)
    theirs = task_open(merchant=other, kind="churn", title="Theirs", reason="")
    return a, b, theirs


def test_queue_and_task(tasks, am):
    a, b, theirs = tasks
    client = client_for(am)
    body = client.get("/api/v1/workbench/tasks").json()
    assert [t["id"] for t in body] == [b.public_id, a.public_id]
    assert (body[0]["kind"], body[0]["value_at_risk_fen"], body[0]["clv_fen"], body[0]["currency"]) == (
        "churn", 50_000, 800_000, "CNY")
    assert client.get(f"/api/v1/workbench/tasks/{b.public_id}").json()["title"] == "Big"
    assert client.get(f"/api/v1/workbench/tasks/{theirs.public_id}").status_code == 404
    assert [t["id"] for t in client.get("/api/v1/workbench/tasks?kind=other").json()] == [a.public_id]


def test_logging_an_offer_is_idempotent_and_grants_once(tasks, am, retention_coupon):
    _, b, _ = tasks
    client = client_for(am)
    payload = json.dumps({"outcome": "offer_made", "note": "via API", "coupon": retention_coupon.public_id})
    first = client.post(f"/api/v1/workbench/tasks/{b.public_id}/actions", payload, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(f"/api/v1/workbench/tasks/{b.public_id}/actions", payload, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again.status_code == 201
    assert first.json() == again.json()
    assert (first.json()["outcome"], first.json()["coupon"]) == ("offer_made", retention_coupon.public_id)
    assert TaskAction.objects.count() == 1 and CouponGrant.objects.count() == 1


@pytest.mark.parametrize(("payload", "status", "code"), [
    ({"outcome": "bogus"}, 422, "task_outcome_invalid"),
    ({"outcome": "offer_made", "coupon": "cpn_nope"}, 422, "coupon_unavailable"),
    ({"outcome": "called", "follow_up_on": "2000-01-01"}, 422, "task_follow_up_past"),
])
def test_bad_actions_change_nothing(tasks, am, payload, status, code):
    _, b, _ = tasks
    response = client_for(am).post(f"/api/v1/workbench/tasks/{b.public_id}/actions", json.dumps(payload),
                                   content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert TaskAction.objects.count() == 0 and CouponGrant.objects.count() == 0


def test_other_managers_merchants_and_anonymous_are_refused(tasks, am2, merchant_a):
    _, b, _ = tasks
    _, owner = merchant_a
    response = client_for(am2).post(f"/api/v1/workbench/tasks/{b.public_id}/actions",
                                    json.dumps({"outcome": "called"}), content_type="application/json")
    assert response.status_code == 404
    assert client_for(owner).get("/api/v1/workbench/tasks").status_code == 401
    assert Client().get("/api/v1/workbench/tasks").status_code == 401
    assert TaskAction.objects.count() == 0


def test_merchant_value(tasks, am, managed, merchant_b):
    body = client_for(am).get(f"/api/v1/workbench/merchants/{managed.public_id}/value").json()
    assert (body["clv_fen"], body["p_alive"], body["currency"]) == (800_000, 0.9, "CNY")
    other, _ = merchant_b
    assert client_for(am).get(f"/api/v1/workbench/merchants/{other.public_id}/value").status_code == 404


def test_a_reused_key_with_another_body_is_refused(tasks, am):
    _, b, _ = tasks
    client = client_for(am)
    url = f"/api/v1/workbench/tasks/{b.public_id}/actions"
    client.post(url, json.dumps({"outcome": "called"}), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = client.post(url, json.dumps({"outcome": "no_answer"}), content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY="k-2")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "idempotency_key_reused")
    assert list(TaskAction.objects.values_list("outcome", flat=True)) == ["called"]
