"""The sandbox's fetch_tracking: the label's creation, then the generated journey up to clock.now()."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.carriers.adapters.sandbox import SandboxNetwork, sandbox_collect
from parcelhub.carriers.adapters.sandbox_tracking import journey
from parcelhub.carriers.sandbox_models import SandboxWaybill
from parcelhub.core import clock
from tests.shipping.conftest import AD_HOC_BODY, post

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 10, 13, 2, 0, tzinfo=dt.UTC)   # 10:00 China time


@pytest.fixture
def now(monkeypatch):
    def move(moment: dt.datetime) -> dt.datetime:
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment
    move(T0)
    return move


@pytest.fixture
def label(api_a, funded, now):
    shipment = post(api_a, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest"}}).json()
    return shipment["carrier"], shipment["waybill_no"]


def fetch(label):
    carrier, waybill = label
    return SandboxNetwork().fetch_tracking(carrier=carrier, waybill_no=waybill)


def test_a_parcel_nobody_collected_has_only_its_creation(label, now):
    now(T0 + dt.timedelta(days=30))
    assert [(e.code, e.occurred_at, e.location) for e in fetch(label)] == [("created", T0, "金华市")]


def test_events_appear_as_time_passes(label, now):
    carrier, waybill = label
    collected = T0 + dt.timedelta(hours=3)
    sandbox_collect(carrier=carrier, waybill_no=waybill, at=collected)
    row = SandboxWaybill.objects.get(waybill_no=waybill)
    whole = journey(carrier=carrier, waybill_no=waybill, origin_code=row.origin_code,
                    destination_code=row.destination_code, collected_at=collected, origin_city="金华市",
                    destination_city="杭州市", origin_hub="金华转运中心", destination_hub=row.hub)
    assert (carrier, row.hub) == ("zto", "杭州转运中心")
    now(collected - dt.timedelta(seconds=1))
    assert [e.code for e in fetch(label)] == ["created"]
    now(collected)
    assert [(e.code, e.description) for e in fetch(label)] == [
        ("created", "商家已打印电子面单，等待快递员揽收"), ("collected", whole[0].description)]
    now(whole[3].occurred_at)
    assert [(e.occurred_at, e.code, e.description, e.location) for e in fetch(label)[1:]] == [
        (e.occurred_at, e.code, e.description, e.location) for e in whole[:4]]
    now(T0 + dt.timedelta(days=30))
    events = fetch(label)
    assert len(events) == 1 + len(whole)
    assert [e.code for e in events] == ["created", "collected", "in_transit", "in_transit",
                                        "arrived_at_destination_city", "arrived_at_destination_city",
                                        "out_for_delivery", "available_for_pickup", "delivered"]
    assert events[2].description == "快件已到达【金华转运中心】"
    assert fetch(label) == events                      # asking again tells the same story
