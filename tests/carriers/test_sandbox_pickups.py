"""Sandbox pickups (上门揽件): window rules, capacity per district, cancellation, and collection."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.carriers.adapters import CarrierRefused, Pickup, PickupRequest
from parcelhub.carriers.adapters.sandbox import PICKUP_CAPACITY, PICKUP_PATTERNS
from parcelhub.carriers.sandbox_models import SandboxPickup, SandboxWaybill
from tests.carriers.test_sandbox_world import (
    CHINA,
    HANGZHOU,
    LHASA,
    NOW,
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


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, 3, day, hour, minute, tzinfo=CHINA)


def pickup(carrier: str = "zto", start: dt.datetime | None = None, end: dt.datetime | None = None, *,
           waybill_nos: tuple[str, ...] = (), parcels: int = 3, address=YIWU, reference: str = "pk_1") -> PickupRequest:
    start = start or at(1, 14)
    return PickupRequest(carrier=carrier, address=address, window_start=start,
                         window_end=end or start + dt.timedelta(hours=2), waybill_nos=waybill_nos,
                         parcels=parcels, reference=reference)


def refused(call, *args, **kwargs) -> CarrierRefused:
    with pytest.raises(CarrierRefused) as caught:
        call(*args, **kwargs)
    return caught.value


# --- booking -----------------------------------------------------------------------------------------------


def test_booking_confirms_with_a_number_and_a_courier(world):
    waybill = world.create_waybill(waybill_request("zto"))
    booked = world.book_pickup(pickup(waybill_nos=(waybill.waybill_no,), parcels=1))
    assert booked == Pickup(carrier="zto", confirmation_no="ZTP270301000001", window_start=at(1, 14),
                            window_end=at(1, 16), courier_name="田师傅", courier_phone="95311转9665")
    row = SandboxPickup.objects.get()
    assert (row.carrier, row.origin_code, row.waybill_nos, row.parcels, row.status, row.created_at,
            row.reference) == ("zto", "330782", [waybill.waybill_no], 1, "confirmed", NOW, "pk_1")
    assert SandboxWaybill.objects.get().pickup == row


def test_confirmation_numbers_per_carrier(world, frozen):
    numbers = [world.book_pickup(pickup(carrier, at(2, 9 + i))).confirmation_no
               for carrier in ("sf", "ems") for i in range(2)]
    assert numbers == ["SFP270301000001", "SFP270301000002", "EMP270301000001", "EMP270301000002"]
    frozen.advance(days=1)
    assert world.book_pickup(pickup("sf", at(3, 9))).confirmation_no == "SFP270302000003"
    for carrier, number in zip(("sf", "sf", "ems", "ems"), numbers, strict=True):
        assert PICKUP_PATTERNS[carrier].match(number)
    phones = {p.courier_phone.split("转")[0] for p in SandboxPickup.objects.all()}
    assert phones == {"95338", "11183"}


@pytest.mark.parametrize(("start", "end", "reason"), [
    (at(1, 14).replace(tzinfo=None), at(1, 16).replace(tzinfo=None), "pickup_window_invalid"),  # no time zone
    (at(1, 14), at(1, 14, 59), "pickup_window_invalid"),     # under an hour
    (at(1, 12), at(1, 16, 1), "pickup_window_invalid"),      # over four hours
    (at(2, 7, 30), at(2, 9), "pickup_window_invalid"),       # before 08:00
    (at(1, 18), at(1, 20, 30), "pickup_window_invalid"),     # after 20:00
    (at(1, 9), at(1, 11), "pickup_window_invalid"),          # started already (it is 10:00)
    (at(9, 9), at(9, 11), "pickup_window_invalid"),          # more than 7 days ahead
    (at(1, 16), at(1, 14), "pickup_window_invalid"),         # backwards
    (at(1, 10, 20), at(1, 12), "pickup_slot_unavailable"),   # less than 30 minutes' notice
])
def test_window_rules(world, start, end, reason):
    exc = refused(world.book_pickup, pickup(start=start, end=end))
    assert exc.code == reason
    assert not SandboxPickup.objects.exists()


@pytest.mark.parametrize(("start", "end"), [
    (at(1, 10, 30), at(1, 11, 30)),      # exactly 30 minutes' notice, exactly one hour
    (at(2, 8), at(2, 12)),               # the first four hours of the day
    (at(1, 16), at(1, 20)),              # the last four
    (at(8, 9), at(8, 10)),               # just under seven days ahead
    (dt.datetime(2027, 3, 1, 6, tzinfo=dt.UTC), dt.datetime(2027, 3, 1, 8, tzinfo=dt.UTC)),  # 14–16 in China
])
def test_windows_the_carrier_accepts(world, start, end):
    booked = world.book_pickup(pickup(start=start, end=end))
    assert (booked.window_start, booked.window_end) == (start, end)


def test_window_messages(world):
    exc = refused(world.book_pickup, pickup(start=at(2, 7), end=at(2, 9)))
    assert exc.message == "Couriers collect between 08:00 and 20:00 (China time)."
    assert exc.message_zh == "快递员上门时间为北京时间 08:00 至 20:00。"


def test_unserved_pickup_area(world):
    exc = refused(world.book_pickup, pickup("yunda", address=LHASA))
    assert (exc.code, exc.details) == ("unsupported_destination",
                                       {"carrier": "yunda", "role": "pickup", "region": "540000"})
    assert world.book_pickup(pickup("sto", address=LHASA)).confirmation_no == "STP270301000001"


# --- capacity ----------------------------------------------------------------------------------------------


def test_capacity_per_carrier_district_and_overlapping_window(world):
    assert PICKUP_CAPACITY["zto"] == 4
    for n in range(4):
        world.book_pickup(pickup(start=at(1, 13 + n % 2), reference=f"pk_{n}"))   # 13–15 and 14–16
    exc = refused(world.book_pickup, pickup(start=at(1, 14, 30), reference="pk_full"))
    assert (exc.code, exc.status, exc.details) == ("pickup_slot_unavailable", 409,
                                                   {"carrier": "zto", "origin": "330782"})
    assert SandboxPickup.objects.count() == 4
    # Touching windows do not overlap; other districts and carriers have their own couriers.
    assert world.book_pickup(pickup(start=at(1, 16), reference="pk_later"))
    assert world.book_pickup(pickup(start=at(1, 14), address=HANGZHOU, reference="pk_hz"))
    assert world.book_pickup(pickup("yto", start=at(1, 14), reference="pk_yto"))
    # A cancellation frees a place (14:00–15:00 overlaps the four first bookings, not the 16:00 one).
    assert refused(world.book_pickup, pickup(start=at(1, 14), end=at(1, 15))).code == "pickup_slot_unavailable"
    first = SandboxPickup.objects.get(reference="pk_0")
    world.cancel_pickup(carrier="zto", confirmation_no=first.confirmation_no)
    assert world.book_pickup(pickup(start=at(1, 14), end=at(1, 15), reference="pk_freed"))


def test_ems_takes_two(world):
    world.book_pickup(pickup("ems"))
    world.book_pickup(pickup("ems"))
    assert refused(world.book_pickup, pickup("ems")).code == "pickup_slot_unavailable"


def test_waybills_must_be_live_waybills_of_the_carrier(world):
    live = world.create_waybill(waybill_request("zto", reference="shp_1"))
    voided = world.create_waybill(waybill_request("zto", reference="shp_2"))
    world.cancel_waybill(carrier="zto", waybill_no=voided.waybill_no)
    sf = world.create_waybill(waybill_request("sf", reference="shp_3"))
    exc = refused(world.book_pickup, pickup(waybill_nos=(live.waybill_no, voided.waybill_no)))
    assert (exc.code, exc.details) == ("already_cancelled", {"carrier": "zto", "waybill_no": voided.waybill_no})
    exc = refused(world.book_pickup, pickup(waybill_nos=(live.waybill_no, sf.waybill_no)))
    assert exc.code == "unknown_waybill"
    assert not SandboxPickup.objects.exists()
    assert SandboxWaybill.objects.get(waybill_no=live.waybill_no).pickup_id is None


# --- cancelling ----------------------------------------------------------------------------------------------


def test_cancel_before_the_window_starts(world, frozen):
    waybill = world.create_waybill(waybill_request())
    booked = world.book_pickup(pickup(waybill_nos=(waybill.waybill_no,), parcels=1))
    frozen.now = at(1, 13, 59)
    world.cancel_pickup(carrier="zto", confirmation_no=booked.confirmation_no)
    row = SandboxPickup.objects.get()
    assert (row.status, row.cancelled_at) == ("cancelled", at(1, 13, 59))
    assert SandboxWaybill.objects.get().pickup_id is None
    exc = refused(world.cancel_pickup, carrier="zto", confirmation_no=booked.confirmation_no)
    assert (exc.code, exc.status) == ("already_cancelled", 409)


def test_cancel_once_the_window_has_started_is_refused(world, frozen):
    booked = world.book_pickup(pickup())
    frozen.now = at(1, 14)
    exc = refused(world.cancel_pickup, carrier="zto", confirmation_no=booked.confirmation_no)
    assert (exc.code, exc.status) == ("void_window_closed", 409)
    assert exc.message == f"Pickup {booked.confirmation_no} can no longer be cancelled: its window has started."
    assert SandboxPickup.objects.get().status == "confirmed"


def test_cancel_unknown_pickup(world):
    booked = world.book_pickup(pickup())
    exc = refused(world.cancel_pickup, carrier="zto", confirmation_no="ZTP270301999999")
    assert (exc.code, exc.status, exc.details) == (
        "unknown_pickup", 422, {"carrier": "zto", "confirmation_no": "ZTP270301999999"})
    assert refused(world.cancel_pickup, carrier="sf", confirmation_no=booked.confirmation_no).code == "unknown_pickup"


# --- collection --------------------------------------------------------------------------------------------


def test_the_courier_collects_at_the_middle_of_the_window(world, frozen):
    waybill = world.create_waybill(waybill_request())
    world.book_pickup(pickup(waybill_nos=(waybill.waybill_no,), parcels=1))   # 14:00–16:00
    frozen.now = at(1, 14, 59)
    assert [e.code for e in world.fetch_tracking(carrier="zto", waybill_no=waybill.waybill_no)] == ["created"]
    frozen.now = at(1, 15)
    events = world.fetch_tracking(carrier="zto", waybill_no=waybill.waybill_no)
    assert [(e.code, e.occurred_at, e.location) for e in events] == [
        ("created", NOW, "金华市"), ("collected", at(1, 15), "金华市")]
    exc = refused(world.cancel_waybill, carrier="zto", waybill_no=waybill.waybill_no)
    assert exc.code == "void_window_closed"


def test_a_parcel_voided_before_the_visit_is_not_collected(world, frozen):
    waybill = world.create_waybill(waybill_request())
    world.book_pickup(pickup(waybill_nos=(waybill.waybill_no,), parcels=1))
    frozen.now = at(1, 14, 30)
    world.cancel_waybill(carrier="zto", waybill_no=waybill.waybill_no)
    frozen.now = at(1, 17)
    assert [e.code for e in world.fetch_tracking(carrier="zto", waybill_no=waybill.waybill_no)] == [
        "created", "cancelled"]
