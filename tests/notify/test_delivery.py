from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.notify import delivery
from parcelhub.notify.models import Outbox, SmsMessage, SmsUsage
from parcelhub.tracking.status import Status
from tests.notify.conftest import move

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)


class DownProvider:
    name = "down"

    def send(self, *, phone: str, text: str) -> str:
        raise RuntimeError("gateway down")


@pytest.fixture
def pending_sms(shipment, clock_at):
    clock_at(NOW)
    move(shipment, Status.PICKED_UP)  # no on-commit callbacks in this test: the row waits
    return Outbox.objects.get()


def test_backoff_doubles_from_one_minute_and_stops_at_two_hours():
    assert [delivery.backoff(n) / MIN for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 64, 120, 120]


def test_failures_are_retried_with_backoff_then_dead_lettered(pending_sms, clock_at, settings):
    settings.NOTIFY_SMS_PROVIDER = "tests.notify.test_delivery.DownProvider"
    when = NOW
    waits = []
    for attempt in range(1, 8):
        assert delivery.outbox_deliver(pending_sms.pk) == "pending"
        pending_sms.refresh_from_db()
        assert (pending_sms.attempts, pending_sms.last_error) == (attempt, "RuntimeError: gateway down")
        waits.append((pending_sms.next_attempt_at - when) / MIN)
        clock_at(pending_sms.next_attempt_at - dt.timedelta(seconds=1))
        assert delivery.outbox_deliver(pending_sms.pk) is None  # not due yet: untouched
        when = pending_sms.next_attempt_at
        clock_at(when)
    assert waits == [1, 2, 4, 8, 16, 32, 64]
    assert delivery.outbox_deliver(pending_sms.pk) == "dead"
    pending_sms.refresh_from_db()
    assert (pending_sms.state, pending_sms.attempts, pending_sms.last_error) == ("dead", 8, "RuntimeError: gateway down")
    assert delivery.outbox_deliver(pending_sms.pk) is None
    assert SmsMessage.objects.count() == 0
    assert SmsUsage.objects.get().count == 0  # failed sends give their quota back


def test_a_retry_that_succeeds_is_sent_once(pending_sms, clock_at, settings):
    settings.NOTIFY_SMS_PROVIDER = "tests.notify.test_delivery.DownProvider"
    assert delivery.outbox_deliver(pending_sms.pk) == "pending"
    del settings.NOTIFY_SMS_PROVIDER
    clock_at(NOW + MIN)
    assert delivery.outbox_deliver(pending_sms.pk) == "sent"
    pending_sms.refresh_from_db()
    assert (pending_sms.state, pending_sms.attempts, pending_sms.sent_at, pending_sms.last_error) == (
        "sent", 2, NOW + MIN, "")
    assert SmsMessage.objects.count() == 1
    assert delivery.outbox_deliver(pending_sms.pk) is None
    assert SmsMessage.objects.count() == 1


def test_two_claims_on_one_row_only_one_wins(pending_sms):
    first = delivery.outbox_claim(pending_sms.pk)
    second = delivery.outbox_claim(pending_sms.pk)
    assert (first.state, first.attempts, second) == ("sending", 1, None)


def test_a_claim_loses_when_the_row_moved_after_it_was_read(pending_sms, monkeypatch):
    """Worker A reads the row, worker B claims and sends it, then A's compare-and-set matches nothing."""
    real_filter = Outbox.objects.filter
    raced = []

    def racing_filter(*args, **kwargs):
        query = real_filter(*args, **kwargs)
        if kwargs.get("state") == "pending" and "attempts" in kwargs and not raced:
            raced.append(True)
            real_filter(pk=pending_sms.pk).update(state="sent", attempts=1)  # B got there first
        return query

    monkeypatch.setattr(Outbox.objects, "filter", racing_filter)
    assert delivery.outbox_deliver(pending_sms.pk) is None
    monkeypatch.undo()
    assert SmsMessage.objects.count() == 0
    assert Outbox.objects.get().state == "sent"


def test_the_sweeper_sends_due_rows_and_frees_stale_claims(pending_sms, shipment, clock_at):
    move(shipment, Status.OUT_FOR_DELIVERY, hours=5)
    stale = Outbox.objects.get(status_to="out_for_delivery")
    Outbox.objects.filter(pk=stale.pk).update(state="sending", attempts=1, claimed_at=NOW - 11 * MIN)
    assert delivery.outbox_sweep() == 2
    assert list(Outbox.objects.order_by("pk").values_list("state", "attempts")) == [("sent", 1), ("sent", 2)]
    assert SmsMessage.objects.count() == 2
    assert delivery.outbox_sweep() == 0


def test_dead_rows_can_be_queued_again(pending_sms, clock_at):
    from parcelhub.notify import services

    Outbox.objects.filter(pk=pending_sms.pk).update(state="dead", attempts=8, last_error="RuntimeError: x")
    clock_at(NOW + 5 * MIN)
    assert services.outbox_requeue(ids=[pending_sms.pk]) == 1
    assert delivery.outbox_deliver(pending_sms.pk) == "sent"
    pending_sms.refresh_from_db()
    assert (pending_sms.state, pending_sms.attempts) == ("sent", 1)


def test_admin_lists_the_outbox(admin_client, pending_sms):
    assert admin_client.get("/admin/notify/outbox/").status_code == 200


def test_finished_rows_are_purged_after_the_retention_period(pending_sms, shipment, clock_at):
    assert delivery.outbox_deliver(pending_sms.pk) == "sent"
    move(shipment, Status.OUT_FOR_DELIVERY, 3)  # still pending: kept whatever its age
    clock_at(NOW + dt.timedelta(days=90))
    assert delivery.outbox_purge() == 0
    clock_at(NOW + dt.timedelta(days=90, seconds=1))
    assert delivery.outbox_purge() == 1
    assert list(Outbox.objects.values_list("state", flat=True)) == ["pending"]
    assert SmsMessage.objects.get().outbox_id is None  # the SMS log outlives the outbox row
