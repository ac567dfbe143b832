"""The sandbox network's parcel journeys: from the pickup scan on, every event a carrier would show, generated
deterministically from the waybill number, so asking twice (or asking later) tells the same story.

`journey()` returns the parcel's whole future; `fetch_tracking` reveals the part up to `clock.now()`.

The model (times are drawn in China time; every duration below is multiplied by the season factor):

1. 揽收 at the collection time; arrival at the origin hub after U(1, 5) h; departure after the carrier's hub
   dwell × LogNormal(0, 0.3).
2. Line haul, hub to hub: (6 h + 1.25 × great-circle km ÷ `speed_kmh`) × LogNormal(0, `sigma`), between the
   province capitals of `CAPITALS` (a same-city parcel skips it: 1–3 h to the station). A remote destination
   (`REMOTE`: 新疆, 西藏, 青海, 内蒙古, 宁夏, 甘肃, 海南) multiplies it by `REMOTE_FACTOR` and adds
   `REMOTE_EXTRA_HOURS`.
3. Destination hub dwell, then out for delivery at the next courier round: rounds start 08:00–10:00 and
   14:00–15:00 China time; nothing goes out after 18:00.
4. The outcome, drawn once per parcel (`CarrierProfile`): lost in transit (the stream ends in the exception),
   damaged (exception, 24–48 h later delivered), address problem (exception at the door, redelivered the next
   day, or returned with probability `RETURN_AFTER_ADDRESS`), refused (exception, then returning → returned),
   otherwise delivered — to a locker / 驿站 with probability `locker`, collected after LogNormal(ln 10 h, 1.0)
   hours (at most 7 days), or handed over 0.5–4 h after the round starts.
   Independently, `delayed` parcels get a "delayed" exception on the line haul and 24–72 h more.
5. Returns travel back over the same line haul (same distribution) and end in "returned".

| carrier            | speed_kmh | hub dwell h | sigma | delayed | address | refused | damaged | lost   | locker |
|--------------------|-----------|-------------|-------|---------|---------|---------|---------|--------|--------|
| sf                 | 110       | 2           | 0.20  | 1.5 %   | 0.8 %   | 0.8 %   | 0.2 %   | 0.05 % | 15 %   |
| jd                 | 85        | 2.5         | 0.22  | 2 %     | 0.8 %   | 1 %     | 0.3 %   | 0.05 % | 10 %   |
| zto yto sto yunda jt | 55      | 4           | 0.35  | 5 %     | 2 %     | 2 %     | 0.8 %   | 0.2 %  | 45 %   |
| ems                | 45        | 5           | 0.40  | 4 %     | 1.2 %   | 1.2 %   | 0.4 %   | 0.1 %  | 30 %   |

Seasons, by the collection date (China time): Double 11 (Nov 11–20) × `DOUBLE11_FACTOR` 1.5 for all; the
Chinese New Year window (`CNY` − 7 … + 10 days; CNY 2025-01-29, 2026-02-17, 2027-02-06) × 1.3 for SF and JD,
× 2.0 for the others, whose couriers also do not go out from CNY − 1 to CNY + 5. In both seasons the
delayed rate doubles.

Seed: crc32 of "carrier:waybill_no"; the draws are made in a fixed order, so a parameter change moves
every parcel but the same parameters always give the same stream.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import zlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from parcelhub.carriers.adapters.base import TrackingEvent
from parcelhub.carriers.adapters.sandbox import _city_code
from parcelhub.carriers.adapters.sandbox_routing import hub_name
from parcelhub.carriers.sandbox_models import SandboxWaybill
from parcelhub.geo.models import Region
from parcelhub.simulation.carriers_world import CAPITALS, distance_km
from parcelhub.tracking.status import ExceptionKind, Status

CHINA = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC

__all__ = ["CNY", "PROFILES", "REMOTE", "CarrierProfile", "JourneyEvent", "event_code", "journey",
           "place_names", "season_factor", "waybill_events"]


@dataclass(frozen=True)
class CarrierProfile:
    speed_kmh: float      # effective hub-to-hub line-haul speed
    hub_hours: float      # median sorting dwell at each hub
    sigma: float          # log-normal spread of the line haul
    delayed: float        # per-parcel probabilities
    address: float
    refused: float
    damaged: float
    lost: float
    locker: float         # share of deliveries left in a locker / 驿站


_TONGDA = CarrierProfile(55, 4, 0.35, 0.05, 0.02, 0.02, 0.008, 0.002, 0.45)
PROFILES: dict[str, CarrierProfile] = {
    "sf": CarrierProfile(110, 2, 0.20, 0.015, 0.008, 0.008, 0.002, 0.0005, 0.15),
    "jd": CarrierProfile(85, 2.5, 0.22, 0.02, 0.008, 0.01, 0.003, 0.0005, 0.10),
    "zto": _TONGDA, "yto": _TONGDA, "sto": _TONGDA, "yunda": _TONGDA, "jt": _TONGDA,
    "ems": CarrierProfile(45, 5, 0.40, 0.04, 0.012, 0.012, 0.004, 0.001, 0.30),
}
FAST = frozenset({"sf", "jd"})
REMOTE = frozenset({"650000", "540000", "630000", "150000", "640000", "620000", "460000"})
REMOTE_FACTOR = 1.5
REMOTE_EXTRA_HOURS = 12.0
ROAD_FACTOR = 1.25
RETURN_AFTER_ADDRESS = 0.3
DOUBLE11_FACTOR = 1.5
CNY: tuple[dt.date, ...] = (dt.date(2025, 1, 29), dt.date(2026, 2, 17), dt.date(2027, 2, 6))
CNY_BEFORE, CNY_AFTER = 7, 10
CNY_FACTOR_FAST, CNY_FACTOR = 1.3, 2.0
LOCKER_MAX_HOURS = 7 * 24

_LOCKERS = {"sf": "丰巢智能柜", "jd": "京东快递柜", "ems": "邮政驿站"}
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
_AREAS = ("城东", "城西", "城南", "城北", "开发区", "高新区", "新城")
_SIGNERS = ("本人", "本人", "本人", "家人", "前台", "门卫")


@dataclass(frozen=True)
class JourneyEvent:
    occurred_at: dt.datetime   # aware, UTC
    status: Status
    exception_kind: str        # an ExceptionKind value for exceptions, "" otherwise
    description: str           # as the carrier writes it
    location: str

    @property
    def code(self) -> str:
        return event_code(self.status, self.exception_kind)


def event_code(status: Status, exception_kind: str = "") -> str:
    """The sandbox's event code: the exception kind for exceptions, "collected" for the pickup scan, else the
    status itself."""
    if status == Status.EXCEPTION:
        return exception_kind or "exception"
    return "collected" if status == Status.PICKED_UP else str(status)


def _cny_near(day: dt.date) -> dt.date | None:
    for new_year in CNY:
        if -CNY_BEFORE <= (day - new_year).days <= CNY_AFTER:
            return new_year
    return None


def season_factor(carrier: str, day: dt.date) -> float:
    """How much slower everything is for parcels collected on `day` (China date)."""
    if day.month == 11 and 11 <= day.day <= 20:
        return DOUBLE11_FACTOR
    if _cny_near(day) is not None:
        return CNY_FACTOR_FAST if carrier in FAST else CNY_FACTOR
    return 1.0


def _province(code: str) -> str:
    return code[:2] + "0000"


def _h(hours: float) -> dt.timedelta:
    # Whole seconds, so every event keeps the collection scan's sub-second part and nothing else.
    return dt.timedelta(seconds=round(hours * 3600))


def _next_round(moment: dt.datetime, rng: random.Random, carrier: str) -> dt.datetime:
    """The start of the first courier round at or after `moment` (China time)."""
    local = moment.astimezone(CHINA)
    day = local.date()
    while True:
        new_year = _cny_near(day)
        if carrier not in FAST and carrier != "ems" and new_year and -1 <= (day - new_year).days <= 5:
            day = new_year + dt.timedelta(days=6)
            local = dt.datetime.combine(day, dt.time(0), tzinfo=CHINA)
        for start_h, span_h in ((8, 2), (14, 1)):
            start = dt.datetime.combine(day, dt.time(start_h), tzinfo=CHINA)
            if local <= start + dt.timedelta(hours=span_h):
                return max(local, start) + dt.timedelta(minutes=rng.randrange(0, 40))
        day += dt.timedelta(days=1)
        local = dt.datetime.combine(day, dt.time(0), tzinfo=CHINA)


def journey(*, carrier: str, waybill_no: str, origin_code: str, destination_code: str,
            collected_at: dt.datetime, origin_city: str = "", destination_city: str = "",
            origin_hub: str = "", destination_hub: str = "") -> list[JourneyEvent]:
    """Every event from the pickup scan to the end of the parcel's story, in time order."""
    profile = PROFILES[carrier]
    rng = random.Random(zlib.crc32(f"{carrier}:{waybill_no}".encode()))
    factor = season_factor(carrier, collected_at.astimezone(CHINA).date())
    origin_city = origin_city or "始发地"
    destination_city = destination_city or "目的地"
    suffix = {"sf": "中转场", "jd": "分拣中心", "ems": "邮件处理中心"}.get(carrier, "转运中心")
    origin_hub = origin_hub or f"{origin_city}{suffix}"
    destination_hub = destination_hub or f"{destination_city}{suffix}"
    station = f"{destination_city}{rng.choice(_AREAS)}营业部"
    courier = f"{rng.choice(_SURNAMES)}师傅 1{rng.randrange(3, 10)}{rng.randrange(10)}****{rng.randrange(10_000):04d}"
    # One draw each, in a fixed order, whatever the outcome.
    u_outcome, u_delay, u_locker, u_redeliver = rng.random(), rng.random(), rng.random(), rng.random()
    season_delay = 2.0 if factor > 1.0 else 1.0

    events: list[JourneyEvent] = []

    def add(at: dt.datetime, status: Status, text: str, where: str, kind: str = "") -> None:
        events.append(JourneyEvent(at.astimezone(UTC), status, kind, text, where))

    def hours(value: float) -> dt.timedelta:
        return _h(value * factor)

    def line_haul() -> float:
        if origin_code[:4] == destination_code[:4]:
            return rng.uniform(1, 3)
        km = distance_km(CAPITALS[_province(origin_code)], CAPITALS[_province(destination_code)])
        base = (6 + ROAD_FACTOR * km / profile.speed_kmh) * math.exp(rng.gauss(0, profile.sigma))
        if _province(destination_code) in REMOTE or _province(origin_code) in REMOTE:
            base = base * REMOTE_FACTOR + REMOTE_EXTRA_HOURS
        return base

    t = collected_at
    add(t, Status.PICKED_UP, f"【{origin_city}】快递员【{courier.split()[0]}】已揽收", origin_city)
    t += hours(rng.uniform(1, 5))
    add(t, Status.IN_TRANSIT, f"快件已到达【{origin_hub}】", origin_city)
    t += hours(profile.hub_hours * math.exp(rng.gauss(0, 0.3)))
    add(t, Status.IN_TRANSIT, f"【{origin_hub}】已发出，下一站【{destination_hub}】", origin_city)
    haul = line_haul()

    p = profile
    lost, damaged = p.lost, p.lost + p.damaged
    address, refused = damaged + p.address, damaged + p.address + p.refused
    if u_outcome < lost:
        add(t + hours(haul * rng.uniform(0.3, 0.9)), Status.EXCEPTION,
            "快件在运输途中遗失，客服将联系寄件人处理理赔", "", ExceptionKind.LOST)
        return events
    if u_delay < min(1.0, p.delayed * season_delay):
        add(t + hours(haul * 0.5), Status.EXCEPTION, "受天气及运力影响，快件转运延误，我们将尽快为您发出", "",
            ExceptionKind.DELAYED)
        haul += rng.uniform(24, 72)
    t += hours(haul)
    add(t, Status.ARRIVED_AT_DESTINATION_CITY, f"快件已到达【{destination_hub}】", destination_city)
    t += hours(profile.hub_hours * math.exp(rng.gauss(0, 0.3)))
    add(t, Status.ARRIVED_AT_DESTINATION_CITY, f"【{destination_hub}】已发出，下一站【{station}】",
        destination_city)
    if u_outcome < damaged:
        t += _h(rng.uniform(1, 4))
        add(t, Status.EXCEPTION, f"快件外包装破损，【{station}】已联系寄件人确认处理方式", destination_city,
            ExceptionKind.DAMAGED)
        t += _h(rng.uniform(24, 48))
    t = _next_round(t + _h(rng.uniform(1, 3)), rng, carrier)
    add(t, Status.OUT_FOR_DELIVERY, f"【{station}】派件员【{courier}】正在派件", destination_city)

    returning = False
    if damaged <= u_outcome < address:
        t += _h(rng.uniform(1, 4))
        add(t, Status.EXCEPTION, f"收件地址不详，派件员无法联系收件人，快件暂存【{station}】", destination_city,
            ExceptionKind.ADDRESS_PROBLEM)
        if u_redeliver < RETURN_AFTER_ADDRESS:
            returning = True
        else:
            t = _next_round(t + _h(12), rng, carrier)
            add(t, Status.OUT_FOR_DELIVERY, f"【{station}】派件员【{courier}】正在派件", destination_city)
    elif address <= u_outcome < refused:
        t += _h(rng.uniform(1, 4))
        add(t, Status.EXCEPTION, "收件人拒收，快件将退回寄件人", destination_city, ExceptionKind.REFUSED)
        returning = True

    if returning:
        t += _h(rng.uniform(2, 12))
        add(t, Status.RETURNING, f"快件已由【{station}】发出，正在退回寄件人", destination_city)
        t += hours(line_haul() + 2 * profile.hub_hours)
        add(t, Status.RETURNED, f"退回件已由寄件人签收，【{origin_city}】", origin_city)
        return events

    if u_locker < profile.locker:
        locker = _LOCKERS.get(carrier, "菜鸟驿站")
        t += _h(rng.uniform(0.5, 3))
        add(t, Status.AVAILABLE_FOR_PICKUP, f"快件已由【{locker}】代收，请及时取件", destination_city)
        t += _h(min(LOCKER_MAX_HOURS, math.exp(rng.gauss(math.log(10), 1.0))))
        add(t, Status.DELIVERED, f"快件已从【{locker}】取出，已签收，感谢使用", destination_city)
    else:
        t += _h(rng.uniform(0.5, 4))
        add(t, Status.DELIVERED, f"快件已签收，签收人：{rng.choice(_SIGNERS)}，如有疑问请联系派件员【{courier}】",
            destination_city)
    return events


