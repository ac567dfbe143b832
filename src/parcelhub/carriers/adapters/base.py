"""What the platform asks of a carrier, whoever answers: the sandbox network now, aggregator clients later.

Requests and answers are plain frozen dataclasses with carrier and service *codes* ("sf", "standard"), so an
adapter needs nothing from our catalogue to serialise them. Every refusal a carrier can give comes back as one
exception, `CarrierRefused`, with a stable reason code the shipping layer can branch on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from parcelhub.core.errors import DomainError


@dataclass(frozen=True)
class Address:
    name: str
    phone: str
    province_code: str     # adcodes, as geo.Region: 330000
    city_code: str         # 330700
    district_code: str     # 330782; "" where the city has no districts (东莞, 中山)
    detail: str            # street and door: 稠州北路 100 号


@dataclass(frozen=True)
class WaybillRequest:
    carrier: str
    service: str
    reference: str         # our shipment id, "shp_…"; the carrier's order number
    sender: Address
    recipient: Address
    weight_g: int
    length_cm: int
    width_cm: int
    height_cm: int
    declared_value_fen: int = 0
    cod_fen: int = 0
    items_summary: str = ""
    test_mode: bool = False

    def __post_init__(self) -> None:
        # Programmer errors, not carrier answers: shipping validates what merchants send before this.
        if not self.reference:
            raise ValueError("a waybill request needs our shipment id as its reference")
        if self.weight_g <= 0:
            raise ValueError("weight_g must be positive")
        if min(self.length_cm, self.width_cm, self.height_cm, self.declared_value_fen, self.cod_fen) < 0:
            raise ValueError("dimensions and amounts cannot be negative")


@dataclass(frozen=True)
class Waybill:
    carrier: str
    waybill_no: str
    sort_code: str         # 大头笔 / 三段码, "571-H12 034"
    hub: str               # 集包地, "杭州转运中心"
    created_at: dt.datetime


@dataclass(frozen=True)
class PickupRequest:
    carrier: str
    address: Address
    window_start: dt.datetime   # aware
    window_end: dt.datetime     # aware
    waybill_nos: tuple[str, ...]
    parcels: int
    reference: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "waybill_nos", tuple(self.waybill_nos))
        if self.parcels < max(1, len(set(self.waybill_nos))):
            raise ValueError("parcels must be at least 1 and at least the number of waybills")


@dataclass(frozen=True)
class Pickup:
    carrier: str
    confirmation_no: str
    window_start: dt.datetime
    window_end: dt.datetime
    courier_name: str
    courier_phone: str


@dataclass(frozen=True)
class TrackingEvent:
    waybill_no: str
    occurred_at: dt.datetime
    code: str              # "created", "collected", "cancelled"; step 3 adds the rest
    description: str       # the carrier's own words, Chinese
    location: str          # city name, "" when the carrier gives none


@runtime_checkable
class CarrierAdapter(Protocol):
    carriers: frozenset[str]    # codes of the carriers this adapter speaks for

    def create_waybill(self, req: WaybillRequest) -> Waybill: ...

    def cancel_waybill(self, *, carrier: str, waybill_no: str) -> None: ...

    def book_pickup(self, req: PickupRequest) -> Pickup: ...

    def cancel_pickup(self, *, carrier: str, confirmation_no: str) -> None: ...

    def fetch_tracking(self, *, carrier: str, waybill_no: str) -> list[TrackingEvent]: ...


# reason -> (status, English, Chinese): the default wording; raisers may give a more specific one.
REFUSALS: dict[str, tuple[int, str, str]] = {
    "overweight": (422, "The parcel is heavier than this service accepts.", "包裹超过该产品的重量上限。"),
    "unsupported_destination": (422, "The carrier does not deliver to or collect from this area.",
                                "该快递公司不提供此地区的收派服务。"),
    "void_window_closed": (409, "It is too late to cancel: the parcel was collected or the cancellation "
                                "period has passed.", "已过取消时限：包裹已揽收或已超过可取消的时间。"),
    "unknown_waybill": (422, "The carrier has no waybill with this number.", "快递公司查无此运单号。"),
    "already_cancelled": (409, "This was already cancelled.", "已经取消过了。"),
    "pickup_slot_unavailable": (409, "The carrier cannot send a courier in this time window; choose another.",
                                "该时段快递员无法上门，请选择其他时段。"),
    "pickup_window_invalid": (422, "The pickup time window is not one the carrier accepts.",
                              "上门取件时段不符合快递公司的要求。"),
    "unknown_pickup": (422, "The carrier has no pickup with this confirmation number.",
                       "快递公司查无此取件预约。"),
}
REFUSAL_REASONS = tuple(REFUSALS)


class CarrierRefused(DomainError):
    """A carrier said no. `code` (also `reason`) is one of REFUSAL_REASONS; nothing changed on its side."""

    def __init__(self, reason: str, message: str | None = None, message_zh: str | None = None, *,
                 carrier: str = "", details: dict[str, Any] | None = None) -> None:
        status, default_en, default_zh = REFUSALS[reason]
        super().__init__(reason, message or default_en, message_zh or default_zh, status=status,
                         details={"carrier": carrier, **(details or {})} if carrier or details else None)
        self.reason = reason
        self.carrier = carrier


# --- registry --------------------------------------------------------------------------------------------


def _sandbox() -> CarrierAdapter:
    from parcelhub.carriers.adapters.sandbox import SandboxNetwork

    return SandboxNetwork()


# network name -> factory; the aggregator clients register here when they exist.
NETWORKS: dict[str, Any] = {"sandbox": _sandbox}


def network_for(carrier_code: str) -> str:
    """settings.CARRIER_NETWORK: one network name for all carriers, or {carrier code or "*": name}."""
    configured = getattr(settings, "CARRIER_NETWORK", "sandbox")
    if isinstance(configured, dict):
        return configured.get(carrier_code) or configured.get("*") or "sandbox"
    return configured


def adapter_for(carrier_code: str) -> CarrierAdapter:
    """The adapter that speaks for this carrier; DomainError `carrier_unsupported` when none does."""
    name = network_for(carrier_code)
    if name not in NETWORKS:
        raise ImproperlyConfigured(f"CARRIER_NETWORK names an unknown network “{name}”; "
                                   f"known: {', '.join(sorted(NETWORKS))}")
    adapter = NETWORKS[name]()
    if carrier_code not in adapter.carriers:
        raise DomainError("carrier_unsupported", f"No carrier network serves “{carrier_code}”.",
                          f"没有可对接“{carrier_code}”的快递网络。", status=422,
                          details={"carrier": carrier_code, "network": name})
    return adapter
