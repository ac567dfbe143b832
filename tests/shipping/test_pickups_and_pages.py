from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from parcelhub.shipping.models import Pickup, Shipment
from tests.shipping.conftest import AD_HOC_BODY, balance, post

pytestmark = pytest.mark.django_db


def _buy(api, service):
    return post(api, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"service": service}}).json()


def _window(days=1, start=9, end=11):
    day = timezone.localdate() + dt.timedelta(days=days)
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(dt.datetime.combine(day, dt.time(start)), zone),
            timezone.make_aware(dt.datetime.combine(day, dt.time(end)), zone))


def test_one_pickup_per_carrier_then_cancel(api_a, funded):
    sf, zto = _buy(api_a, "sf.standard"), _buy(api_a, "zto.standard")
    start, end = _window()
    response = post(api_a, "/api/v1/pickups", {"shipment_ids": [sf["id"], zto["id"]],
                                               "window_start": start.isoformat(), "window_end": end.isoformat()})
    assert response.status_code == 201
    pickups = response.json()
    assert sorted((p["carrier"], p["shipment_ids"]) for p in pickups) == [("sf", [sf["id"]]), ("zto", [zto["id"]])]
    assert all(p["status"] == "confirmed" and p["confirmation_no"] for p in pickups)
    assert api_a.get(f"/api/v1/shipments/{sf['id']}").json()["pickup_id"] == next(
        p["id"] for p in pickups if p["carrier"] == "sf")
    cancelled = post(api_a, f"/api/v1/pickups/{pickups[0]['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert Shipment.objects.filter(pickup__isnull=False).count() == 1


def test_pickup_refusals_change_nothing(api_a, api_b, funded):
    shipment = _buy(api_a, "sf.standard")
    start, end = _window(start=3, end=4)  # couriers do not come before 08:00
    response = post(api_a, "/api/v1/pickups", {"shipment_ids": [shipment["id"]],
                                               "window_start": start.isoformat(), "window_end": end.isoformat()})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "pickup_window_invalid"
    start, end = _window()
    response = post(api_b, "/api/v1/pickups", {"shipment_ids": [shipment["id"]],
                                               "window_start": start.isoformat(), "window_end": end.isoformat()})
    assert response.status_code == 404
    assert Pickup.objects.count() == 0


def test_console_pages(console_a, console_b, api_a, funded):
    shipment = _buy(api_a, "zto.standard")
    listing = console_a.get("/shipments/", {"q": shipment["waybill_no"]}).content.decode()
    assert shipment["waybill_no"] in listing
    detail = console_a.get(f"/shipments/{shipment['id']}/").content.decode()
    assert 'id="label-preview"' in detail
    assert "¥8.00" in detail and shipment["sort_code"] in detail
    preview = console_a.get(f"/shipments/{shipment['id']}/label.png")
    assert (preview.status_code, preview["Content-Type"], preview.content[:4]) == (200, "image/png", b"\x89PNG")
    assert console_b.get(f"/shipments/{shipment['id']}/").status_code == 404
    assert console_b.post(f"/shipments/{shipment['id']}/void").status_code == 404
    assert Shipment.objects.get().status == "purchased"
    response = console_a.post(f"/shipments/{shipment['id']}/void")
    assert response.status_code == 302
    assert Shipment.objects.get().status == "voided"
    assert balance(funded) == 10_000


def test_pickup_page_books(console_a, api_a, funded):
    shipment = _buy(api_a, "sf.standard")
    day = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = console_a.post("/pickups/", {"date": day, "slot": "13:00-15:00", "shipment": [shipment["id"]]})
    assert response.status_code == 302
    pickup = Pickup.objects.get()
    assert timezone.localtime(pickup.window_start).strftime("%H:%M") == "13:00"
    assert pickup.carrier_code == "sf"
    assert pickup.confirmation_no in console_a.get("/pickups/").content.decode()
