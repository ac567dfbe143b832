"""Issue detection at its time boundaries, automatic resolution, and the merchant's actions."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.core.models import AuditLog
from parcelhub.shipping.models import Shipment
from parcelhub.tracking.exceptions import issue_act, issues_detect
from parcelhub.tracking.models import TrackingIssue
from parcelhub.tracking.services import IncomingEvent
from parcelhub.tracking.status import Status
from tests.shipping.conftest import AD_HOC_BODY, make_order, post
from tests.tracking.conftest import ingest_committed

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


class Clock:
    def __init__(self, monkeypatch):
        self.at = T0
        monkeypatch.setattr(clock, "now", lambda: self.at)

    def set(self, hours: float) -> dt.datetime:
        self.at = T0 + dt.timedelta(hours=hours)
        return self.at


@pytest.fixture
def time(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def tracked(api_a, funded, time):
    shipment = post(api_a, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest"}}).json()
    return shipment["carrier"], shipment["waybill_no"]


def ingest(tracked, hours, status, kind=""):
    carrier, waybill = tracked
    ingest_committed(events=[IncomingEvent(carrier=carrier, waybill_no=waybill, occurred_at=T0 + hours * HOUR,
                                          status=status, description=status.value, exception_kind=kind,
                                          raw_code=status.value)])


def open_kinds():
    return sorted(TrackingIssue.objects.filter(resolved_at=None).values_list("kind", flat=True))


def detect(time, hours):
    time.set(hours)
    return issues_detect()


def test_not_picked_up_opens_at_24_hours_and_resolves_on_pickup(tracked, time):
    assert (detect(time, 23.99).opened, open_kinds()) == (0, [])
    result = detect(time, 24)
    assert (result.opened, open_kinds()) == (1, ["not_picked_up"])
    assert detect(time, 25).opened == 0                    # one open issue per parcel and kind
    issue = TrackingIssue.objects.get()
    assert (issue.opened_at, issue.merchant.name) == (T0 + 24 * HOUR, "义乌小商品有限公司")
    time.set(26.5)
    ingest(tracked, 26, Status.PICKED_UP)          # the scan itself resolves it, without waiting for the job
    assert open_kinds() == []
    assert TrackingIssue.objects.get().resolved_at == T0 + 26.5 * HOUR


def test_no_update_for_48_hours_in_transit(tracked, time):
    ingest(tracked, 2, Status.PICKED_UP)
    ingest(tracked, 10, Status.IN_TRANSIT)
    assert (detect(time, 57.99).opened, open_kinds()) == (0, [])
    assert (detect(time, 58).opened, open_kinds()) == (1, ["no_update"])
    ingest(tracked, 60, Status.ARRIVED_AT_DESTINATION_CITY)
    assert open_kinds() == []


def test_delivery_failed_opens_at_once_with_its_reason_and_resolves_on_delivery(tracked, time):
    ingest(tracked, 2, Status.PICKED_UP)
    ingest(tracked, 30, Status.OUT_FOR_DELIVERY)
    time.set(32.1)
    ingest(tracked, 32, Status.EXCEPTION, kind="address_problem")    # on the board at once
    issue = TrackingIssue.objects.get()
    assert (issue.kind, issue.detail, issue.opened_at) == ("delivery_failed", "Address problem", T0 + 32.1 * HOUR)
    assert detect(time, 33).opened == 0
    ingest(tracked, 50, Status.DELIVERED)
    assert open_kinds() == []


def test_locker_waiting_over_48_hours(tracked, time):
    ingest(tracked, 2, Status.PICKED_UP)
    ingest(tracked, 30, Status.AVAILABLE_FOR_PICKUP)
    assert (detect(time, 77.99).opened, detect(time, 78).opened, open_kinds()) == (0, 1, ["locker_waiting"])
    ingest(tracked, 80, Status.DELIVERED)
    assert open_kinds() == []


def test_returning_opens_and_resolves_when_returned(tracked, time):
    ingest(tracked, 2, Status.PICKED_UP)
    ingest(tracked, 40, Status.RETURNING)
    assert (detect(time, 40).opened, open_kinds()) == (0, ["returning"])   # opened by the scan already
    ingest(tracked, 90, Status.RETURNED)
    assert open_kinds() == []


def test_a_voided_label_resolves_its_pickup_issue(api_a, tracked, time):
    detect(time, 24)
    shipment = Shipment.objects.get()
    Shipment.objects.filter(pk=shipment.pk).update(status=Shipment.Status.VOIDED)
    assert (detect(time, 25).resolved, open_kinds()) == (1, [])


def test_dismissed_issues_stay_dismissed_until_the_parcel_moves(tracked, time, merchant_a):
    ingest(tracked, 2, Status.PICKED_UP)
    detect(time, 50)
    issue = TrackingIssue.objects.get()
    result = issue_act(issue=issue, action="dismiss", note="客户已知晓", actor=merchant_a[1])
    assert (result.issue.resolved_at, result.issue.action, result.issue.acted_by) == (
        T0 + 50 * HOUR, "dismiss", merchant_a[1])
    assert (detect(time, 60).opened, open_kinds()) == (0, [])
    ingest(tracked, 61, Status.IN_TRANSIT)
    assert (detect(time, 109).opened, open_kinds()) == (1, ["no_update"])


def test_remind_and_contact_are_recorded_and_keep_the_issue_open(tracked, time, merchant_a):
    detect(time, 24)
    issue = TrackingIssue.objects.get()
    issue_act(issue=issue, action="remind_carrier", note="", actor=merchant_a[1])
    issue.refresh_from_db()
    assert (issue.action, issue.resolved_at, issue.acted_at) == ("remind_carrier", None, T0 + 24 * HOUR)
    log = AuditLog.objects.get(action="tracking_issue.remind_carrier")
    assert (log.data["kind"], log.actor, log.merchant) == ("not_picked_up", merchant_a[1], merchant_a[0])
    with pytest.raises(DomainError) as exc:
        issue_act(issue=issue, action="reship", note="", actor=merchant_a[1])   # not offered before pickup
    assert exc.value.code == "action_not_offered"


def test_reship_creates_a_draft_for_the_same_recipient_and_settles_the_issue(tracked, time, merchant_a):
    ingest(tracked, 2, Status.PICKED_UP)
    ingest(tracked, 40, Status.RETURNING)
    detect(time, 40)
    result = issue_act(issue=TrackingIssue.objects.get(), action="reship", note="换新发出", actor=merchant_a[1])
    draft = result.reshipment
    original = Shipment.objects.exclude(pk=draft.pk).get()
    assert (draft.status, draft.recipient_name, draft.recipient_phone, draft.recipient_region_id, draft.weight_g) == (
        "draft", original.recipient_name, original.recipient_phone, original.recipient_region_id, 1000)
    assert (result.issue.resolved_at, result.issue.action_note) == (T0 + 40 * HOUR, f"{draft.public_id} 换新发出")
    assert AuditLog.objects.get(action="tracking_issue.reship").data["reshipment"] == draft.public_id
    with pytest.raises(DomainError) as exc:
        issue_act(issue=result.issue, action="dismiss", note="", actor=merchant_a[1])
    assert exc.value.code == "issue_resolved"


def test_reship_of_an_order_shipment_uses_the_order(api_a, funded, time, merchant_a):
    order = make_order(merchant_a[0], "TB-77")
    shipment = post(api_a, "/api/v1/shipments", {"order_id": order.public_id, "buy": {"rule": "cheapest"}}).json()
    ingest((shipment["carrier"], shipment["waybill_no"]), 2, Status.RETURNING)
    detect(time, 3)
    draft = issue_act(issue=TrackingIssue.objects.get(), action="reship", note="", actor=merchant_a[1]).reshipment
    assert (draft.order_id, draft.reference, draft.recipient_name) == (order.pk, "TB-77", "李四")
