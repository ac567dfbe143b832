from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from parcelhub.notify import delivery, services
from parcelhub.notify.models import ChangeBatch, Outbox, SmsMessage
from parcelhub.notify.outbox import outbox_expand_pending
from parcelhub.tracking.models import Tracking
from parcelhub.tracking.services import IncomingEvent, tracking_ingest
from parcelhub.tracking.status import Status
from tests.notify.conftest import T0, move

pytestmark = pytest.mark.django_db


def push(shipment, status, *, at=T0, text=""):
    """Ingest one event the way the push receiver does: no composing, no after-commit job run."""
    return tracking_ingest(events=[IncomingEvent(carrier=shipment.carrier_code, waybill_no=shipment.waybill_no,
                                                 occurred_at=at, status=status, description=text or str(status))])


def test_a_status_change_writes_one_bare_row_and_messages_are_composed_after_commit(
        shipment, django_capture_on_commit_callbacks):
    tracking = Tracking.objects.get()
    with django_capture_on_commit_callbacks() as ingest_commit:
        push(shipment, Status.PICKED_UP, text="快件已揽收")
        batch = ChangeBatch.objects.get()
        assert batch.changes == [{"tracking_id": tracking.pk, "shipment_id": shipment.pk, "old": "created",
                                  "new": "picked_up", "exception_kind": "", "occurred_at": T0.isoformat(),
                                  "description": "快件已揽收"}]
        assert Outbox.objects.count() == 0   # nothing composed while the push waits
    # One job after the commit: issue detection, ETA refresh and the messages.
    assert [c.__qualname__ for c in ingest_commit] == ["tracking_ingest.<locals>.<lambda>"]
    with django_capture_on_commit_callbacks() as job_commit:
        ingest_commit[0]()
    assert ChangeBatch.objects.count() == 0
    row = Outbox.objects.get()
    assert (row.channel, row.recipient, row.state, row.attempts, row.status_from, row.status_to) == (
        "sms", "13800138000", "pending", 0, "created", "picked_up")
    assert row.created_at == batch.created_at
    assert SmsMessage.objects.count() == 0
    deliveries = [c for c in job_commit if "enqueue_after_commit" in c.__qualname__]
    assert len(deliveries) == 1
    deliveries[0]()
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("sent", 1, "")
    sms = SmsMessage.objects.get()
    url = f"{settings.SITE_URL}/t/{shipment.public_id}"
    # The same job refreshed the estimate first (tracking's receivers come before notify's), so the text has it.
    eta = Tracking.objects.get().eta_latest
    assert eta is not None
    assert sms.text.startswith(f"【义乌小商品有限公司】张三您好，您的包裹已由中通快递揽收，运单号{shipment.waybill_no}，"
                               f"预计{eta:%m-%d}送达。查看物流：{url} 退订 {settings.SITE_URL}/n/unsubscribe/")
    assert (sms.phone, sms.provider, sms.outbox_id) == ("13800138000", "sandbox", row.pk)


def test_a_rolled_back_change_writes_nothing(shipment):
    with pytest.raises(RuntimeError), transaction.atomic():
        push(shipment, Status.PICKED_UP)
        assert ChangeBatch.objects.count() == 1
        raise RuntimeError("the ingest failed after the signal")
    assert (ChangeBatch.objects.count(), Outbox.objects.count()) == (0, 0)
    assert Tracking.objects.get().status == "created"
    assert outbox_expand_pending() == 0


def test_a_batch_is_expanded_once(shipment):
    push(shipment, Status.PICKED_UP)
    push(shipment, Status.OUT_FOR_DELIVERY, at=T0 + dt.timedelta(hours=5))
    assert ChangeBatch.objects.count() == 2
    assert outbox_expand_pending() == 2
    assert outbox_expand_pending() == 0
    assert list(Outbox.objects.order_by("pk").values_list("channel", "status_to")) == [
        ("sms", "picked_up"), ("sms", "out_for_delivery")]


