"""The demo's tracking history: past parcels' sandbox journeys stored as the poller would store them."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.carriers.adapters.sandbox import SandboxNetwork, sandbox_collect
from parcelhub.core import clock
from parcelhub.simulation.tracking_world import build_tracking_history
from parcelhub.tracking.models import Tracking, TrackingEvent
from parcelhub.tracking.polling import poll_due_trackings
from tests.shipping.conftest import AD_HOC_BODY, post

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 10, 13, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def past(api_a, funded, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: T0)
    labels = [post(api_a, "/api/v1/shipments", {**AD_HOC_BODY, "reference": f"T-{i}",
                                                 "buy": {"rule": "cheapest"}}).json() for i in range(3)]
    for label in labels[:2]:
        sandbox_collect(carrier=label["carrier"], waybill_no=label["waybill_no"], at=T0 + dt.timedelta(hours=3))
    return funded, [Tracking.objects.get(waybill_no=label["waybill_no"]) for label in labels]


def test_history_is_what_polling_would_have_stored_and_is_built_once(past, monkeypatch):
    merchant, trackings = past
    later = T0 + dt.timedelta(days=3)
    monkeypatch.setattr(clock, "now", lambda: later)
    counts = build_tracking_history(merchants=[merchant], today=later.date())
    assert counts == {"tracked_parcels": 3, "tracking_events": 18}
    for tracking in trackings:
        fetched = SandboxNetwork().fetch_tracking(carrier=tracking.carrier_code, waybill_no=tracking.waybill_no)
        assert list(TrackingEvent.objects.filter(tracking=tracking).values_list("raw_code", "occurred_at")) == [
            (e.code, e.occurred_at) for e in fetched]
    assert [(t.status, t.next_poll_at, t.stopped_at) for t in Tracking.objects.order_by("pk")] == [
        ("delivered", None, later), ("delivered", None, later), ("created", later + dt.timedelta(hours=1), None)]
    assert build_tracking_history(merchants=[merchant], today=later.date()) == {
        "tracked_parcels": 0, "tracking_events": 0}
    monkeypatch.setattr(clock, "now", lambda: later + dt.timedelta(hours=1))
    assert poll_due_trackings().stored == 0                  # the poller carries on without duplicates
