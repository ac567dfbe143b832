"""ETA from the database: history, the per-day model cache, estimates written on status changes, and the
estimate shown on the price comparison page and in the rates API."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from parcelhub.core import clock
from parcelhub.shipping.models import Shipment
from parcelhub.tracking import eta_data
from parcelhub.tracking.models import Tracking
from parcelhub.tracking.services import IncomingEvent
from parcelhub.tracking.status import Status
from tests.shipping.conftest import AD_HOC_BODY, post
from tests.tracking.conftest import ingest_committed

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
YIWU, XIHU = "330782", "330106"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    state = {"now": NOW}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    eta_data.reset()
    yield state
    eta_data.reset()


def delivered_history(merchant, carrier, days_from_pickup, *, destination=XIHU, start=0):
    """Delivered parcels bought at 20:00 and picked up the next morning (local), `days` after pickup."""
    shipments, trackings = [], []
    for index, days in enumerate(days_from_pickup, start=start):
        bought = dt.datetime(2026, 10, 1, 20, 0, tzinfo=SHANGHAI) + dt.timedelta(days=index % 20)
        picked = bought + dt.timedelta(hours=14)
        waybill = f"{carrier.upper()}H{index:08d}"
        shipment = Shipment(merchant=merchant, status=Shipment.Status.PURCHASED, sender_name="a", sender_phone="1",
                            sender_region_id=YIWU, recipient_name="b", recipient_phone="2",
                            recipient_region_id=destination, weight_g=1000, carrier_code=carrier,
                            service_code="standard", waybill_no=waybill, purchased_at=bought)
        shipments.append(shipment)
        trackings.append(Tracking(shipment=shipment, carrier_code=carrier, waybill_no=waybill,
                                  status=Status.DELIVERED, progress=Status.DELIVERED, picked_up_at=picked,
                                  delivered_at=picked + dt.timedelta(days=days, hours=2)))
    Shipment.objects.bulk_create(shipments)
    Tracking.objects.bulk_create(trackings)


# 30 ZTO parcels Yiwu → Hangzhou: 2 days from pickup for 10, 3 days for 15, 5 days for 5 (3, 4 and 6 days from
# the evening purchase). The 80 % interval from pickup is 2–3 days (83 %); from purchase 3–4 days.
ZTO_DAYS = [2] * 10 + [3] * 15 + [5] * 5


def test_history_counts_local_calendar_days(world, merchant_a):
    delivered_history(merchant_a[0], "zto", [2])
    history = eta_data.history()
    assert [(s.carrier, s.origin, s.destination, s.days) for s in history.from_pickup] == [
        ("zto", "330000", "330000", 2)]
    assert [s.days for s in history.from_purchase] == [3]


def test_quote_eta_from_history_else_rate_card(world, merchant_a):
    delivered_history(merchant_a[0], "zto", ZTO_DAYS)
    zto = eta_data.quote_eta(carrier="zto", origin=YIWU, destination=XIHU, transit_days=2)
    assert (zto.earliest, zto.latest, zto.basis, zto.days_low, zto.days_high) == (
        dt.date(2026, 11, 26), dt.date(2026, 11, 27), "history", 3, 4)
    sf = eta_data.quote_eta(carrier="sf", origin=YIWU, destination=XIHU, transit_days=1)
    assert (sf.earliest, sf.latest, sf.basis) == (dt.date(2026, 11, 24), dt.date(2026, 11, 24), "rate_card")
    # Without a rate card, every carrier's history is the last resort.
    anyone = eta_data.quote_eta(carrier="sf", origin=YIWU, destination=XIHU, transit_days=None)
    assert (anyone.earliest, anyone.latest, anyone.basis) == (dt.date(2026, 11, 26), dt.date(2026, 11, 27), "history")
    eta_data.reset()
    Tracking.objects.all().delete()
    assert eta_data.quote_eta(carrier="sf", origin=YIWU, destination=XIHU, transit_days=None) is None


def test_the_model_is_fitted_once_a_day(world, merchant_a, fixed_clock):
    delivered_history(merchant_a[0], "zto", ZTO_DAYS[:20])
    first = eta_data.models()
    assert first.from_pickup.size == 20
    delivered_history(merchant_a[0], "zto", ZTO_DAYS[20:], start=20)
    assert eta_data.models() is first
    fixed_clock["now"] = NOW + dt.timedelta(days=1)
    assert eta_data.models().from_pickup.size == 30


def test_status_changes_write_the_estimate(api_a, funded, merchant_a, fixed_clock):
    delivered_history(merchant_a[0], "zto", ZTO_DAYS)
    shipment = post(api_a, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest"}}).json()

    def ingest(at, status):
        fixed_clock["now"] = at
        ingest_committed(events=[IncomingEvent(carrier="zto", waybill_no=shipment["waybill_no"], occurred_at=at,
                                              status=status, description=status.value, raw_code=status.value)])
        tracking = Tracking.objects.get(waybill_no=shipment["waybill_no"])
        return tracking.eta_earliest, tracking.eta_latest

    # Picked up Nov 23: 2–3 days from pickup.
    assert ingest(NOW, Status.PICKED_UP) == (dt.date(2026, 11, 25), dt.date(2026, 11, 26))
    # Still in transit on Nov 26 (3 days on the way): only the 20 slower parcels count; 0 or 2 days remain
    # (15 of them took 3 days, 5 took 5): 0–0 days holds 75 %, closer to 80 % than 0–2 days (100 %).
    assert ingest(NOW + dt.timedelta(days=3), Status.IN_TRANSIT) == (dt.date(2026, 11, 26), dt.date(2026, 11, 26))
    assert ingest(NOW + dt.timedelta(days=3, hours=2), Status.OUT_FOR_DELIVERY) == (
        dt.date(2026, 11, 26), dt.date(2026, 11, 26))
    assert ingest(NOW + dt.timedelta(days=3, hours=6), Status.DELIVERED) == (
        dt.date(2026, 11, 26), dt.date(2026, 11, 26))


def test_the_refresh_task_fills_new_labels(api_a, funded, merchant_a):
    shipment = post(api_a, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest"}}).json()
    assert Tracking.objects.get(waybill_no=shipment["waybill_no"]).eta_latest is None
    assert eta_data.etas_refresh(only_missing=True) == 1
    tracking = Tracking.objects.get(waybill_no=shipment["waybill_no"])
    assert (tracking.eta_earliest, tracking.eta_latest) == (dt.date(2026, 11, 25), dt.date(2026, 11, 25))  # rate card


def test_compare_page_shows_dates_from_history_and_days_from_the_rate_card(console_a, world, merchant_a):
    delivered_history(merchant_a[0], "zto", ZTO_DAYS)
    page = console_a.get("/rates/", {"destination": "浙江省杭州市西湖区文三路90号", "weight_kg": "1"},
                         HTTP_HX_REQUEST="true").content.decode()
    zto = page[page.index('data-service="zto.standard"'):]
    zto = zto[:zto.index("</tr>")]
    assert '<span data-basis="history">Nov 26 – Nov 27</span><br><span class="hint">3–4 days</span>' in zto
    sf = page[page.index('data-service="sf.standard"'):]
    sf = sf[:sf.index("</tr>")]
    assert '<td class="num eta">1 day</td>' in sf


def test_rates_api_adds_etas(api_a, world, merchant_a):
    delivered_history(merchant_a[0], "zto", ZTO_DAYS)
    body = api_a.post("/api/v1/rates", data=json.dumps({"destination": {"address": "浙江省杭州市西湖区文三路90号"},
                                                        "parcel": {"weight_g": 1000}}),
                      content_type="application/json").json()
    assert body["etas"] == {
        "zto.standard": {"earliest": "2026-11-26", "latest": "2026-11-27", "basis": "history"},
        "sf.standard": {"earliest": "2026-11-24", "latest": "2026-11-24", "basis": "rate_card"},
    }
    assert [r["transit_days"] for r in body["rates"]] == [2, 1]


def test_a_bulk_load_of_deliveries_refits_the_model_the_same_day(world, merchant_a):
    from parcelhub.tracking.services import StatusChange

    delivered_history(merchant_a[0], "zto", ZTO_DAYS)
    first = eta_data.models()

    def delivered(count):
        return [StatusChange(tracking_id=0, shipment_id=0, old=Status.OUT_FOR_DELIVERY, new=Status.DELIVERED,
                             exception_kind="", occurred_at=NOW, description="") for _ in range(count)]

    eta_data._on_status_changed(sender=Tracking, changes=delivered(30))
    assert eta_data.models() is first                       # 30 new deliveries: not yet
    eta_data._on_status_changed(sender=Tracking, changes=delivered(1))
    assert eta_data.models() is not first
