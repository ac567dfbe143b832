from __future__ import annotations

import datetime as dt
import re

import pypdfium2
import pytest

from parcelhub.billing.models import LedgerEntry, LedgerTransaction
from parcelhub.carriers.adapters.sandbox import WAYBILL_PATTERNS
from parcelhub.carriers.sandbox_models import SandboxWaybill
from parcelhub.core import clock
from parcelhub.shipping.models import Shipment
from tests.conftest import bearer_client
from tests.shipping.conftest import HANGZHOU, ZTO_1KG_HANGZHOU_FEN, balance, post

pytestmark = pytest.mark.django_db

AD_HOC = {"recipient": HANGZHOU, "parcel": {"weight_g": 1000}, "reference": "T-1001", "items_summary": "帆布包 ×1"}


def test_create_and_buy_cheapest_in_one_call(api_a, funded):
    response = post(api_a, "/api/v1/shipments", {**AD_HOC, "buy": {"rule": "cheapest"}})
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["carrier"], body["service"], body["total_fen"]) == (
        "purchased", "zto", "standard", ZTO_1KG_HANGZHOU_FEN)
    assert re.fullmatch(WAYBILL_PATTERNS["zto"], body["waybill_no"])
    assert body["breakdown"] == [{"code": "first_weight", "amount_fen": 500},
                                 {"code": "fuel_surcharge", "amount_fen": 25},
                                 {"code": "minimum_charge", "amount_fen": 275}]
    assert body["label_url"] == f"/api/v1/shipments/{body['id']}/label"
    # The wallet paid the list price; the carrier is owed the cost; the platform keeps the margin.
    assert balance(funded) == 10_000 - 800
    charge = LedgerTransaction.objects.get(kind="charge", reference=body["id"])
    amounts = sorted(e.amount_fen for e in LedgerEntry.objects.filter(transaction=charge))
    assert amounts == [-800, 350, 450]


