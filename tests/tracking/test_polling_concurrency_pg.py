"""Four pollers at once over 40 due trackers (PostgreSQL): each tracker is polled exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from parcelhub.core import clock
from parcelhub.tracking.models import Tracking, TrackingEvent
from parcelhub.tracking.polling import poll_due_trackings
from tests.concurrency import in_threads
from tests.tracking.pg_world import bought_parcels

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PARCELS = 40
POLLERS = 4
T0 = dt.datetime(2026, 10, 13, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def due(transactional_db, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("claim races are tested on PostgreSQL (SQLite serialises every writer)")
    monkeypatch.setattr(clock, "now", lambda: T0)
    bought_parcels("轮询并发商家", PARCELS)
    monkeypatch.setattr(clock, "now", lambda: T0 + dt.timedelta(hours=1))


def test_each_due_tracker_is_claimed_by_exactly_one_poller(due):
    results = in_threads(POLLERS, lambda i: poll_due_trackings(limit=PARCELS))
    assert not [r for r in results if isinstance(r, Exception)]
    claimed = [pk for r in results for pk in r.claimed_ids]
    assert sorted(claimed) == sorted(Tracking.objects.values_list("pk", flat=True))
    assert sum(r.polled for r in results) == PARCELS
    assert TrackingEvent.objects.count() == PARCELS            # each label's "created", stored once
    assert set(Tracking.objects.values_list("next_poll_at", "poll_interval_s")) == {
        (T0 + dt.timedelta(hours=2), 3600)}
