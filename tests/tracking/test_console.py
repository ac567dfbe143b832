"""The merchant's tracking list, the exception board and its actions, the timeline on the shipment page,
and the operator's lane scores."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcelhub.accounts.models import OperatorRole
from parcelhub.core import clock
from parcelhub.core.models import AuditLog
from parcelhub.shipping.models import Shipment
from parcelhub.tracking import eta_data
from parcelhub.tracking.exceptions import issues_detect
from parcelhub.tracking.models import Tracking, TrackingIssue
from parcelhub.tracking.services import IncomingEvent
from parcelhub.tracking.status import Status
from tests.shipping.conftest import AD_HOC_BODY, post
from tests.tracking.conftest import ingest_committed

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def fresh_eta_model():
    eta_data.reset()
    yield
    eta_data.reset()


@pytest.fixture
def at(monkeypatch):
    state = {"now": T0}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    return state


def buy(api, name="张三", phone="13800138000"):
    body = {**AD_HOC_BODY, "recipient": {**AD_HOC_BODY["recipient"], "name": name, "phone": phone},
            "buy": {"rule": "cheapest"}}
    return post(api, "/api/v1/shipments", body).json()


def ingest(shipment, hours, status, text="", kind="", location=""):
    ingest_committed(events=[IncomingEvent(carrier=shipment["carrier"], waybill_no=shipment["waybill_no"],
                                          occurred_at=T0 + hours * HOUR, status=status,
                                          description=text or status.value, exception_kind=kind,
                                          location=location, raw_code=status.value)])


@pytest.fixture
def parcels(api_a, funded, at):
    first, second, third = buy(api_a, "王五"), buy(api_a, "赵六", "13700137000"), buy(api_a, "钱七")
    ingest(first, 2, Status.PICKED_UP, "已揽收", location="义乌")
    ingest(first, 20, Status.IN_TRANSIT, "到达杭州转运中心", location="杭州")
    ingest(second, 3, Status.PICKED_UP)
    ingest(second, 30, Status.EXCEPTION, "收件人拒收", kind="refused")
    return first, second, third


def test_list_shows_statuses_counts_and_filters(console_a, parcels):
    page = console_a.get("/tracking/").content.decode()
    assert page.count("<tr data-waybill=") == 3
    assert 'data-status="in_transit">In transit 1</a>' in page
    assert 'data-status="exception">Exception 1</a>' in page
    assert 'data-status="created">Label created 1</a>' in page
    filtered = console_a.get("/tracking/", {"status": "exception"}).content.decode()
    assert filtered.count("<tr data-waybill=") == 1 and parcels[1]["waybill_no"] in filtered
    searched = console_a.get("/tracking/", {"q": "王五"}).content.decode()
    assert searched.count("<tr data-waybill=") == 1 and parcels[0]["waybill_no"] in searched
    by_phone = console_a.get("/tracking/", {"q": "13700137000"}).content.decode()
    assert by_phone.count("<tr data-waybill=") == 1 and parcels[1]["waybill_no"] in by_phone


def test_list_filters_by_open_issue_kind(console_a, parcels, at):
    at["now"] = T0 + 31 * HOUR
    issues_detect()
    page = console_a.get("/tracking/", {"issue": "delivery_failed"}).content.decode()
    assert page.count("<tr data-waybill=") == 1 and parcels[1]["waybill_no"] in page
    assert page.count("<tr data-waybill=") == 1


def test_list_filters_by_exception_reason(console_a, parcels):
    refused = console_a.get("/tracking/", {"exception": "refused"}).content.decode()
    assert refused.count("<tr data-waybill=") == 1 and parcels[1]["waybill_no"] in refused
    assert console_a.get("/tracking/", {"exception": "lost"}).content.decode().count("<tr data-waybill=") == 0


def test_list_query_count_does_not_grow_with_parcels(console_a, api_a, parcels):
    with CaptureQueriesContext(connection) as few:
        assert console_a.get("/tracking/").status_code == 200
    for _ in range(4):
        buy(api_a)
    with CaptureQueriesContext(connection) as many:
        page = console_a.get("/tracking/").content.decode()
    assert page.count("<tr data-waybill=") == 7
    assert len(many) == len(few) == 7


def test_list_shows_the_stored_eta(console_a, parcels):
    Tracking.objects.filter(waybill_no=parcels[0]["waybill_no"]).update(
        eta_earliest=dt.date(2026, 11, 22), eta_latest=dt.date(2026, 11, 24))
    page = console_a.get("/tracking/").content.decode()
    assert 'Nov 22 – Nov 24' in page


def test_other_merchants_see_nothing(console_b, parcels):
    page = console_b.get("/tracking/").content.decode()
    assert page.count("<tr data-waybill=") == 0


def test_timeline_on_the_shipment_page(console_a, parcels):
    shipment = Shipment.objects.get(waybill_no=parcels[0]["waybill_no"])
    page = console_a.get(f"/shipments/{shipment.public_id}/").content.decode()
    timeline = page[page.index('id="tracking-timeline"'):]
    assert timeline.index("已揽收") < timeline.index("到达杭州转运中心")
    assert "· 杭州" in timeline and 'data-status="in_transit">In transit</span>' in timeline


def test_board_lists_issues_with_suggested_actions_and_the_consignee_phone(console_a, parcels, at):
    at["now"] = T0 + 31 * HOUR
    issues_detect()
    page = console_a.get("/tracking/exceptions/").content.decode()
    assert page.count("<tr data-issue=") == 2       # the refusal, and the third parcel never picked up
    rows = [row[:row.index("</tr>")] for row in page.split("<tr data-issue=")[1:]]
    refused = next(row for row in rows if 'data-kind="delivery_failed"' in row)
    assert "13700137000" in refused and "Refused" in refused
    assert [b for b in ("contact_consignee", "remind_carrier", "reship", "dismiss") if f'value="{b}"' in refused] == [
        "contact_consignee", "remind_carrier", "reship", "dismiss"]
    assert "no reminder endpoint" in page
    assert 'id="lane-scores"' in page


def test_reship_from_the_board_creates_a_draft_and_links_it(console_a, parcels, at, merchant_a):
    at["now"] = T0 + 31 * HOUR
    issues_detect()
    issue = TrackingIssue.objects.get(kind="delivery_failed")
    response = console_a.post(f"/tracking/exceptions/{issue.pk}/act", {"action": "reship", "note": "重发"},
                              follow=True)
    draft = Shipment.objects.get(status="draft")
    assert (draft.recipient_name, draft.recipient_phone) == ("赵六", "13700137000")
    assert f'href="/shipments/{draft.public_id}/"' in response.content.decode()
    issue.refresh_from_db()
    assert (issue.action, issue.resolved_at, issue.acted_by) == ("reship", T0 + 31 * HOUR, merchant_a[1])


def test_other_merchants_cannot_act_on_an_issue(console_b, parcels, at):
    at["now"] = T0 + 31 * HOUR
    issues_detect()
    issue = TrackingIssue.objects.get(kind="delivery_failed")
    response = console_b.post(f"/tracking/exceptions/{issue.pk}/act", {"action": "reship"})
    assert response.status_code == 404
    issue.refresh_from_db()
    assert (issue.action, issue.resolved_at, Shipment.objects.filter(status="draft").count()) == ("", None, 0)
    assert not AuditLog.objects.filter(action__startswith="tracking_issue.").exists()
    assert console_b.get("/tracking/exceptions/").content.decode().count("<tr data-issue=") == 0


def test_an_action_not_offered_is_refused_with_a_message(console_a, parcels, at):
    at["now"] = T0 + 31 * HOUR
    issues_detect()
    issue = TrackingIssue.objects.get(kind="not_picked_up")
    page = console_a.post(f"/tracking/exceptions/{issue.pk}/act", {"action": "reship"}, follow=True).content.decode()
    assert "This action is not offered for this kind of issue." in page
    issue.refresh_from_db()
    assert (issue.action, Shipment.objects.filter(status="draft").count()) == ("", 0)


def test_lane_scores_for_the_operator(client, operator_factory, parcels, at):
    at["now"] = T0 + 31 * HOUR
    issues_detect()
    ingest(parcels[0], 40, Status.DELIVERED)
    ingest(parcels[1], 100, Status.DELIVERED)
    client.force_login(operator_factory(OperatorRole.SUPPORT))
    page = client.get("/operator/lanes/").content.decode()
    row = page[page.index('data-lane="zto:330000-330000"'):]
    row = row[:row.index("</tr>")]
    # 3 labels bought Nov 20 (local); no history, so the rate card's 2 days is the bound: delivered Nov 22 is on
    # time, Nov 24 is late. 2 of 3 had an issue (the refusal, and the third parcel not picked up).
    cells = [c.split(">")[-1] for c in row.split("</td>")[:-1]]
    assert cells == ["ZTO", "浙江 → 浙江", "3", "2", "50 %", "67 %"]


def test_lane_scores_need_a_pricing_or_support_role(client, operator_factory, console_a):
    client.force_login(operator_factory(OperatorRole.MARKETING))
    assert client.get("/operator/lanes/").status_code == 403
    assert console_a.get("/operator/lanes/").status_code == 403


def test_board_query_count_does_not_grow_with_issues(console_a, api_a, parcels, at):
    at["now"] = T0 + 31 * HOUR
    issues_detect()
    console_a.post(f"/tracking/exceptions/{TrackingIssue.objects.get(kind='not_picked_up').pk}/act",
                   {"action": "remind_carrier"})
    with CaptureQueriesContext(connection) as few:
        assert console_a.get("/tracking/exceptions/").status_code == 200
    for index in range(3):
        shipment = buy(api_a, f"客户{index}")
        ingest(shipment, 3, Status.PICKED_UP)
        ingest(shipment, 30, Status.EXCEPTION, "包裹破损", kind="damaged")
    with CaptureQueriesContext(connection) as many:
        page = console_a.get("/tracking/exceptions/").content.decode()
    assert page.count("<tr data-issue=") == 5
    assert len(many) == len(few)
