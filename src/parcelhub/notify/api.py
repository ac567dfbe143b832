"""Webhook endpoints API: list, create, delete, send a test event. Deliveries are signed (docs/notifications.md)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from parcelhub.accounts.auth import merchant_auth
from parcelhub.notify import selectors, services
from parcelhub.notify.outbox import EVENT_TYPES

router = Router(tags=["notifications"], auth=merchant_auth)


class WebhookIn(Schema):
    url: str = Field(..., max_length=500, description="http:// or https:// URL that accepts POSTed JSON")
    events: list[str] = Field(default_factory=lambda: [EVENT_TYPES[0]], description=", ".join(EVENT_TYPES))
    description: str = Field("", max_length=120)


class WebhookOut(Schema):
    id: str
    url: str
    description: str
    events: list[str]
    secret: str = Field(..., description="signs every delivery: HMAC-SHA256 of f'{t}.{body}'")
    active: bool
    consecutive_failures: int
    disabled_at: datetime | None
    created_at: datetime


class TestEventOut(Schema):
    event_id: str
    state: str
    attempts: int
    last_error: str


def _payload(endpoint) -> dict:
    return {"id": endpoint.public_id, "url": endpoint.url, "description": endpoint.description,
            "events": endpoint.events, "secret": endpoint.secret, "active": endpoint.is_active,
            "consecutive_failures": endpoint.consecutive_failures, "disabled_at": endpoint.disabled_at,
            "created_at": endpoint.created_at}


@router.get("/webhooks", response=list[WebhookOut], summary="Webhook endpoints")
def webhook_list(request):
    return [_payload(e) for e in selectors.endpoints_for(request.auth.merchant)]


@router.post("/webhooks", response={201: WebhookOut}, summary="Add a webhook endpoint")
def webhook_create(request, body: WebhookIn):
    endpoint = services.webhook_endpoint_create(merchant=request.auth.merchant, url=body.url, events=body.events,
                                                description=body.description, actor=request.auth.user)
    return Status(201, _payload(endpoint))


@router.delete("/webhooks/{endpoint_id}", response={204: None}, summary="Delete a webhook endpoint")
def webhook_delete(request, endpoint_id: str):
    endpoint = selectors.endpoint_get(request.auth.merchant, endpoint_id)
    services.webhook_endpoint_delete(endpoint=endpoint, actor=request.auth.user)
    return Status(204, None)


@router.post("/webhooks/{endpoint_id}/test", response=TestEventOut, summary="Send a test event now")
def webhook_test(request, endpoint_id: str):
    """Sent during the call: `state` is `sent`, or `pending` with `last_error` (retried with back-off)."""
    endpoint = selectors.endpoint_get(request.auth.merchant, endpoint_id)
    row = services.webhook_test_send(endpoint=endpoint, actor=request.auth.user)
    return {"event_id": row.public_id, "state": row.state, "attempts": row.attempts, "last_error": row.last_error}
