from __future__ import annotations

import json

import pytest

from parcelhub.notify.models import Outbox, WebhookEndpoint
from tests.shipping.conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def created(api_a, receiver):
    response = post(api_a, "/api/v1/webhooks", {"url": receiver.url, "events": ["shipment.delivered"],
                                                "description": "ERP"})
    assert response.status_code == 201
    return response.json()


def test_create_and_list(api_a, created, receiver):
    endpoint = WebhookEndpoint.objects.get()
    assert created == {"id": endpoint.public_id, "url": receiver.url, "description": "ERP",
                       "events": ["shipment.delivered"], "secret": endpoint.secret, "active": True,
                       "consecutive_failures": 0, "disabled_at": None, "created_at": created["created_at"]}
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) == 54
    assert [e["id"] for e in api_a.get("/api/v1/webhooks").json()] == [endpoint.public_id]


def test_create_refuses_bad_urls_and_events(api_a):
    response = post(api_a, "/api/v1/webhooks", {"url": "ftp://x.example/h", "events": ["shipment.delivered"]})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "webhook_url_invalid")
    response = post(api_a, "/api/v1/webhooks", {"url": "https://x.example/h", "events": ["order.paid"]})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "webhook_events_required")
    assert WebhookEndpoint.objects.count() == 0


def test_create_is_idempotent(api_a, receiver):
    body = {"url": receiver.url, "events": ["shipment.status_changed"]}
    first = post(api_a, "/api/v1/webhooks", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(api_a, "/api/v1/webhooks", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code, again.json()["id"]) == (201, 201, first.json()["id"])
    assert WebhookEndpoint.objects.count() == 1


def test_send_a_test_event(api_a, created, receiver):
    response = post(api_a, f"/api/v1/webhooks/{created['id']}/test")
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["attempts"], body["last_error"]) == ("sent", 1, "")
    assert json.loads(receiver.requests[0]["body"])["id"] == body["event_id"]


def test_delete(api_a, created):
    assert api_a.delete(f"/api/v1/webhooks/{created['id']}").status_code == 204
    assert api_a.get("/api/v1/webhooks").json() == []
    assert WebhookEndpoint.objects.get().deleted_at is not None
    assert api_a.delete(f"/api/v1/webhooks/{created['id']}").status_code == 404


def test_another_merchant_gets_404_and_changes_nothing(api_b, created, receiver):
    assert api_b.get("/api/v1/webhooks").json() == []
    assert api_b.delete(f"/api/v1/webhooks/{created['id']}").status_code == 404
    assert post(api_b, f"/api/v1/webhooks/{created['id']}/test").status_code == 404
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.deleted_at, endpoint.is_active) == (None, True)
    assert Outbox.objects.count() == 0
    assert receiver.requests == []


def test_without_a_key_401(client):
    assert client.get("/api/v1/webhooks").status_code == 401
