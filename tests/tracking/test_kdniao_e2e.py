"""End to end against a local fake Kdniao: buy a label, subscribe through the client, let the fake push
signed events to our receiver on pytest-django's live server, and read the parcel's state and timeline."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from parcelhub.carriers.adapters import kdniao
from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from parcelhub.shipping.services import Party, shipment_buy, shipment_create
from parcelhub.tracking.models import Tracking, TrackingEvent
from tests.conftest import make_merchant
from tests.fakes.kdniao_server import FakeKdniao
from tests.rating.world import build_small_world
from tests.shipping.conftest import fund

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNT, KEY = "1234567", "e2e-app-key"
CST = kdniao.SHANGHAI


@pytest.fixture
def fake(settings, live_server):
    server = FakeKdniao(ebusiness_id=ACCOUNT, app_key=KEY, push_url=f"{live_server.url}/hooks/kdniao").start()
    settings.KDNIAO_EBUSINESS_ID, settings.KDNIAO_APP_KEY, settings.KDNIAO_API_URL = ACCOUNT, KEY, server.url
    yield server
    server.stop()


@pytest.fixture
def shipment(transactional_db):
    load_regions(Region)   # a transactional test starts after another one's flush
    build_small_world()
    merchant, _ = make_merchant("义乌小商品有限公司", "owner@a.example")
    merchant.origin_region_id, merchant.origin_address = "330782", "稠城街道工人北路1号"
    merchant.save()
    fund(merchant, 10_000)
    draft = shipment_create(merchant=merchant, weight_g=1000, items_summary="帆布包 ×1",
                            recipient=Party("张三", "13800138000", Region.objects.get(adcode="330106"), "文三路90号"))
    return shipment_buy(shipment=draft, rule="cheapest", render_label=False)


def at(day, hour):
    return f"2026-11-{day:02d} {hour:02d}:00:00"


def test_subscribe_then_pushes_take_the_parcel_to_delivered(fake, shipment, caplog):
    # Buying the label subscribed it through the client once the purchase committed (tracking.subscriptions).
    shipper = kdniao.SHIPPER_CODES[shipment.carrier_code]
    assert [(s["ShipperCode"], s["LogisticCode"], s["CallBack"]) for s in fake.subscriptions] == [
        (shipper, shipment.waybill_no, shipment.public_id)]
    assert fake.refused == []

    def push_all():
        status, ack = fake.push([fake.item(shipper, shipment.waybill_no)])
        assert (status, ack["Success"], ack["EBusinessID"]) == (200, True, ACCOUNT)

    fake.add_trace(shipper, shipment.waybill_no, at(20, 9), "【义乌市】快件已揽收", "1", "金华市")
    push_all()
    assert Tracking.objects.get().status == "picked_up"
    fake.add_trace(shipper, shipment.waybill_no, at(20, 21), "快件离开【义乌转运中心】", "2", "金华市")
    push_all()
    push_all()   # Kdniao repeats a push it thinks we missed
    fake.add_trace(shipper, shipment.waybill_no, at(21, 8), "【杭州市】快递员正在派件", "202", "杭州市")
    push_all()
    assert Tracking.objects.get().status == "out_for_delivery"
    # The carrier's transfer scan from the night arrives late, with the signature; a push with only the late
    # scan comes after that.
    late = fake.add_trace(shipper, shipment.waybill_no, at(21, 3), "快件到达【杭州转运中心】", "2", "杭州市")
    fake.add_trace(shipper, shipment.waybill_no, at(21, 15), "已签收，签收人：本人", "301", "杭州市")
    push_all()
    status, ack = fake.push([fake.item(shipper, shipment.waybill_no, traces=[late])])
    assert (status, ack["Success"]) == (200, True)

    tracking = Tracking.objects.get()
    assert (tracking.status, tracking.exception_kind) == ("delivered", "")
    assert tracking.picked_up_at == dt.datetime(2026, 11, 20, 9, tzinfo=CST)
    assert tracking.delivered_at == tracking.last_event_at == dt.datetime(2026, 11, 21, 15, tzinfo=CST)
    timeline = [(e.occurred_at.astimezone(CST).strftime("%d %H"), e.status, e.raw_code, e.location, e.source)
                for e in TrackingEvent.objects.all()]
    assert timeline == [("20 09", "picked_up", "1", "金华市", "kdniao"), ("20 21", "in_transit", "2", "金华市", "kdniao"),
                        ("21 03", "in_transit", "2", "杭州市", "kdniao"),
                        ("21 08", "out_for_delivery", "202", "杭州市", "kdniao"),
                        ("21 15", "delivered", "301", "杭州市", "kdniao")]

    # A push signed with another key: refused, logged, nothing changes.
    fake.add_trace(shipper, shipment.waybill_no, at(22, 9), "退回寄件人", "407")
    with caplog.at_level(logging.WARNING, logger="parcelhub.tracking.hooks"):
        status, ack = fake.push([fake.item(shipper, shipment.waybill_no)], app_key="stolen-or-stale-key")
    assert (status, ack["Success"], ack["Reason"]) == (400, False, "DataSign is missing or wrong")
    warnings = [r.getMessage() for r in caplog.records if r.name == "parcelhub.tracking.hooks"]
    assert len(warnings) == 1 and "EBusinessID='1234567'" in warnings[0] and "127.0.0.1" in warnings[0]
    assert TrackingEvent.objects.count() == 5
    assert Tracking.objects.get().status == "delivered"


def test_query_reads_the_traces(fake, shipment):
    shipper = kdniao.SHIPPER_CODES[shipment.carrier_code]
    fake.add_trace(shipper, shipment.waybill_no, at(20, 9), "快件已揽收", "1", "金华市")
    fake.add_trace(shipper, shipment.waybill_no, at(21, 8), "派件中", "202", "杭州市")
    result = kdniao.KdniaoClient().query(carrier=shipment.carrier_code, waybill_no=shipment.waybill_no)
    assert (result.state, result.state_ex) == ("2", "202")
    assert result.traces == (kdniao.Trace(dt.datetime(2026, 11, 20, 9, tzinfo=CST), "快件已揽收", "金华市", "1"),
                             kdniao.Trace(dt.datetime(2026, 11, 21, 8, tzinfo=CST), "派件中", "杭州市", "202"))


def test_client_errors_are_clear(fake, shipment):
    with pytest.raises(kdniao.KdniaoError) as info:
        kdniao.KdniaoClient(app_key="wrong").subscribe(carrier="zto", waybill_no="75000000001")
    assert (info.value.code, info.value.reason, info.value.status) == ("kdniao_refused", "签名验证失败", 502)
    assert fake.refused == ["sign"]
    with pytest.raises(kdniao.KdniaoError) as info:
        kdniao.KdniaoClient(api_url="http://127.0.0.1:9/nothing", timeout=2).subscribe(carrier="zto", waybill_no="1")
    assert info.value.code == "kdniao_unreachable"
    with pytest.raises(kdniao.KdniaoError) as info:
        kdniao.KdniaoClient(app_key="")
    assert info.value.code == "kdniao_not_configured"
