"""POST/GET /api/v1/orders, GET /api/v1/orders/{id}, POST /api/v1/orders/{id}/cancel."""

from __future__ import annotations

import json

import pytest

from parcelhub.orders.models import Order
from parcelhub.orders.services import ItemInput, RecipientInput, order_create
from tests.conftest import bearer_client

BODY = {
    "source": "taobao", "external_id": "3389012345678901234",
    "recipient": {"name": "王芳", "phone": "13857100001", "address": "浙江省杭州市西湖区文三路90号东部软件园1号楼"},
    "items": [{"sku_code": "YW-SOCK-5P", "quantity": 2}, {"name": "晴雨伞", "quantity": 1, "unit_price_fen": 2990}],
}


def post(client, path, body=None, **headers):
    return client.post(path, data=json.dumps(body or {}), content_type="application/json", **headers)


def test_create_answers_201_with_the_order(api_a, merchant_a, skus_a):
    response = post(api_a, "/api/v1/orders", BODY)
    assert response.status_code == 201
    body = response.json()
    order = Order.objects.get()
    assert body == {
        "id": order.public_id, "source": "taobao", "external_id": "3389012345678901234", "status": "pending",
        "recipient": {"name": "王芳", "phone": "13857100001", "province": "浙江省", "city": "杭州市", "district": "西湖区",
                      "adcode": "330106", "detail": "文三路90号东部软件园1号楼"},
        "items": [{"sku_code": "YW-SOCK-5P", "name": "纯棉中筒袜 5双装", "quantity": 2, "unit_price_fen": 1590},
                  {"sku_code": "", "name": "晴雨伞", "quantity": 1, "unit_price_fen": 2990}],
        "declared_value_fen": 6170, "currency": "CNY", "weight_g": 1000, "weight_estimated": True,
        "length_cm": None, "width_cm": None, "height_cm": None, "test_mode": True,
        "created_at": body["created_at"], "shipped_at": None, "cancelled_at": None,
    }
    assert order.merchant == merchant_a[0]


def test_create_with_split_address_and_parcel(api_a):
    body = {"recipient": {"name": "李强", "phone": "010-65661234", "province": "北京", "city": "北京市",
                          "district": "朝阳区", "detail": "建国路88号"},
            "items": [{"name": "耳机", "quantity": 1, "unit_price_fen": 29900}], "weight_g": 450,
            "length_cm": 20, "width_cm": 15, "height_cm": 8}
    response = post(api_a, "/api/v1/orders", body)
    assert response.status_code == 201
    got = response.json()
    assert (got["source"], got["recipient"]["city"], got["recipient"]["adcode"], got["weight_g"],
            got["weight_estimated"], got["height_cm"]) == ("api", "北京市", "110105", 450, False, 8)


def test_idempotency_key_replays_without_a_second_order(api_a):
    first = post(api_a, "/api/v1/orders", BODY, HTTP_IDEMPOTENCY_KEY="order-1")
    again = post(api_a, "/api/v1/orders", BODY, HTTP_IDEMPOTENCY_KEY="order-1")
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")
    assert again.content == first.content
    assert Order.objects.count() == 1


def test_same_marketplace_order_without_a_key_is_a_409(api_a):
    post(api_a, "/api/v1/orders", BODY)
    response = post(api_a, "/api/v1/orders", BODY)
    assert response.status_code == 409
    assert response.json() == {"error": {
        "code": "duplicate_order", "message": "An order 3389012345678901234 from Taobao / Tmall already exists.",
        "details": {"source": "taobao", "external_id": "3389012345678901234"}}}
    assert Order.objects.count() == 1


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"recipient": {"name": "王芳", "phone": "12345", "address": "浙江省杭州市西湖区文三路90号"}}, 422, "phone_invalid"),
    ({"recipient": {"name": "王芳", "phone": "13857100001", "address": "火星"}}, 422, "address_missing_region"),
    ({"items": []}, 422, "invalid_request"),
    ({"items": [{"name": "伞", "quantity": 0}]}, 422, "invalid_request"),
    ({"items": [{"quantity": 1}]}, 422, "item_name_missing"),
    ({"declared_value_fen": -1}, 422, "invalid_request"),
    ({"source": "amazon"}, 422, "invalid_request"),
])
def test_bad_input_is_a_4xx_with_a_code_and_nothing_written(change, status, code, api_a):
    response = post(api_a, "/api/v1/orders", {**BODY, **change})
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert Order.objects.count() == 0