# --- a sandbox waybill's events ------------------------------------------------------------------------------


def place_names(rows: list[SandboxWaybill]) -> dict[str, tuple[str, str]]:
    """City adcode -> (name, short name) for the origins and destinations of these waybills, in one query."""
    codes = {_city_code(c) for row in rows for c in (row.origin_code, row.destination_code)}
    return {code: (name, short) for code, name, short in
            Region.objects.filter(adcode__in=codes).values_list("adcode", "name", "short_name")}


def waybill_events(row: SandboxWaybill, *, collected: dt.datetime | None, names: dict[str, tuple[str, str]],
                   now: dt.datetime) -> list[TrackingEvent]:
    """What the carrier shows for this waybill at `now`: its creation, the journey from `collected` on (None:
    nobody collected it), its cancellation."""
    origin_name, origin_short = names.get(_city_code(row.origin_code), ("", ""))
    no = row.waybill_no
    events = [TrackingEvent(no, row.created_at, "created", "商家已打印电子面单，等待快递员揽收", origin_name)]
    if collected is not None:
        destination_name = names.get(_city_code(row.destination_code), ("", ""))[0]
        for step in journey(carrier=row.carrier, waybill_no=no, origin_code=row.origin_code,
                            destination_code=row.destination_code, collected_at=collected,
                            origin_city=origin_name, destination_city=destination_name,
                            origin_hub=hub_name(row.carrier, origin_short) if origin_short else "",
                            destination_hub=row.hub):
            if step.occurred_at > now:
                break
            events.append(TrackingEvent(no, step.occurred_at, step.code, step.description, step.location))
    if row.cancelled_at is not None and row.cancelled_at <= now:
        events.append(TrackingEvent(no, row.cancelled_at, "cancelled", "电子面单已取消", ""))
    return sorted(events, key=lambda e: e.occurred_at)
