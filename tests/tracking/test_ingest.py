from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.tracking.models import Tracking, TrackingEvent
from parcelhub.tracking.services import IncomingEvent, status_changed, tracking_ingest
from parcelhub.tracking.status import Status
from tests.shipping.conftest import AD_HOC_BODY, post

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def tracked(api_a, funded):
    shipment = post(api_a, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest"}}).json()
    return shipment["carrier"], shipment["waybill_no"]


def event(tracked, hours, status, text="", kind=""):
    carrier, waybill = tracked
    return IncomingEvent(carrier=carrier, waybill_no=waybill, occurred_at=T0 + dt.timedelta(hours=hours),
                         status=status, description=text or status.value, exception_kind=kind, raw_code=status.value)


def test_a_bought_label_is_tracked_from_created(tracked):
    tracking = Tracking.objects.get()
    assert (tracking.carrier_code, tracking.waybill_no, tracking.status) == (*tracked, "created")


def test_events_move_the_status_and_late_or_repeated_ones_do_not(tracked):
    changes = []
    status_changed.connect(lambda sender, changes_=None, **kw: changes.extend(kw["changes"]), weak=False,
                           dispatch_uid="test-collect")
    try:
        first = tracking_ingest(events=[event(tracked, 0, Status.PICKED_UP), event(tracked, 8, Status.IN_TRANSIT)])
        assert (first.received, first.stored, first.duplicates) == (2, 2, 0)
        again = tracking_ingest(events=[event(tracked, 8, Status.IN_TRANSIT), event(tracked, 30, Status.OUT_FOR_DELIVERY),
                                        event(tracked, 4, Status.IN_TRANSIT, "晚到的中转扫描")])
        assert (again.stored, again.duplicates) == (2, 1)
    finally:
        status_changed.disconnect(dispatch_uid="test-collect")
    tracking = Tracking.objects.get()
    assert (tracking.status, tracking.picked_up_at, tracking.last_event_at) == (
        "out_for_delivery", T0, T0 + dt.timedelta(hours=30))
    assert [c.new for c in changes] == [Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY]
    assert changes[0].old == Status.CREATED
    timeline = list(TrackingEvent.objects.values_list("description", flat=True))
    assert timeline == ["picked_up", "晚到的中转扫描", "in_transit", "out_for_delivery"]


def test_exception_then_delivery(tracked):
    tracking_ingest(events=[event(tracked, 1, Status.OUT_FOR_DELIVERY),
                            event(tracked, 3, Status.EXCEPTION, "收件人拒收", kind="refused")])
    tracking = Tracking.objects.get()
    assert (tracking.status, tracking.exception_kind, tracking.progress) == ("exception", "refused", "out_for_delivery")
    tracking_ingest(events=[event(tracked, 20, Status.DELIVERED, "已签收")])
    tracking.refresh_from_db()
    assert (tracking.status, tracking.exception_kind, tracking.delivered_at) == (
        "delivered", "", T0 + dt.timedelta(hours=20))


def test_unknown_waybills_are_reported_not_stored(tracked):
    result = tracking_ingest(events=[IncomingEvent(carrier="sf", waybill_no="SF0000000000000", occurred_at=T0,
                                                   status=Status.PICKED_UP, description="x")])
    assert (result.stored, result.unknown) == (0, [("sf", "SF0000000000000")])
    assert TrackingEvent.objects.count() == 0


def test_voiding_cancels_tracking(api_a, tracked):
    from parcelhub.shipping.models import Shipment

    shipment = Shipment.objects.get()
    post(api_a, f"/api/v1/shipments/{shipment.public_id}/void")
    assert Tracking.objects.get().status == "cancelled"


def test_a_failing_status_change_receiver_rolls_the_whole_push_back(tracked):
    def fail(sender, changes, **kwargs):
        raise RuntimeError("outbox unavailable")

    status_changed.connect(fail, weak=False, dispatch_uid="test-fail")
    try:
        with pytest.raises(RuntimeError, match="outbox unavailable"):
            tracking_ingest(events=[event(tracked, 0, Status.PICKED_UP), event(tracked, 8, Status.IN_TRANSIT)])
    finally:
        status_changed.disconnect(dispatch_uid="test-fail")
    assert TrackingEvent.objects.count() == 0
    assert Tracking.objects.values_list("status", "last_event_at").get() == ("created", None)
    # The connection is usable again and the same push is stored in full when it is resent.
    again = tracking_ingest(events=[event(tracked, 0, Status.PICKED_UP), event(tracked, 8, Status.IN_TRANSIT)])
    assert (again.stored, again.duplicates, Tracking.objects.get().status) == (2, 0, "in_transit")


def test_events_of_one_push_keep_their_order_as_the_timeline_tie_break(tracked):
    same = [event(tracked, 5, Status.OUT_FOR_DELIVERY, f"第{n}条") for n in (3, 1, 2)]
    tracking_ingest(events=same)
    assert list(TrackingEvent.objects.values_list("description", flat=True)) == ["第3条", "第1条", "第2条"]