@pytest.fixture
def listed(merchant_a, merchant_b):
    """Test-mode orders of A (what A's test key sees), one live order of A and one of B."""
    def make(merchant, external_id, source="taobao", test_mode=True, address="浙江省杭州市西湖区文三路90号"):
        return order_create(merchant=merchant, source=source, external_id=external_id, test_mode=test_mode,
                            recipient=RecipientInput("王芳", "13857100001", address=address),
                            items=[ItemInput(1, name="伞", sku_code=f"SKU-{external_id}")])

    return {"t1": make(merchant_a[0], "T1"), "j1": make(merchant_a[0], "J1", "jd", address="北京市朝阳区建国路88号"),
            "t2": make(merchant_a[0], "T2"), "live": make(merchant_a[0], "LIVE", test_mode=False),
            "b": make(merchant_b[0], "B1")}


def test_list_pages_and_totals(api_a, listed):
    response = api_a.get("/api/v1/orders?limit=2")
    assert response.status_code == 200
    body = response.json()
    assert ([o["external_id"] for o in body["items"]], body["total"], body["limit"], body["offset"]) == (
        ["T2", "J1"], 3, 2, 0)
    second = api_a.get("/api/v1/orders?limit=2&offset=2").json()
    assert ([o["external_id"] for o in second["items"]], second["total"]) == (["T1"], 3)


@pytest.mark.parametrize(("query", "expected"), [
    ("source=jd", ["J1"]),
    ("province=330000", ["T2", "T1"]),
    ("q=sku-t1", ["T1"]),
    ("status=cancelled", []),
    ("created_from=2000-01-01&created_to=2000-01-02", []),
])
def test_list_filters(query, expected, api_a, listed):
    body = api_a.get(f"/api/v1/orders?{query}").json()
    assert [o["external_id"] for o in body["items"]] == expected
    assert body["total"] == len(expected)


def test_list_rejects_bad_filters(api_a):
    response = api_a.get("/api/v1/orders?status=lost&limit=1000")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")


def test_live_key_sees_live_orders_only(merchant_a, listed):
    live = bearer_client(merchant_a[0], mode="live")
    assert [o["external_id"] for o in live.get("/api/v1/orders").json()["items"]] == ["LIVE"]
    assert live.get(f"/api/v1/orders/{listed['t1'].public_id}").status_code == 404


def test_get_one(api_a, listed):
    response = api_a.get(f"/api/v1/orders/{listed['j1'].public_id}")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["recipient"]["district"]) == (listed["j1"].public_id, "朝阳区")


def test_cancel(api_a, listed):
    response = post(api_a, f"/api/v1/orders/{listed['t1'].public_id}/cancel")
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert response.json()["cancelled_at"] is not None
    again = post(api_a, f"/api/v1/orders/{listed['t1'].public_id}/cancel")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "order_not_pending")


def test_merchant_b_gets_404_for_a_order_and_changes_nothing(api_b, listed):
    order = listed["t1"]
    assert api_b.get(f"/api/v1/orders/{order.public_id}").status_code == 404
    response = post(api_b, f"/api/v1/orders/{order.public_id}/cancel")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    order.refresh_from_db()
    assert order.status == "pending"
    assert [o["external_id"] for o in api_b.get("/api/v1/orders").json()["items"]] == ["B1"]


def test_without_credentials_is_401(client, listed):
    assert client.get("/api/v1/orders").status_code == 401
    assert post(client, "/api/v1/orders", BODY).status_code == 401
