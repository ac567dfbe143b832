"""Sandbox waybills: creation, repeats, refusals, the void window and the first tracking events."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import translation

from parcelhub.carriers.adapters import CarrierRefused, TrackingEvent, Waybill
from parcelhub.carriers.adapters.sandbox import sandbox_collect
from parcelhub.carriers.sandbox_models import SandboxCounter, SandboxWaybill
from parcelhub.core.errors import DomainError
from tests.carriers.test_sandbox_world import (
    HANGZHOU,
    LHASA,
    NOW,
    SANSHA,
    YIWU,
    freeze,
    make_world,
    waybill_request,
)


@pytest.fixture
def frozen(monkeypatch):
    return freeze(monkeypatch)


@pytest.fixture
def world(db, frozen):
    return make_world()


def refused(call, *args, **kwargs) -> CarrierRefused:
    with pytest.raises(CarrierRefused) as caught:
        call(*args, **kwargs)
    return caught.value


# --- creating ------------------------------------------------------------------------------------------------


def test_create_returns_the_waybill_and_records_it(world):
    waybill = world.create_waybill(waybill_request("zto", reference="shp_01"))
    assert waybill == Waybill(carrier="zto", waybill_no="752007193523", sort_code="571-Y06 023",
                              hub="杭州转运中心", created_at=NOW)
    row = SandboxWaybill.objects.get()
    assert (row.carrier, row.service, row.reference, row.test_mode, row.weight_g, row.created_at,
            row.cancelled_at, row.picked_up_at, row.pickup_id) == (
        "zto", "standard", "shp_01", False, 1200, NOW, None, None, None)


def test_test_mode_uses_the_test_series_and_records_it(world):
    waybill = world.create_waybill(waybill_request("sf", reference="shp_01", test_mode=True))
    assert waybill.waybill_no == "SF9041640627043"
    assert SandboxWaybill.objects.get().test_mode is True


def test_a_repeated_order_gets_the_same_waybill_until_it_is_voided(world, frozen):
    first = world.create_waybill(waybill_request("yto", reference="shp_01"))
    frozen.advance(minutes=5)
    assert world.create_waybill(waybill_request("yto", reference="shp_01")) == first
    # The test series is another account on the carrier's side: the same reference is a new order there.
    test = world.create_waybill(waybill_request("yto", reference="shp_01", test_mode=True))
    assert test.waybill_no != first.waybill_no
    world.cancel_waybill(carrier="yto", waybill_no=first.waybill_no)
    again = world.create_waybill(waybill_request("yto", reference="shp_01"))
    assert again.waybill_no not in (first.waybill_no, test.waybill_no)
    assert again.created_at == NOW + dt.timedelta(minutes=5)
    assert SandboxWaybill.objects.filter(reference="shp_01").count() == 3


# --- refusals ----------------------------------------------------------------------------------------------


def test_overweight_is_refused_with_the_limit(world):
    assert world.create_waybill(waybill_request("zto", reference="shp_ok", weight_g=50_000))
    exc = refused(world.create_waybill, waybill_request("zto", reference="shp_heavy", weight_g=50_001))
    assert (exc.code, exc.status) == ("overweight", 422)
    assert exc.details == {"carrier": "zto", "max_weight_g": 50_000, "weight_g": 50_001}
    assert exc.message == "ZTO Express ZTO Standard takes parcels up to 50 kg; this one weighs 50.001 kg."
    with translation.override("zh-hans"):
        assert exc.localized() == "中通标快单件重量上限为 50 kg，该包裹重 50.001 kg。"
    assert not SandboxWaybill.objects.filter(reference="shp_heavy").exists()
    assert SandboxCounter.objects.get(name="zto:waybill:live").value == 1


def test_jd_limit_is_read_from_its_service(world):
    exc = refused(world.create_waybill, waybill_request("jd", "tehui", weight_g=30_500))
    assert exc.details == {"carrier": "jd", "max_weight_g": 30_000, "weight_g": 30_500}


@pytest.mark.parametrize("carrier", ["jt", "yunda"])
def test_jt_and_yunda_do_not_serve_tibet(world, carrier):
    exc = refused(world.create_waybill, waybill_request(carrier, recipient=LHASA))
    assert (exc.code, exc.status) == ("unsupported_destination", 422)
    assert exc.details == {"carrier": carrier, "role": "recipient", "region": "540000"}
    name = {"jt": ("J&T Express", "极兔速递"), "yunda": ("Yunda Express", "韵达速递")}[carrier]
    assert exc.message == f"{name[0]} does not deliver to 西藏自治区 (540000)."
    assert exc.message_zh == f"{name[1]}不提供西藏自治区的派送服务。"
    assert not SandboxWaybill.objects.exists()


def test_tibet_is_served_by_the_others_and_as_an_origin_refused_too(world):
    assert world.create_waybill(waybill_request("zto", recipient=LHASA)).hub == "拉萨转运中心"
    exc = refused(world.create_waybill, waybill_request("jt", sender=LHASA))
    assert exc.details == {"carrier": "jt", "role": "sender", "region": "540000"}
    assert exc.message == "J&T Express does not collect from 西藏自治区 (540000)."


def test_only_ems_reaches_sansha(world):
    exc = refused(world.create_waybill, waybill_request("sf", recipient=SANSHA))
    assert exc.details == {"carrier": "sf", "role": "recipient", "region": "460300"}
    assert world.create_waybill(waybill_request("ems", recipient=SANSHA)).hub == "海口邮件处理中心"


@pytest.mark.parametrize("changes", [
    {"city_code": "330700"},                           # 西湖区 is not in 金华
    {"province_code": "320000"},                       # 杭州 is not in 江苏
    {"district_code": "999999"},
    {"city_code": "330106", "district_code": ""},      # a district given as the city
])
def test_addresses_that_name_no_one_place_are_refused(world, changes):
    exc = refused(world.create_waybill, waybill_request(recipient=dataclasses.replace(HANGZHOU, **changes)))
    assert exc.code == "unsupported_destination"
    assert exc.details["role"] == "recipient"


def test_unknown_service_and_carrier(world):
    with pytest.raises(DomainError) as caught:
        world.create_waybill(waybill_request("zto", "express"))
    assert (caught.value.code, caught.value.status) == ("service_unknown", 422)
    with pytest.raises(DomainError) as caught:
        world.create_waybill(waybill_request("ups"))
    assert caught.value.code == "carrier_unsupported"


# --- voids -------------------------------------------------------------------------------------------------


def test_void_within_24_hours(world, frozen):
    waybill = world.create_waybill(waybill_request())
    frozen.advance(hours=24)
    world.cancel_waybill(carrier="zto", waybill_no=waybill.waybill_no)
    assert SandboxWaybill.objects.get().cancelled_at == NOW + dt.timedelta(hours=24)


def test_void_after_24_hours_is_refused(world, frozen):
    waybill = world.create_waybill(waybill_request())
    frozen.advance(hours=24, seconds=1)
    exc = refused(world.cancel_waybill, carrier="zto", waybill_no=waybill.waybill_no)
    assert (exc.code, exc.status) == ("void_window_closed", 409)
    assert exc.message == (f"Waybill {waybill.waybill_no} can no longer be cancelled: waybills can be cancelled "
                           "for 24 hours after they are created.")
    assert SandboxWaybill.objects.get().cancelled_at is None


def test_void_after_collection_is_refused(world, frozen):
    waybill = world.create_waybill(waybill_request())
    sandbox_collect(carrier="zto", waybill_no=waybill.waybill_no, at=NOW + dt.timedelta(hours=1))
    exc = refused(world.cancel_waybill, carrier="zto", waybill_no=waybill.waybill_no)
    assert exc.code == "void_window_closed"
    assert exc.message_zh == f"运单 {waybill.waybill_no} 的包裹已揽收，不能取消。"


def test_void_twice_and_unknown(world):
    waybill = world.create_waybill(waybill_request())
    world.cancel_waybill(carrier="zto", waybill_no=waybill.waybill_no)
    exc = refused(world.cancel_waybill, carrier="zto", waybill_no=waybill.waybill_no)
    assert (exc.code, exc.status, exc.details) == (
        "already_cancelled", 409, {"carrier": "zto", "waybill_no": waybill.waybill_no})
    exc = refused(world.cancel_waybill, carrier="zto", waybill_no="759999999999")
    assert (exc.code, exc.status) == ("unknown_waybill", 422)
    # Another carrier's number is unknown to this one.
    sf = world.create_waybill(waybill_request("sf"))
    assert refused(world.cancel_waybill, carrier="zto", waybill_no=sf.waybill_no).code == "unknown_waybill"
    assert refused(sandbox_collect, carrier="zto", waybill_no=waybill.waybill_no).code == "already_cancelled"


# --- tracking ----------------------------------------------------------------------------------------------


def test_tracking_starts_with_the_label(world):
    waybill = world.create_waybill(waybill_request())
    assert world.fetch_tracking(carrier="zto", waybill_no=waybill.waybill_no) == [
        TrackingEvent(waybill.waybill_no, NOW, "created", "商家已打印电子面单，等待快递员揽收", "金华市")]


def test_tracking_of_unknown_numbers_is_empty(world):
    sf = world.create_waybill(waybill_request("sf"))
    assert world.fetch_tracking(carrier="sf", waybill_no="SF1234567890123") == []
    assert world.fetch_tracking(carrier="zto", waybill_no=sf.waybill_no) == []


def test_tracking_shows_collection_and_cancellation(world, frozen):
    collected = world.create_waybill(waybill_request(reference="shp_1"))
    voided = world.create_waybill(waybill_request(reference="shp_2"))
    sandbox_collect(carrier="zto", waybill_no=collected.waybill_no)
    frozen.advance(minutes=10)
    world.cancel_waybill(carrier="zto", waybill_no=voided.waybill_no)
    assert [(e.code, e.occurred_at, e.location)
            for e in world.fetch_tracking(carrier="zto", waybill_no=collected.waybill_no)] == [
        ("created", NOW, "金华市"), ("collected", NOW, "金华市")]
    assert [(e.code, e.occurred_at, e.description)
            for e in world.fetch_tracking(carrier="zto", waybill_no=voided.waybill_no)] == [
        ("created", NOW, "商家已打印电子面单，等待快递员揽收"),
        ("cancelled", NOW + dt.timedelta(minutes=10), "电子面单已取消")]


def test_tracking_location_of_a_sender_without_district(world):
    sender = dataclasses.replace(YIWU, city_code="441900", province_code="440000", district_code="")
    waybill = world.create_waybill(waybill_request("sto", sender=sender))
    assert world.fetch_tracking(carrier="sto", waybill_no=waybill.waybill_no)[0].location == "东莞市"