def test_a_retry_with_the_same_idempotency_key_never_buys_twice(api_a, funded):
    first = post(api_a, "/api/v1/shipments", {**AD_HOC, "buy": {"rule": "cheapest"}}, HTTP_IDEMPOTENCY_KEY="buy-1")
    again = post(api_a, "/api/v1/shipments", {**AD_HOC, "buy": {"rule": "cheapest"}}, HTTP_IDEMPOTENCY_KEY="buy-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Shipment.objects.count() == 1
    assert SandboxWaybill.objects.count() == 1
    assert balance(funded) == 10_000 - 800


def test_insufficient_balance_is_402_and_nothing_is_bought(api_a, world, merchant_a):
    response = post(api_a, "/api/v1/shipments", {**AD_HOC, "buy": {"service": "sf.standard"}})
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "insufficient_funds"
    assert Shipment.objects.count() == 0
    assert SandboxWaybill.objects.count() == 0
    assert LedgerTransaction.objects.filter(kind="charge").count() == 0


def test_named_service_that_cannot_take_the_parcel(api_a, funded):
    body = {**AD_HOC, "recipient": {**HANGZHOU, "address": "广东省广州市天河区体育西路100号"},
            "buy": {"service": "zto.standard"}}
    response = post(api_a, "/api/v1/shipments", body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "service_unavailable"
    assert Shipment.objects.count() == 0 and balance(funded) == 10_000


def test_draft_then_buy_then_void_refunds(api_a, funded):
    draft = post(api_a, "/api/v1/shipments", AD_HOC).json()
    assert draft["status"] == "draft" and draft["label_url"] is None
    bought = post(api_a, f"/api/v1/shipments/{draft['id']}/buy", {"service": "sf.standard"})
    assert bought.json()["total_fen"] == 1200 and balance(funded) == 8_800
    assert post(api_a, f"/api/v1/shipments/{draft['id']}/buy", {"rule": "cheapest"}).json()["error"]["code"] == (
        "already_purchased")
    voided = post(api_a, f"/api/v1/shipments/{draft['id']}/void")
    assert voided.status_code == 200
    assert voided.json()["status"] == "voided"
    assert balance(funded) == 10_000
    assert SandboxWaybill.objects.get().cancelled_at is not None


def test_void_after_the_window_is_refused_and_changes_nothing(api_a, funded, monkeypatch):
    shipment = post(api_a, "/api/v1/shipments", {**AD_HOC, "buy": {"rule": "cheapest"}}).json()
    later = clock.now() + dt.timedelta(hours=25)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = post(api_a, f"/api/v1/shipments/{shipment['id']}/void")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "void_window_closed"
    assert Shipment.objects.get().status == "purchased"
    assert balance(funded) == 10_000 - 800


def test_label_pdf(api_a, funded):
    shipment = post(api_a, "/api/v1/shipments", {**AD_HOC, "buy": {"rule": "cheapest"}}).json()
    response = api_a.get(shipment["label_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    assert len(pdf) == 1
    assert shipment["waybill_no"] in pdf[0].get_textpage().get_text_range()


def test_test_mode_keys_are_not_charged(funded, merchant_a):
    response = post(bearer_client(merchant_a[0], mode="test"), "/api/v1/shipments",
                    {**AD_HOC, "buy": {"rule": "cheapest"}})
    assert response.status_code == 201
    assert response.json()["test_mode"] is True
    assert balance(funded) == 10_000
    assert SandboxWaybill.objects.get().test_mode is True


def test_ship_an_order_by_id_marks_it_shipped(api_a, funded):
    order = post(api_a, "/api/v1/orders", {"source": "taobao", "external_id": "TB-1",
                                           "recipient": HANGZHOU, "items": [{"name": "帆布包", "quantity": 1}],
                                           "weight_g": 1000})
    assert order.status_code == 201, order.content
    response = post(api_a, "/api/v1/shipments", {"order_id": order.json()["id"], "buy": {"rule": "cheapest"}})
    assert response.status_code == 201
    assert response.json()["order_id"] == order.json()["id"]
    assert api_a.get(f"/api/v1/orders/{order.json()['id']}").json()["status"] == "shipped"
    post(api_a, f"/api/v1/shipments/{response.json()['id']}/void")
    assert api_a.get(f"/api/v1/orders/{order.json()['id']}").json()["status"] == "pending"


@pytest.mark.parametrize(("body", "code"), [
    ({"parcel": {"weight_g": 1000}}, "invalid_request"),
    ({**AD_HOC, "parcel": {"weight_g": -5}}, "invalid_request"),
    ({**AD_HOC, "recipient": {**HANGZHOU, "phone": "12345"}}, "phone_invalid"),
    ({**AD_HOC, "recipient": {"name": "王五", "phone": "13800138000", "province": "浙江"}}, "address_incomplete"),
    ({**AD_HOC, "buy": {"rule": "slowest"}}, "invalid_request"),
    ({"order_id": "ord_nope", "buy": {"rule": "cheapest"}}, "not_found"),
])
def test_bad_input_is_a_clear_4xx_and_writes_nothing(api_a, funded, body, code):
    response = post(api_a, "/api/v1/shipments", body)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["code"] == code
    assert Shipment.objects.count() == 0 and balance(funded) == 10_000


def test_merchant_b_gets_404_on_a_shipment_of_a_and_nothing_changes(api_a, api_b, funded):
    shipment = post(api_a, "/api/v1/shipments", {**AD_HOC, "buy": {"rule": "cheapest"}}).json()
    for method, path in [("get", f"/api/v1/shipments/{shipment['id']}"),
                         ("get", f"/api/v1/shipments/{shipment['id']}/label"),
                         ("post", f"/api/v1/shipments/{shipment['id']}/void"),
                         ("post", f"/api/v1/shipments/{shipment['id']}/buy")]:
        response = api_b.get(path) if method == "get" else post(api_b, path, {"rule": "cheapest"})
        assert response.status_code == 404, path
    assert Shipment.objects.get().status == "purchased"
    assert balance(funded) == 10_000 - 800
    assert api_b.get("/api/v1/shipments").json() == []


def test_list_paging_is_validated(api_a, funded):
    post(api_a, "/api/v1/shipments", AD_HOC)
    post(api_a, "/api/v1/shipments", {**AD_HOC, "reference": "T-1002"})
    assert [s["reference"] for s in api_a.get("/api/v1/shipments?limit=1&offset=1").json()] == ["T-1001"]
    assert api_a.get("/api/v1/shipments?offset=-1").status_code == 422
    assert api_a.get("/api/v1/shipments?limit=500").status_code == 422
