"""GET /api/v1/shipments/{id}/tracking."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.core import clock
from parcelhub.tracking import eta_data
from parcelhub.tracking.exceptions import issues_detect
from parcelhub.tracking.models import Tracking
from parcelhub.tracking.services import IncomingEvent
from parcelhub.tracking.status import Status
from tests.shipping.conftest import AD_HOC_BODY, post
from tests.tracking.conftest import ingest_committed

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def fresh_eta_model(monkeypatch):
    eta_data.reset()
    monkeypatch.setattr(clock, "now", lambda: T0 + 31 * HOUR)
    yield
    eta_data.reset()


@pytest.fixture
def shipment(api_a, funded):
    shipment = post(api_a, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest"}}).json()
    events = [(2, Status.PICKED_UP, "已揽收", "", "义乌"), (20, Status.IN_TRANSIT, "到达杭州转运中心", "", "杭州"),
              (30, Status.EXCEPTION, "地址不详", "address_problem", "杭州"),
              (8, Status.IN_TRANSIT, "离开义乌", "", "义乌")]
    ingest_committed(events=[IncomingEvent(carrier=shipment["carrier"], waybill_no=shipment["waybill_no"],
                                          occurred_at=T0 + h * HOUR, status=s, description=d, exception_kind=k,
                                          location=loc, raw_code=s.value) for h, s, d, k, loc in events])
    return shipment


def test_tracking_status_eta_and_events_in_time_order(api_a, shipment):
    issues_detect()
    body = api_a.get(f"/api/v1/shipments/{shipment['id']}/tracking").json()
    assert (body["shipment_id"], body["carrier"], body["waybill_no"]) == (
        shipment["id"], "zto", shipment["waybill_no"])
    assert (body["status"], body["exception_kind"]) == ("exception", "address_problem")
    # No delivered history: the rate card's 2 days from the label bought on Nov 20 (local) gives Nov 22.
    assert body["eta"] == {"earliest": "2026-11-22", "latest": "2026-11-22"}
    assert [e["description"] for e in body["events"]] == ["已揽收", "离开义乌", "到达杭州转运中心", "地址不详"]
    assert body["events"][0] == {"occurred_at": "2026-11-20T11:00:00+00:00", "status": "picked_up", "exception_kind": "",
                                 "description": "已揽收", "location": "义乌"}
    assert body["open_issues"] == [{"kind": "delivery_failed", "detail": "Address problem",
                                    "opened_at": "2026-11-21T16:00:00+00:00"}]
    assert (body["picked_up_at"], body["delivered_at"]) == ("2026-11-20T11:00:00+00:00", None)


def test_no_eta_gives_null(api_a, shipment):
    Tracking.objects.update(eta_earliest=None, eta_latest=None)
    assert api_a.get(f"/api/v1/shipments/{shipment['id']}/tracking").json()["eta"] is None


def test_other_merchants_get_404(api_b, shipment):
    response = api_b.get(f"/api/v1/shipments/{shipment['id']}/tracking")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_drafts_and_unknown_ids_get_404(api_a, funded):
    draft = post(api_a, "/api/v1/shipments", AD_HOC_BODY).json()
    assert api_a.get(f"/api/v1/shipments/{draft['id']}/tracking").status_code == 404
    assert api_a.get("/api/v1/shipments/shp_nope/tracking").status_code == 404
