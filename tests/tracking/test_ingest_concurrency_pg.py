"""The same pushes arriving at once on PostgreSQL (the aggregator retries, two receiver processes): every event
is stored once, every status change is recorded once, and each consignee gets each message once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from parcelhub.core import clock
from parcelhub.notify.models import ChangeBatch, Outbox, SmsMessage
from parcelhub.notify.outbox import outbox_expand_pending
from parcelhub.tracking.models import Tracking, TrackingEvent
from parcelhub.tracking.services import IncomingEvent, tracking_ingest
from parcelhub.tracking.status import Status
from tests.concurrency import in_threads
from tests.tracking.pg_world import bought_parcels

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PARCELS = 6
RECEIVERS = 4
T0 = dt.datetime(2026, 10, 13, 2, 0, tzinfo=dt.UTC)
STEPS = [(1, Status.PICKED_UP), (6, Status.IN_TRANSIT), (20, Status.OUT_FOR_DELIVERY), (22, Status.DELIVERED)]


@pytest.fixture
def parcels(transactional_db, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent pushes are tested on PostgreSQL (SQLite serialises every writer)")
    monkeypatch.setattr(clock, "now", lambda: T0)
    bought_parcels("推送并发商家", PARCELS)
    monkeypatch.setattr(clock, "now", lambda: T0 + dt.timedelta(hours=23))
    return list(Tracking.objects.order_by("pk"))


def events(trackings, hours, status):
    return [IncomingEvent(carrier=t.carrier_code, waybill_no=t.waybill_no, occurred_at=T0 + dt.timedelta(hours=hours),
                          status=status, description=f"{status} {t.waybill_no}", raw_code=str(status))
            for t in trackings]


def test_racing_duplicate_pushes_store_and_announce_each_change_once(parcels):
    for hours, status in STEPS:
        # Every receiver gets the whole push, the parcels in a different order each (lock order is by pk).
        results = in_threads(RECEIVERS, lambda i, h=hours, s=status: tracking_ingest(
            events=events(parcels[i:] + parcels[:i], h, s)))
        assert not [r for r in results if isinstance(r, Exception)]
        assert sum(r.stored for r in results) == PARCELS
        assert sum(r.duplicates for r in results) == PARCELS * (RECEIVERS - 1)
        assert sum(len(r.changes) for r in results) == PARCELS
    assert TrackingEvent.objects.count() == PARCELS * len(STEPS)
    assert set(Tracking.objects.values_list("status", flat=True)) == {"delivered"}
    # Huey runs immediately in the tests: each committed ingest's job composed and sent its messages.
    assert ChangeBatch.objects.count() == 0
    # SMS by default for picked up, out for delivery and delivered (not in transit): one each per parcel.
    assert Outbox.objects.filter(channel="sms").count() == PARCELS * 3
    assert SmsMessage.objects.count() == PARCELS * 3
    assert set(Outbox.objects.values_list("state", flat=True)) == {"sent"}


def test_racing_workers_expand_each_batch_once(parcels, monkeypatch):
    from parcelhub.tracking import services as tracking_services

    # The after-commit jobs are lost (no worker ran): the batches wait for whoever sweeps first.
    monkeypatch.setattr(tracking_services, "after_status_changes", lambda ids: None)
    for hours, status in STEPS:
        tracking_ingest(events=events(parcels, hours, status))
    assert ChangeBatch.objects.count() == len(STEPS)
    results = in_threads(RECEIVERS, lambda i: outbox_expand_pending())
    assert sum(results) == len(STEPS)
    assert ChangeBatch.objects.count() == 0
    assert Outbox.objects.filter(channel="sms").count() == PARCELS * 3
