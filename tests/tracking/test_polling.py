"""Polling: which trackers are due, what a poll stores, the back-off, when a tracker stops, claims."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.carriers.adapters.base import TrackingEvent as CarrierEvent
from parcelhub.carriers.adapters.sandbox import SandboxNetwork, sandbox_collect
from parcelhub.core import clock
from parcelhub.tracking import polling
from parcelhub.tracking.models import Tracking, TrackingEvent
from parcelhub.tracking.polling import incoming_from_carrier, poll_due_trackings
from parcelhub.tracking.status import Status
from tests.shipping.conftest import AD_HOC_BODY, post

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 10, 13, 2, 0, tzinfo=dt.UTC)   # 10:00 China time
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def now(monkeypatch):
    """now(t) moves parcelhub.core.clock.now to t."""
    def move(moment: dt.datetime) -> dt.datetime:
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment
    move(T0)
    return move


def buy(api_a, reference: str) -> Tracking:
    shipment = post(api_a, "/api/v1/shipments", {**AD_HOC_BODY, "reference": reference,
                                                  "buy": {"rule": "cheapest"}}).json()
    return Tracking.objects.get(waybill_no=shipment["waybill_no"])


@pytest.fixture
def tracked(api_a, funded, now):
    return buy(api_a, "T-1001")


def schedule(tracking: Tracking) -> tuple:
    tracking.refresh_from_db()
    return tracking.next_poll_at, tracking.poll_interval_s, tracking.stopped_at


def test_a_new_label_is_first_polled_an_hour_later(tracked, now):
    assert schedule(tracked) == (T0 + HOUR, 3600, None)
    now(T0 + HOUR - dt.timedelta(seconds=1))
    assert poll_due_trackings().claimed == 0
    now(T0 + HOUR)
    result = poll_due_trackings()
    assert (result.claimed, result.polled, result.with_news, result.stored) == (1, 1, 1, 1)
    assert list(TrackingEvent.objects.values_list("status", "source", "raw_code")) == [
        ("created", "poll", "created")]


def test_only_due_and_running_trackers_are_polled(api_a, funded, now):
    due, later, stopped = buy(api_a, "T-1"), buy(api_a, "T-2"), buy(api_a, "T-3")
    Tracking.objects.filter(pk=later.pk).update(next_poll_at=T0 + 3 * HOUR)
    Tracking.objects.filter(pk=stopped.pk).update(stopped_at=T0)
    now(T0 + 2 * HOUR)
    assert poll_due_trackings().claimed_ids == [due.pk]
    assert poll_due_trackings(limit=1).claimed_ids == []      # polled: next look in an hour
    now(T0 + 3 * HOUR)
    assert poll_due_trackings(limit=1).claimed_ids == [due.pk]  # the oldest due first, within the limit
    assert poll_due_trackings().claimed_ids == [later.pk]


def test_quiet_polls_double_the_wait_up_to_a_day_and_news_resets_it(tracked, now):
    moment = now(T0 + HOUR)
    poll_due_trackings()                        # the label's "created" event: news
    assert schedule(tracked) == (moment + HOUR, 3600, None)
    waits = []
    for _ in range(7):
        moment = now(tracked.next_poll_at)
        result = poll_due_trackings()
        assert (result.polled, result.with_news) == (1, 0)
        waits.append(schedule(tracked)[1] // 3600)
    assert waits == [2, 4, 8, 16, 24, 24, 24]
    sandbox_collect(carrier=tracked.carrier_code, waybill_no=tracked.waybill_no, at=moment + HOUR)
    moment = now(tracked.next_poll_at)
    result = poll_due_trackings()
    assert result.with_news == 1
    assert schedule(tracked) == (moment + HOUR, 3600, None)
    tracked.refresh_from_db()
    assert tracked.status != "created"


def test_a_delivered_parcel_stops_being_polled(tracked, now):
    sandbox_collect(carrier=tracked.carrier_code, waybill_no=tracked.waybill_no, at=T0 + 2 * HOUR)
    moment = now(T0 + dt.timedelta(days=20))
    Tracking.objects.filter(pk=tracked.pk).update(next_poll_at=moment)
    result = poll_due_trackings()
    assert (result.stopped, result.changes) == (1, 1)
    assert schedule(tracked) == (None, 3600, moment)
    tracked.refresh_from_db()
    assert tracked.status == "delivered"
    expected = SandboxNetwork().fetch_tracking(carrier=tracked.carrier_code, waybill_no=tracked.waybill_no)
    assert list(TrackingEvent.objects.values_list("raw_code", "description", "occurred_at")) == [
        (e.code, e.description, e.occurred_at) for e in expected]
    now(moment + dt.timedelta(days=1))
    assert poll_due_trackings().claimed == 0


def test_sixty_days_without_change_stop_the_tracker(tracked, now):
    now(T0 + HOUR)
    poll_due_trackings()
    moment = now(T0 + dt.timedelta(days=59, hours=23))
    Tracking.objects.filter(pk=tracked.pk).update(next_poll_at=moment)
    poll_due_trackings()
    assert schedule(tracked)[2] is None
    moment = now(T0 + dt.timedelta(days=60))
    Tracking.objects.filter(pk=tracked.pk).update(next_poll_at=moment)
    assert poll_due_trackings().stopped == 1
    assert schedule(tracked) == (None, 7200, moment)


def test_a_claimed_tracker_is_not_polled_by_a_second_worker(tracked, now, monkeypatch):
    now(T0 + HOUR)
    seen = []
    fetch = SandboxNetwork.fetch_tracking

    def fetch_while_another_worker_polls(self, *, carrier, waybill_no):
        seen.append(poll_due_trackings().claimed)   # the second worker, mid-poll of the first
        return fetch(self, carrier=carrier, waybill_no=waybill_no)

    monkeypatch.setattr(SandboxNetwork, "fetch_tracking", fetch_while_another_worker_polls)
    assert poll_due_trackings().polled == 1
    assert seen == [0]


def test_a_lost_claim_is_skipped(tracked, now, monkeypatch):
    """Between reading the due rows and claiming, another worker moved this one on."""
    now(T0 + HOUR)
    real_claim = Tracking.objects.filter

    def moved_first(*args, **kwargs):
        if "next_poll_at" in kwargs and "pk" in kwargs:
            Tracking.objects.all().update(next_poll_at=T0 + 3 * HOUR)
        return real_claim(*args, **kwargs)

    monkeypatch.setattr(Tracking.objects, "filter", moved_first)
    assert poll_due_trackings().claimed == 0


def test_a_failing_carrier_backs_off_like_a_quiet_one(tracked, now, monkeypatch):
    def down(self, *, carrier, waybill_no):
        raise ConnectionError("carrier down")

    monkeypatch.setattr(SandboxNetwork, "fetch_tracking", down)
    now(T0 + HOUR)
    result = poll_due_trackings()
    assert (result.claimed, result.polled, result.failed) == (1, 0, 1)
    assert schedule(tracked) == (T0 + 3 * HOUR, 7200, None)


def test_carrier_events_map_to_incoming_events():
    at = T0
    assert incoming_from_carrier("zto", CarrierEvent("75", at, "collected", "已揽收", "金华市")) == (
        polling.IncomingEvent(carrier="zto", waybill_no="75", occurred_at=at, status=Status.PICKED_UP,
                              description="已揽收", location="金华市", raw_code="collected", source="poll"))
    refused = incoming_from_carrier("zto", CarrierEvent("75", at, "refused", "拒收", ""))
    assert (refused.status, refused.exception_kind) == (Status.EXCEPTION, "refused")
    assert incoming_from_carrier("zto", CarrierEvent("75", at, "delivered", "签收", "")).status == Status.DELIVERED
    assert incoming_from_carrier("zto", CarrierEvent("75", at, "teleported", "?", "")) is None
