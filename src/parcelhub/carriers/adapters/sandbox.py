"""The sandbox carrier network: eight carriers that answer like real ones, with their state in the database.

Waybill numbers, in each carrier's public format (`WAYBILL_PATTERNS`; layout in `sandbox_numbers`):

| carrier | format                  | first live number | first test number |
|---------|-------------------------|-------------------|-------------------|
| sf      | "SF" + 13 digits        | SF1041640627041   | SF9041640627043   |
| zto     | 12 digits, starting 7   | 752007193523      | 792007193529      |
| yto     | "YT" + 13 digits        | YT4012304292478   | YT9012304292473   |
| sto     | 13 digits, starting 77  | 7734554481694     | 7794554481698     |
| yunda   | 13 digits, starting 43  | 4317803897796     | 4397803897798     |
| jt      | "JT" + 13 digits        | JT5026965909120   | JT9026965909126   |
| jd      | "JDV" + 12 digits       | JDV028717726369   | JDV928717726360   |
| ems     | 13 digits, starting 1   | 1132061826541     | 1932061826544     |

Test mode: a request with `test_mode` is served exactly like a live one, from a separate series whose
series digit is 9, and the row records `test_mode`; `is_test_waybill` tells them apart.

A repeated order (same carrier, reference and mode while its waybill is live) gets the same waybill back, as
carriers' order APIs do, even if the parcel's details changed; void it first to buy a new one.

Refusals (`CarrierRefused.code`):
- overweight — actual weight above the service's `max_weight_g`;
- unsupported_destination — an area in `UNSERVED` (J&T and Yunda do not serve 西藏; only EMS serves 三沙),
  in either direction, or an address whose adcodes do not name one place;
- void_window_closed — cancelling a collected waybill, one created more than 24 hours ago, or a pickup
  whose window has started;
- already_cancelled, unknown_waybill, unknown_pickup — as named;
- pickup_window_invalid — a window without a time zone, in the past, more than 7 days ahead, shorter than
  1 hour or longer than 4, or outside 08:00–20:00 China time;
- pickup_slot_unavailable — a window starting in less than 30 minutes, or one where the carrier already has
  `PICKUP_CAPACITY` confirmed pickups overlapping it in the same origin district.

Collection: the courier of a confirmed pickup scans its parcels at the middle of the window; from then on they
are collected (tracking shows it, voids are refused). `sandbox_collect` records a scan directly, for the
simulation and for parcels dropped off at a station.

The sandbox shares the caller's database transaction: if the caller rolls back, the carrier "forgets" too,
which a real carrier would not. Real networks need the caller to void what it no longer wants.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction

from parcelhub.carriers.adapters.base import (
    Address,
    CarrierRefused,
    Pickup,
    PickupRequest,
    TrackingEvent,
    Waybill,
    WaybillRequest,
)
from parcelhub.carriers.adapters.sandbox_numbers import (
    FORMATS,
    PICKUP_PATTERNS,
    WAYBILL_PATTERNS,
    is_test_waybill,
    pickup_number,
    waybill_number,
    waybill_number_valid,
)
from parcelhub.carriers.adapters.sandbox_routing import hub_city, hub_name, is_direct_county, sort_code
from parcelhub.carriers.models import Carrier, Service
from parcelhub.carriers.sandbox_models import SandboxCounter, SandboxPickup, SandboxWaybill
from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.geo.models import Region

__all__ = ["PICKUP_CAPACITY", "PICKUP_PATTERNS", "UNSERVED", "WAYBILL_PATTERNS", "SandboxNetwork",
           "is_test_waybill", "sandbox_collect", "waybill_number_valid"]

CHINA = ZoneInfo("Asia/Shanghai")
VOID_WINDOW = dt.timedelta(hours=24)
PICKUP_DAY_START = dt.time(8, 0)
PICKUP_DAY_END = dt.time(20, 0)
PICKUP_MIN_LENGTH = dt.timedelta(hours=1)
PICKUP_MAX_LENGTH = dt.timedelta(hours=4)
PICKUP_LEAD_TIME = dt.timedelta(minutes=30)
PICKUP_HORIZON = dt.timedelta(days=7)

# Confirmed pickups with overlapping windows a carrier takes per origin district.
PICKUP_CAPACITY: dict[str, int] = {"sf": 3, "zto": 4, "yto": 4, "sto": 4, "yunda": 4, "jt": 4, "jd": 3,
                                   "ems": 2}

# Areas (adcodes of any level) a carrier neither delivers to nor collects from. 三沙's islands are reached by
# the postal network only; the sandbox's J&T and Yunda have no network in 西藏.
TIBET, SANSHA = "540000", "460300"
UNSERVED: dict[str, frozenset[str]] = {
    "sf": frozenset({SANSHA}), "zto": frozenset({SANSHA}), "yto": frozenset({SANSHA}),
    "sto": frozenset({SANSHA}), "yunda": frozenset({TIBET, SANSHA}), "jt": frozenset({TIBET, SANSHA}),
    "jd": frozenset({SANSHA}), "ems": frozenset(),
}

HOTLINES: dict[str, str] = {"sf": "95338", "zto": "95311", "yto": "95554", "sto": "95543", "yunda": "95546",
                            "jt": "956025", "jd": "950616", "ems": "11183"}
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"


# --- places ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    province: Region
    city: Region
    district: Region | None

    @property
    def code(self) -> str:
        return (self.district or self.city).adcode

    def codes(self) -> tuple[str, ...]:
        return tuple(r.adcode for r in (self.province, self.city, self.district) if r is not None)


_ROLE_WORDS = {"sender": ("collect from", "揽收"), "recipient": ("deliver to", "派送"),
               "pickup": ("collect from", "上门取件")}


def _carrier_names(carrier: str) -> tuple[str, str]:
    row = Carrier.objects.filter(code=carrier).values_list("name_en", "name").first()
    return row if row else (carrier.upper(), carrier.upper())


def _place(address: Address, *, carrier: str, role: str) -> Place:
    codes = [address.province_code, address.city_code, address.district_code]
    regions = Region.objects.in_bulk([c for c in codes if c])
    province, city = regions.get(address.province_code), regions.get(address.city_code)
    district = regions.get(address.district_code) if address.district_code else None
    consistent = (province is not None and province.level == Region.Level.PROVINCE
                  and city is not None and city.level == Region.Level.CITY
                  and city.parent_id == province.adcode
                  and (not address.district_code
                       or (district is not None and district.level == Region.Level.DISTRICT
                           and district.parent_id == city.adcode)))
    verb_en, verb_zh = _ROLE_WORDS[role]
    if not consistent or province is None or city is None:
        shown = "/".join(c for c in codes if c)
        raise CarrierRefused("unsupported_destination",
                             f"The carrier cannot place the {role} address: the area codes {shown} do not "
                             f"name one province, city and district.",
                             f"快递公司无法识别该地址：地区代码 {shown} 不是同一省、市、区县。",
                             carrier=carrier, details={"role": role, "region": shown})
    place = Place(province, city, district)
    for code in place.codes():
        if code in UNSERVED[carrier]:
            name = regions[code].name
            en, zh = _carrier_names(carrier)
            raise CarrierRefused("unsupported_destination", f"{en} does not {verb_en} {name} ({code}).",
                                 f"{zh}不提供{name}的{verb_zh}服务。", carrier=carrier,
                                 details={"role": role, "region": code})
    return place


def _city_code(adcode: str) -> str:
    return adcode if is_direct_county(adcode) or adcode[4:] == "00" else adcode[:4] + "00"


# --- sequences ---------------------------------------------------------------------------------------------


def _locked_counter(name: str) -> SandboxCounter:
    """The counter's row, locked until the transaction ends: this also serialises the caller's checks
    (one live waybill per order, a slot's capacity) across processes."""
    SandboxCounter.objects.get_or_create(name=name)
    return SandboxCounter.objects.select_for_update().get(name=name)


def _advance(counter: SandboxCounter) -> int:
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value


# --- waybills ----------------------------------------------------------------------------------------------


def _service(carrier: str, code: str) -> Service:
    service = Service.objects.select_related("carrier").filter(carrier__code=carrier, code=code).first()
    if service is None:
        raise DomainError("service_unknown", f"{carrier} has no service “{code}”.",
                          f"{carrier} 没有“{code}”这项产品。", status=422,
                          details={"carrier": carrier, "service": code})
    return service


def _as_waybill(row: SandboxWaybill) -> Waybill:
    return Waybill(carrier=row.carrier, waybill_no=row.waybill_no, sort_code=row.sort_code, hub=row.hub,
                   created_at=row.created_at)


def _kg(grams: int) -> str:
    return f"{grams / 1000:g} kg"


def _live_waybill(carrier: str, waybill_no: str) -> SandboxWaybill:
    row = (SandboxWaybill.objects.select_for_update().filter(carrier=carrier, waybill_no=waybill_no).first())
    if row is None:
        raise CarrierRefused("unknown_waybill", f"The carrier has no waybill {waybill_no}.",
                             f"快递公司查无运单 {waybill_no}。", carrier=carrier,
                             details={"waybill_no": waybill_no})
    if row.cancelled_at is not None:
        raise CarrierRefused("already_cancelled", f"Waybill {waybill_no} was already cancelled.",
                             f"运单 {waybill_no} 已经取消过了。", carrier=carrier,
                             details={"waybill_no": waybill_no})
    return row


def _courier_visit(pickup: SandboxPickup) -> dt.datetime:
    return pickup.window_start + (pickup.window_end - pickup.window_start) / 2


def collected_at(row: SandboxWaybill, now: dt.datetime) -> dt.datetime | None:
    """When the parcel was scanned at pickup, as of `now`; None while it is still with the sender."""
    if row.picked_up_at is not None:
        return row.picked_up_at
    if row.cancelled_at is not None or row.pickup_id is None:
        return None
    pickup = SandboxPickup.objects.filter(pk=row.pickup_id, status=SandboxPickup.Status.CONFIRMED).first()
    if pickup is None:
        return None
    visit = _courier_visit(pickup)
    return visit if visit <= now else None


def sandbox_collect(*, carrier: str, waybill_no: str, at: dt.datetime | None = None) -> None:
    """Record the pickup scan of a live waybill (the simulation's courier, or a drop-off at a station)."""
    with transaction.atomic():
        row = _live_waybill(carrier, waybill_no)
        if row.picked_up_at is None:
            row.picked_up_at = at or clock.now()
            row.save(update_fields=["picked_up_at"])


# --- pickups ----------------------------------------------------------------------------------------------


def _window_invalid(carrier: str, en: str, zh: str) -> CarrierRefused:
    return CarrierRefused("pickup_window_invalid", en, zh, carrier=carrier)


def _check_window(req: PickupRequest, now: dt.datetime) -> None:
    start, end, carrier = req.window_start, req.window_end, req.carrier
    if start.utcoffset() is None or end.utcoffset() is None:
        raise _window_invalid(carrier, "The pickup window must carry a time zone.", "取件时段必须带时区。")
    length = end - start
    if not PICKUP_MIN_LENGTH <= length <= PICKUP_MAX_LENGTH:
        raise _window_invalid(carrier, "A pickup window lasts from 1 to 4 hours.", "取件时段须为 1 至 4 小时。")
    local_start, local_end = start.astimezone(CHINA), end.astimezone(CHINA)
    if (local_start.date() != local_end.date() or local_start.time() < PICKUP_DAY_START
            or local_end.time() > PICKUP_DAY_END):
        raise _window_invalid(carrier, "Couriers collect between 08:00 and 20:00 (China time).",
                              "快递员上门时间为北京时间 08:00 至 20:00。")
    if start <= now:
        raise _window_invalid(carrier, "The pickup window must start in the future.", "取件时段必须晚于当前时间。")
    if start > now + PICKUP_HORIZON:
        raise _window_invalid(carrier, "Pickups can be booked at most 7 days ahead.", "最多可预约 7 天内的上门取件。")
    if start < now + PICKUP_LEAD_TIME:
        raise CarrierRefused("pickup_slot_unavailable",
                             "A courier needs at least 30 minutes' notice; choose a later window.",
                             "快递员至少需要提前 30 分钟预约，请选择更晚的时段。", carrier=carrier)


def _courier(carrier: str, confirmation_no: str) -> tuple[str, str]:
    digest = zlib.crc32(confirmation_no.encode())
    return f"{_SURNAMES[digest % len(_SURNAMES)]}师傅", f"{HOTLINES[carrier]}转{1000 + digest // 64 % 9000}"


def _too_late(carrier: str, en: str, zh: str, **details: str) -> CarrierRefused:
    return CarrierRefused("void_window_closed", en, zh, carrier=carrier, details=details)


def _unknown_pickup(carrier: str, confirmation_no: str) -> CarrierRefused:
    return CarrierRefused("unknown_pickup", f"The carrier has no pickup {confirmation_no}.",
                          f"快递公司查无取件预约 {confirmation_no}。", carrier=carrier,
                          details={"confirmation_no": confirmation_no})


# --- the network ------------------------------------------------------------------------------------------


class SandboxNetwork:
    """A CarrierAdapter for every carrier of `FORMATS`; stateless itself, so one instance serves all."""

    carriers = frozenset(FORMATS)

    def _check_carrier(self, carrier: str) -> None:
        if carrier not in self.carriers:
            raise DomainError("carrier_unsupported", f"The sandbox network does not serve “{carrier}”.",
                              f"沙箱快递网络不支持“{carrier}”。", status=422, details={"carrier": carrier})

    def create_waybill(self, req: WaybillRequest) -> Waybill:
        carrier = req.carrier
        self._check_carrier(carrier)
        service = _service(carrier, req.service)
        sender = _place(req.sender, carrier=carrier, role="sender")
        recipient = _place(req.recipient, carrier=carrier, role="recipient")
        if req.weight_g > service.max_weight_g:
            raise CarrierRefused(
                "overweight",
                f"{service.carrier.name_en} {service.name_en} takes parcels up to "
                f"{_kg(service.max_weight_g)}; this one weighs {_kg(req.weight_g)}.",
                f"{service.name}单件重量上限为 {_kg(service.max_weight_g)}，该包裹重 {_kg(req.weight_g)}。",
                carrier=carrier, details={"max_weight_g": service.max_weight_g, "weight_g": req.weight_g})
        hub_region = Region.objects.filter(adcode=hub_city(
            province_code=recipient.province.adcode, city_code=recipient.city.adcode,
            district_code=recipient.district.adcode if recipient.district else "")).first()
        hub = hub_name(carrier, hub_region.short_name if hub_region else recipient.province.short_name)
        code = sort_code(carrier=carrier, city_code=recipient.city.adcode,
                         district_code=recipient.district.adcode if recipient.district else "",
                         detail=req.recipient.detail)
        series = "test" if req.test_mode else "live"
        with transaction.atomic():
            counter = _locked_counter(f"{carrier}:waybill:{series}")
            existing = SandboxWaybill.objects.filter(
                carrier=carrier, reference=req.reference, test_mode=req.test_mode,
                cancelled_at__isnull=True).first()
            if existing is not None:
                return _as_waybill(existing)
            number = waybill_number(carrier, _advance(counter), test_mode=req.test_mode)
            row = SandboxWaybill.objects.create(
                carrier=carrier, service=service.code, waybill_no=number, reference=req.reference,
                test_mode=req.test_mode, origin_code=sender.code, destination_code=recipient.code,
                sort_code=code, hub=hub, weight_g=req.weight_g, created_at=clock.now())
        return _as_waybill(row)

    def cancel_waybill(self, *, carrier: str, waybill_no: str) -> None:
        self._check_carrier(carrier)
        with transaction.atomic():
            row = _live_waybill(carrier, waybill_no)
            now = clock.now()
            if collected_at(row, now) is not None:
                raise _too_late(carrier, f"Waybill {waybill_no} can no longer be cancelled: the parcel was "
                                         f"collected.", f"运单 {waybill_no} 的包裹已揽收，不能取消。",
                                waybill_no=waybill_no)
            if now - row.created_at > VOID_WINDOW:
                raise _too_late(carrier, f"Waybill {waybill_no} can no longer be cancelled: waybills can be "
                                         f"cancelled for 24 hours after they are created.",
                                f"运单 {waybill_no} 已超过 24 小时的可取消时限。", waybill_no=waybill_no)
            row.cancelled_at = now
            row.save(update_fields=["cancelled_at"])

    def book_pickup(self, req: PickupRequest) -> Pickup:
        carrier = req.carrier
        self._check_carrier(carrier)
        place = _place(req.address, carrier=carrier, role="pickup")
        now = clock.now()
        _check_window(req, now)
        with transaction.atomic():
            counter = _locked_counter(f"{carrier}:pickup")
            waybills = [_live_waybill(carrier, no) for no in dict.fromkeys(req.waybill_nos)]
            booked = SandboxPickup.objects.filter(
                carrier=carrier, origin_code=place.code, status=SandboxPickup.Status.CONFIRMED,
                window_start__lt=req.window_end, window_end__gt=req.window_start).count()
            if booked >= PICKUP_CAPACITY[carrier]:
                raise CarrierRefused("pickup_slot_unavailable",
                                     "The carrier's couriers for this area are fully booked in this window; "
                                     "choose another.", "该地区此时段的快递员已约满，请选择其他时段。",
                                     carrier=carrier, details={"origin": place.code})
            day = now.astimezone(CHINA).strftime("%y%m%d")
            number = pickup_number(carrier, _advance(counter), day=day)
            name, phone = _courier(carrier, number)
            pickup = SandboxPickup.objects.create(
                carrier=carrier, confirmation_no=number, reference=req.reference, origin_code=place.code,
                window_start=req.window_start, window_end=req.window_end,
                waybill_nos=[w.waybill_no for w in waybills], parcels=req.parcels, courier_name=name,
                courier_phone=phone, created_at=now)
            SandboxWaybill.objects.filter(pk__in=[w.pk for w in waybills]).update(pickup=pickup)
        return Pickup(carrier=carrier, confirmation_no=number, window_start=req.window_start,
                      window_end=req.window_end, courier_name=name, courier_phone=phone)

    def cancel_pickup(self, *, carrier: str, confirmation_no: str) -> None:
        self._check_carrier(carrier)
        with transaction.atomic():
            pickup = (SandboxPickup.objects.select_for_update()
                      .filter(carrier=carrier, confirmation_no=confirmation_no).first())
            if pickup is None:
                raise _unknown_pickup(carrier, confirmation_no)
            if pickup.status == SandboxPickup.Status.CANCELLED:
                raise CarrierRefused("already_cancelled", f"Pickup {confirmation_no} was already cancelled.",
                                     f"取件预约 {confirmation_no} 已经取消过了。", carrier=carrier,
                                     details={"confirmation_no": confirmation_no})
            now = clock.now()
            if now >= pickup.window_start:
                raise _too_late(carrier, f"Pickup {confirmation_no} can no longer be cancelled: its window has "
                                         f"started.", f"取件预约 {confirmation_no} 的上门时段已开始，不能取消。",
                                confirmation_no=confirmation_no)
            pickup.status = SandboxPickup.Status.CANCELLED
            pickup.cancelled_at = now
            pickup.save(update_fields=["status", "cancelled_at"])
            SandboxWaybill.objects.filter(pickup=pickup).update(pickup=None)

    def fetch_tracking(self, *, carrier: str, waybill_no: str) -> list[TrackingEvent]:
        """The waybill's events up to now: its creation, then (once collected) its journey as
        `sandbox_tracking.journey` tells it, or its cancellation."""
        from parcelhub.carriers.adapters.sandbox_tracking import place_names, waybill_events

        self._check_carrier(carrier)
        row = SandboxWaybill.objects.filter(carrier=carrier, waybill_no=waybill_no).first()
        if row is None:
            return []
        now = clock.now()
        return waybill_events(row, collected=collected_at(row, now), names=place_names([row]), now=now)
