from __future__ import annotations

import pytest
from django.test import Client

from parcelhub.billing import services
from parcelhub.billing.models import LedgerTransaction, Recharge
from parcelhub.billing.selectors import wallet_for
from tests.billing.conftest import fund

pytestmark = pytest.mark.django_db


def test_wallet(api_a, mch_a, operator_factory):
    assert api_a.get("/api/v1/wallet").json() == {"balance_fen": 0, "credit_limit_fen": 0, "bonus_fen": 0,
                                                   "available_fen": 0, "currency": "CNY"}
    fund(mch_a, 12_345)
    services.wallet_set_credit_limit(merchant=mch_a, credit_limit_fen=5_000, actor=operator_factory("risk"))
    assert api_a.get("/api/v1/wallet").json() == {"balance_fen": 12_345, "credit_limit_fen": 5_000,
                                                   "bonus_fen": 0, "available_fen": 17_345, "currency": "CNY"}


def test_console_session_reads_the_wallet_too(console_a, mch_a):
    fund(mch_a, 100)
    assert console_a.get("/api/v1/wallet").json()["balance_fen"] == 100


@pytest.mark.parametrize("path", ["/api/v1/wallet", "/api/v1/wallet/transactions",
                                  "/api/v1/wallet/recharges/rch_x"])
def test_401_without_credentials(path):
    response = Client().get(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_401_on_recharge_without_credentials(mch_a):
    response = Client().post("/api/v1/wallet/recharges", {"amount_fen": 10_000}, content_type="application/json")
    assert response.status_code == 401
    assert Recharge.objects.count() == 0


def test_transactions_newest_first_with_only_the_merchants_entries(api_a, mch_a, clock_at):
    clock_at(2027, 3, 1, 9, 0)
    fund(mch_a, 5_000)
    clock_at(2027, 3, 1, 10, 0)
    charge = services.wallet_charge(merchant=mch_a, amount_fen=1_442, cost_fen=1_100, carrier_code="sf",
                                    reference="shp_01", memo="to 新疆",
                                    lines=[("first_weight", 1_000), ("fuel_surcharge", 442)])
    body = api_a.get("/api/v1/wallet/transactions").json()
    assert body["has_more"] is False and body["next_before"] is None
    first, second = body["items"]
    assert first == {"id": charge.public_id, "kind": "charge", "reference": "shp_01", "memo": "to 新疆",
                     "created_at": "2027-03-01T02:00:00+00:00", "amount_fen": -1_442, "bonus_amount_fen": 0,
                     "balance_after_fen": 3_558, "currency": "CNY",
                     "lines": [{"code": "first_weight", "amount_fen": 1_000},
                               {"code": "fuel_surcharge", "amount_fen": 442}],
                     "entries": [{"account": "wallet", "amount_fen": -1_442, "balance_after_fen": 3_558}]}
    assert (second["kind"], second["amount_fen"], second["balance_after_fen"]) == ("recharge", 5_000, 5_000)
    # The platform's cost and margin never reach the merchant.
    assert "1100" not in str(body) and "342" not in str(body)


def test_transactions_paginate_by_keyset(api_a, mch_a):
    fund(mch_a, 10_000)
    for i in range(5):
        services.wallet_charge(merchant=mch_a, amount_fen=100 + i, cost_fen=80, carrier_code="zto",
                               reference=f"shp_{i}")
    page1 = api_a.get("/api/v1/wallet/transactions?limit=2").json()
    assert [t["reference"] for t in page1["items"]] == ["shp_4", "shp_3"]
    assert page1["has_more"] is True and page1["next_before"] == page1["items"][-1]["id"]
    page2 = api_a.get(f"/api/v1/wallet/transactions?limit=2&before={page1['next_before']}").json()
    assert [t["reference"] for t in page2["items"]] == ["shp_2", "shp_1"]
    page3 = api_a.get(f"/api/v1/wallet/transactions?limit=2&before={page2['next_before']}").json()
    assert [t["kind"] for t in page3["items"]] == ["charge", "recharge"]
    assert page3["has_more"] is False and page3["next_before"] is None


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x"])
def test_transactions_bad_limit_is_422(api_a, query):
    response = api_a.get(f"/api/v1/wallet/transactions?{query}")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")


def test_transactions_list_queries_do_not_grow_with_the_page(api_a, mch_a, django_assert_max_num_queries):
    fund(mch_a, 100_000)
    for i in range(30):
        services.wallet_charge(merchant=mch_a, amount_fen=100, cost_fen=80, carrier_code="zto", reference=f"s{i}")
    with django_assert_max_num_queries(7):  # includes the key's plan (api_access) and the bonus entries
        assert len(api_a.get("/api/v1/wallet/transactions?limit=100").json()["items"]) == 31


def test_create_recharge(api_a, mch_a):
    response = api_a.post("/api/v1/wallet/recharges", {"amount_fen": 500_000}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    recharge = Recharge.objects.get()
    assert body["id"] == recharge.public_id and body["id"].startswith("rch_")
    assert (body["status"], body["amount_fen"], body["currency"], body["paid_at"]) == ("pending", 500_000, "CNY", None)
    assert body["checkout_url"] == f"http://testserver/billing/sandbox/checkout/{recharge.public_id}/"
    assert api_a.get(f"/api/v1/wallet/recharges/{recharge.public_id}").json()["status"] == "pending"


def test_create_recharge_is_idempotent_with_a_key(api_a):
    headers = {"HTTP_IDEMPOTENCY_KEY": "recharge-2027-03-01"}
    first = api_a.post("/api/v1/wallet/recharges", {"amount_fen": 10_000}, content_type="application/json", **headers)
    again = api_a.post("/api/v1/wallet/recharges", {"amount_fen": 10_000}, content_type="application/json", **headers)
    assert again.json() == first.json()
    assert Recharge.objects.count() == 1


@pytest.mark.parametrize(("payload", "status", "code"), [
    ({"amount_fen": 99}, 422, "invalid_amount"),
    ({"amount_fen": 100_000_001}, 422, "invalid_amount"),
    ({"amount_fen": "lots"}, 422, "invalid_request"),
    ({}, 422, "invalid_request"),
])
def test_create_recharge_refuses_bad_amounts(api_a, payload, status, code):
    response = api_a.post("/api/v1/wallet/recharges", payload, content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert Recharge.objects.count() == 0


def test_merchant_b_sees_nothing_of_a(api_a, api_b, mch_a, mch_b):
    fund(mch_a, 5_000)
    recharge = Recharge.objects.get()
    response = api_b.get(f"/api/v1/wallet/recharges/{recharge.public_id}")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert api_b.get("/api/v1/wallet").json()["balance_fen"] == 0
    assert api_b.get("/api/v1/wallet/transactions").json()["items"] == []
    a_txn = LedgerTransaction.objects.get().public_id
    assert api_b.get(f"/api/v1/wallet/transactions?before={a_txn}").status_code == 404
    assert wallet_for(mch_a).balance_fen == 5_000