def test_the_sweep_composes_and_sends_batches_whose_job_was_lost(shipment):
    push(shipment, Status.DELIVERED, text="已签收")   # the after-commit job never ran
    assert delivery.outbox_sweep() == 1
    assert ChangeBatch.objects.count() == 0
    assert Outbox.objects.values_list("channel", "status_to", "state").get() == ("sms", "delivered", "sent")
    assert SmsMessage.objects.count() == 1


def test_late_composing_keeps_the_time_the_change_was_received(shipment, clock_at):
    received = dt.datetime.now(dt.UTC).replace(microsecond=0)
    clock_at(received)
    push(shipment, Status.PICKED_UP, at=received - dt.timedelta(hours=1))
    clock_at(received + dt.timedelta(days=2))   # the worker was down for two days
    outbox_expand_pending()
    row = Outbox.objects.get()     # recent news when it came in: the consignee still hears it
    assert (row.channel, row.created_at, row.next_attempt_at) == ("sms", received, received + dt.timedelta(days=2))


def test_an_exception_texts_the_consignee_and_emails_the_merchant(shipment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        move(shipment, Status.EXCEPTION, kind="address_problem", text="地址不详")
    rows = list(Outbox.objects.order_by("channel").values_list("channel", "recipient", "state"))
    assert rows == [("email", "owner@a.example", "sent"), ("sms", "13800138000", "sent")]
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["owner@a.example"]
    assert email.subject == f"包裹异常：{shipment.waybill_no}（张三）"
    assert email.body.startswith(f"运单 中通快递 {shipment.waybill_no}（订单 T-1001，收件人 张三）状态：异常。\n地址有误\n")
    assert "退订" in email.alternatives[0][0]
    assert "出现异常：地址有误，我们正在处理。" in SmsMessage.objects.get().text


def test_statuses_without_a_channel_write_nothing(shipment):
    move(shipment, Status.IN_TRANSIT)  # in transit: no SMS, no email by default, no webhook endpoint
    assert (Outbox.objects.count(), ChangeBatch.objects.count()) == (0, 0)


def test_ingest_and_composing_take_a_fixed_number_of_queries_whatever_the_batch(api_a, funded):
    from parcelhub.shipping.models import Shipment
    from tests.shipping.conftest import AD_HOC_BODY, post

    services.webhook_endpoint_create(merchant=funded, url="https://erp.example/hook",
                                     events=["shipment.status_changed"])
    for _ in range(3):
        post(api_a, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest"}})
    shipments = list(Shipment.objects.order_by("pk"))
    at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)  # recent news: people get messages too

    def ingest(batch, status):
        return tracking_ingest(events=[IncomingEvent(carrier=s.carrier_code, waybill_no=s.waybill_no, occurred_at=at,
                                                     status=status, description="x") for s in batch])

    with CaptureQueriesContext(connection) as one:
        ingest(shipments[:1], Status.PICKED_UP)
    with CaptureQueriesContext(connection) as one_composed:
        outbox_expand_pending()
    with CaptureQueriesContext(connection) as two:
        ingest(shipments[1:], Status.PICKED_UP)
    with CaptureQueriesContext(connection) as two_composed:
        outbox_expand_pending()
    assert len(one) == len(two)
    assert len(one_composed) == len(two_composed)
    # In the push's transaction on PostgreSQL: lock-read-and-insert (one statement that names the duplicates
    # itself), update, the change batch; SQLite locks, reads the known keys and inserts one by one.
    statements = [q for q in one if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == (3 if connection.vendor == "postgresql" else 5)
    assert Outbox.objects.filter(channel="sms").count() == 3
    assert Outbox.objects.filter(channel="webhook").count() == 3


def test_old_news_reaches_webhooks_but_not_people(shipment, merchant_a):
    """A tracker catching up on a status reached days ago (or history being loaded) does not text anyone."""
    services.webhook_endpoint_create(merchant=merchant_a[0], url="https://erp.example/hook",
                                     events=["shipment.status_changed"])
    push(shipment, Status.PICKED_UP, at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3), text="揽收")
    outbox_expand_pending()
    assert list(Outbox.objects.values_list("channel", flat=True)) == ["webhook"]
