"""Plans API: catalogue, status, quote, change (402 on short funds, nothing written), trial once, tenancy,
idempotency, and the ninja gate's 402 `plan_feature_required`."""

from __future__ import annotations

import pytest
from django.test import Client

from parcelhub.billing.selectors import wallet_for
from parcelhub.plans.models import Plan, PlanInvoice
from tests.plans.conftest import fund

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: dict | None = None, **headers):
    return client.post(path, body or {}, content_type="application/json", **headers)


def test_catalogue_and_free_status(api_a):
    plans = api_a.get("/api/v1/plans").json()
    assert [(p["code"], p["price_monthly_fen"], p["price_annual_fen"]) for p in plans] == [
        ("free", 0, 0), ("pro", 9_900, 99_000), ("enterprise", 49_900, 499_000)]
    assert plans[0]["bulk_import_max_rows"] == 1000 and plans[2]["bulk_import_max_rows"] is None
    assert api_a.get("/api/v1/plan").json() == {
        "plan": "free", "name": "Free", "status": "free", "billing_cycle": "", "period_end": None,
        "auto_renew": False, "trial_available": True, "features": ["api_access", "bulk_import", "sms_quota"]}


def test_quote_then_change(api_a, mch_a, clock_at):
    clock_at(2026, 11, 23, 10, 0)
    fund(mch_a, 100_000)
    quote = api_a.get("/api/v1/plan/quote?plan=pro&billing_cycle=annual").json()
    assert quote == {"plan": "pro", "billing_cycle": "annual", "kind": "subscribe", "period_start": "2026-11-23",
                     "period_end": "2027-11-22", "price_fen": 99_000, "credit_fen": 0, "due_fen": 99_000,
                     "currency": "CNY"}
    response = post(api_a, "/api/v1/plan/change", {"plan": "pro", "billing_cycle": "annual",
                                                   "expected_due_fen": 99_000})
    assert response.status_code == 201
    body = response.json()
    assert (body["invoice"]["kind"], body["invoice"]["amount_fen"], body["invoice"]["transaction"][:4]) == (
        "subscribe", 99_000, "txn_")
    assert (body["subscription"]["plan"], body["subscription"]["status"], body["subscription"]["period_end"]) == (
        "pro", "active", "2027-11-22")
    assert wallet_for(mch_a).balance_fen == 1_000
    invoices = api_a.get("/api/v1/plan/invoices").json()
    assert [(i["kind"], i["price_fen"]) for i in invoices] == [("subscribe", 99_000)]


def test_short_funds_are_a_402_and_write_nothing(api_a, mch_a):
    fund(mch_a, 100)
    response = post(api_a, "/api/v1/plan/change", {"plan": "enterprise", "billing_cycle": "monthly"})
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "insufficient_funds"
    assert PlanInvoice.objects.count() == 0
    assert api_a.get("/api/v1/plan").json()["plan"] == "free"


def test_unknown_plan_and_cycle(api_a):
    assert api_a.get("/api/v1/plan/quote?plan=gold").json()["error"]["code"] == "plan_unknown"
    response = post(api_a, "/api/v1/plan/change", {"plan": "pro", "billing_cycle": "weekly"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "billing_cycle_invalid")


def test_trial_once_and_only_for_this_merchant(api_a, api_b):
    first = post(api_a, "/api/v1/plan/trial")
    assert (first.status_code, first.json()["plan"], first.json()["status"]) == (201, "pro", "trial")
    again = post(api_a, "/api/v1/plan/trial")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "trial_used")
    assert api_b.get("/api/v1/plan").json()["plan"] == "free"
    assert api_b.get("/api/v1/plan/invoices").json() == []


def test_a_repeated_change_with_the_same_idempotency_key_charges_once(api_a, mch_a):
    fund(mch_a, 20_000)
    body = {"plan": "pro", "billing_cycle": "monthly"}
    first = post(api_a, "/api/v1/plan/change", body, HTTP_IDEMPOTENCY_KEY="k-1")
    second = post(api_a, "/api/v1/plan/change", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert PlanInvoice.objects.count() == 1
    assert wallet_for(mch_a).balance_fen == 10_100


def test_401_without_credentials():
    assert Client().get("/api/v1/plan").status_code == 401
    assert post(Client(), "/api/v1/plan/trial").status_code == 401


@pytest.mark.urls("tests.plans.gate_urls")
def test_the_api_gate_answers_402_until_the_plan_has_the_feature(mch_a, api_a):
    from parcelhub.plans.services import trial_start

    response = api_a.get("/gate/reports")
    assert response.status_code == 402
    error = response.json()["error"]
    assert (error["code"], error["details"]["feature"], error["details"]["upgrade_to"]) == (
        "plan_feature_required", "insight_reports", "pro")
    trial_start(merchant=mch_a)
    response = api_a.get("/gate/reports")
    assert (response.status_code, response.json()) == (200, {"ok": True})


def test_a_plan_without_api_access_gets_402_except_on_the_plan_endpoints(api_a, console_a, mch_a):
    free = Plan.objects.get(code="free")
    free.features = ["bulk_import", "sms_quota"]
    free.save()
    response = api_a.get("/api/v1/wallet")
    assert response.status_code == 402
    assert (response.json()["error"]["code"], response.json()["error"]["details"]["upgrade_to"]) == (
        "plan_feature_required", "pro")
    assert api_a.get("/api/v1/plan").status_code == 200           # it can still see and change its plan
    assert console_a.get("/api/v1/wallet").status_code == 200      # the console's own calls are not "API access"
    from parcelhub.plans.services import trial_start

    trial_start(merchant=mch_a)
    assert api_a.get("/api/v1/wallet").status_code == 200
