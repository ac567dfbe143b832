from __future__ import annotations

import datetime as dt
import json
import pathlib
import re

import pytest
from django.conf import settings
from django.core import mail

from parcelhub.notify import delivery, services
from parcelhub.notify.channels import sign
from parcelhub.notify.models import Outbox, WebhookDelivery, WebhookEndpoint
from parcelhub.tracking.status import Status
from tests.notify.conftest import T0, move

pytestmark = pytest.mark.django_db

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "notifications.md"


def documented_verifier():
    """The verification snippet exactly as docs/notifications.md prints it."""
    text = DOC.read_text(encoding="utf-8")
    code = re.search(r"<!-- verify-snippet -->\s*```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 (our own documentation)
    return namespace["verify_parcelhub_signature"]


@pytest.fixture
def endpoint(merchant_a, receiver):
    return services.webhook_endpoint_create(merchant=merchant_a[0], url=receiver.url,
                                            events=["shipment.status_changed", "shipment.delivered"])


def deliver_due() -> list[str | None]:
    return [delivery.outbox_deliver(pk) for pk in
            Outbox.objects.filter(channel="webhook").order_by("pk").values_list("pk", flat=True)]


def test_deliveries_are_signed_as_documented(endpoint, receiver, shipment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        move(shipment, Status.DELIVERED, text="已签收")
    assert [r["headers"]["ParcelHub-Event-Type"] for r in receiver.requests] == [
        "shipment.status_changed", "shipment.delivered"]
    verify = documented_verifier()
    for request in receiver.requests:
        header = request["headers"]["ParcelHub-Signature"]
        assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64}", header)
        assert verify(endpoint.secret, header, request["body"])
        assert not verify("whsec_wrong", header, request["body"])
        assert not verify(endpoint.secret, header, request["body"] + b" ")
    body = json.loads(receiver.requests[1]["body"])
    row = Outbox.objects.get(event_type="shipment.delivered")
    assert body == {"id": row.public_id, "type": "shipment.delivered", "created": body["created"], "livemode": True,
                    "data": {"shipment_id": shipment.public_id, "reference": "T-1001", "carrier": "zto",
                             "service": shipment.service_name, "waybill_no": shipment.waybill_no,
                             "old_status": "created", "status": "delivered", "exception_kind": "",
                             "occurred_at": T0.isoformat(), "description": "已签收",
                             "tracking_url": f"{settings.SITE_URL}/t/{shipment.public_id}"}}
    assert receiver.requests[1]["headers"]["ParcelHub-Event-Id"] == row.public_id
    log = list(WebhookDelivery.objects.order_by("pk").values_list("attempt", "status_code", "error"))
    assert log == [(1, 200, ""), (1, 200, "")]


def test_an_old_signature_is_refused_by_the_snippet(endpoint):
    verify = documented_verifier()
    body = b'{"id":"evt_1"}'
    assert verify(endpoint.secret, sign(endpoint.secret, int(dt.datetime.now(dt.UTC).timestamp()), body), body)
    assert not verify(endpoint.secret, sign(endpoint.secret, 1_600_000_000, body), body)
    assert not verify(endpoint.secret, "garbage", body)


def test_only_subscribed_events_are_sent(merchant_a, receiver, shipment):
    services.webhook_endpoint_create(merchant=merchant_a[0], url=receiver.url, events=["shipment.exception"])
    move(shipment, Status.PICKED_UP)
    assert Outbox.objects.filter(channel="webhook").count() == 0
    move(shipment, Status.EXCEPTION, 1, kind="damaged")
    assert list(Outbox.objects.filter(channel="webhook").values_list("event_type", flat=True)) == ["shipment.exception"]


def test_failed_deliveries_are_retried_and_logged(endpoint, receiver, shipment, clock_at):
    clock_at(T0)
    move(shipment, Status.PICKED_UP)
    row = Outbox.objects.get(channel="webhook")
    receiver.codes = [500, 503]
    assert deliver_due() == ["pending"]
    row.refresh_from_db()
    assert (row.attempts, row.last_error, row.next_attempt_at) == (1, "RuntimeError: HTTP 500", T0 + dt.timedelta(minutes=1))
    clock_at(T0 + dt.timedelta(minutes=1))
    assert deliver_due() == ["pending"]
    row.refresh_from_db()
    assert row.next_attempt_at == T0 + dt.timedelta(minutes=3)
    assert WebhookEndpoint.objects.get().consecutive_failures == 2
    clock_at(T0 + dt.timedelta(minutes=3))
    assert deliver_due() == ["sent"]
    assert list(WebhookDelivery.objects.order_by("pk").values_list("attempt", "status_code", "response_body")) == [
        (1, 500, "nope"), (2, 503, "nope"), (3, 200, "ok")]
    assert WebhookEndpoint.objects.get().consecutive_failures == 0
    assert len(receiver.requests) == 3
    assert len({r["headers"]["ParcelHub-Event-Id"] for r in receiver.requests}) == 1


def test_an_unreachable_endpoint_is_logged_without_a_status_code(merchant_a, shipment):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    services.webhook_endpoint_create(merchant=merchant_a[0], url=f"http://127.0.0.1:{port}/x",
                                     events=["shipment.status_changed"])
    move(shipment, Status.PICKED_UP)
    assert deliver_due() == ["pending"]
    entry = WebhookDelivery.objects.get()
    assert entry.status_code is None
    assert "Connection refused" in entry.error
    assert "Connection refused" in Outbox.objects.get(channel="webhook").last_error


def test_an_endpoint_failing_ten_times_in_a_row_is_disabled_and_the_merchant_emailed(
        endpoint, receiver, clock_at, django_capture_on_commit_callbacks):
    clock_at(T0)
    receiver.codes = [500] * 10
    with django_capture_on_commit_callbacks(execute=True):
        rows = [services.webhook_test_send(endpoint=endpoint) for _ in range(10)]
    assert [(row.state, row.attempts) for row in rows] == [("pending", 1)] * 10
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.disabled_at) == (False, 10, T0)
    assert len(receiver.requests) == 10
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@a.example"]
    assert mail.outbox[0].subject == f"Webhook endpoint disabled / Webhook 端点已停用: {receiver.url}"
    assert f"/settings/notifications/webhooks/{endpoint.public_id}/" in mail.outbox[0].body
    clock_at(T0 + dt.timedelta(minutes=1))
    assert delivery.outbox_sweep() == 10
    assert set(Outbox.objects.filter(channel="webhook").values_list("state", "skip_reason")) == {
        ("skipped", "endpoint_disabled")}
    assert len(receiver.requests) == 10
    with pytest.raises(services.DomainError):
        services.webhook_test_send(endpoint=endpoint)
    services.webhook_endpoint_enable(endpoint=endpoint)
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.disabled_at) == (True, 0, None)
    assert services.webhook_test_send(endpoint=endpoint).state == "sent"


def test_a_test_event_is_sent_at_once(endpoint, receiver):
    row = services.webhook_test_send(endpoint=endpoint)
    assert (row.state, row.attempts) == ("sent", 1)
    body = json.loads(receiver.requests[0]["body"])
    assert (body["type"], body["id"], body["data"]) == (
        "test", row.public_id, {"message": "ParcelHub test event", "endpoint_id": endpoint.public_id})


def test_deleted_endpoints_get_nothing_more(endpoint, receiver, shipment):
    move(shipment, Status.PICKED_UP)
    services.webhook_endpoint_delete(endpoint=endpoint)
    assert deliver_due() == ["skipped"]
    assert Outbox.objects.get(channel="webhook").skip_reason == "endpoint_deleted"
    assert receiver.requests == []


def test_redirects_are_failures_not_followed(endpoint, receiver, shipment):
    receiver.codes = [302]
    move(shipment, Status.PICKED_UP)
    assert deliver_due() == ["pending"]
    assert WebhookDelivery.objects.get().status_code == 302
    assert [r["path"] for r in receiver.requests] == ["/hooks/parcelhub"]
