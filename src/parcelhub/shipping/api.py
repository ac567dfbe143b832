"""Shipments and pickups API. Every creating POST honours `Idempotency-Key` (core.idempotency)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import model_serializer, model_validator

from parcelhub.accounts.auth import merchant_auth
from parcelhub.core.errors import DomainError
from parcelhub.geo.selectors import address_parse, region_get, resolve_region
from parcelhub.rating.quoting import MAX_DECLARED_VALUE_FEN, MAX_SIDE_CM, MAX_WEIGHT_G
from parcelhub.shipping import selectors, services
from parcelhub.shipping.models import Pickup, Shipment

router = Router(tags=["shipments"], auth=merchant_auth)


class PartyIn(Schema):
    """`address` as pasted text (name and phone inside it are used when not given separately), or
    `province` / `city` / `district` with `detail`."""

    name: str | None = Field(None, max_length=60)
    phone: str | None = Field(None, max_length=30)
    address: str | None = Field(None, max_length=300)
    province: str | None = Field(None, max_length=40)
    city: str | None = Field(None, max_length=40)
    district: str | None = Field(None, max_length=40)
    detail: str = Field("", max_length=200)

    @model_validator(mode="after")
    def _where(self) -> PartyIn:
        if not (self.address or self.province or self.city or self.district):
            raise ValueError("give an address, or a province (and city, district, detail)")
        return self


class ParcelIn(Schema):
    weight_g: int = Field(..., gt=0, le=MAX_WEIGHT_G)
    length_cm: int = Field(0, ge=0, le=MAX_SIDE_CM)
    width_cm: int = Field(0, ge=0, le=MAX_SIDE_CM)
    height_cm: int = Field(0, ge=0, le=MAX_SIDE_CM)


class BuyIn(Schema):
    """Either `service` ("sf.standard") or `rule` (cheapest | fastest | recommended). `coupon`: the public id of
    one of your coupon grants or packages to use, or "none"; without it the best one that applies is used."""

    service: str | None = Field(None, max_length=48)
    rule: str | None = Field(None, pattern="^(cheapest|fastest|recommended)$")
    coupon: str | None = Field(None, max_length=40)


class ShipmentIn(Schema):
    order_id: str | None = Field(None, description="ship this order (its recipient, weight and items)")
    sender: PartyIn | None = Field(None, description="defaults to the merchant's shipping origin")
    recipient: PartyIn | None = None
    parcel: ParcelIn | None = None
    declared_value_fen: int = Field(0, ge=0, le=MAX_DECLARED_VALUE_FEN)
    cod_fen: int = Field(0, ge=0, le=MAX_DECLARED_VALUE_FEN)
    items_summary: str = Field("", max_length=200)
    reference: str = Field("", max_length=64)
    buy: BuyIn | None = Field(None, description="buy the label at once")

    @model_validator(mode="after")
    def _order_or_parcel(self) -> ShipmentIn:
        if not self.order_id and not (self.recipient and self.parcel):
            raise ValueError("give order_id, or recipient and parcel")
        return self


class PriceLineOut(Schema):
    """Discount and promotion lines (tier_discount, coupon, package, guardrail_cap) also carry `label` (in words)
    and `source_id` (the tier code, or the coupon grant's / package's public id); the card's lines do not."""

    code: str
    amount_fen: int
    label: str | None = None
    source_id: str | None = None

    @model_serializer(mode="wrap")
    def _card_lines_stay_two_keys(self, handler):
        return {key: value for key, value in handler(self).items() if value is not None}


class ShipmentOut(Schema):
    id: str
    status: str
    test_mode: bool
    order_id: str | None
    reference: str
    carrier: str
    service: str
    service_name: str
    waybill_no: str
    sort_code: str
    total_fen: int
    currency: str = "CNY"
    breakdown: list[PriceLineOut]
    billable_weight_g: int
    transit_days: int | None
    label_url: str | None
    tracking_url: str
    pickup_id: str | None
    created_at: datetime
    purchased_at: datetime | None
    voided_at: datetime | None


class PickupIn(Schema):
    shipment_ids: list[str] = Field(..., min_length=1, max_length=500)
    window_start: datetime
    window_end: datetime


class PickupOut(Schema):
    id: str
    carrier: str
    status: str
    confirmation_no: str
    window_start: datetime
    window_end: datetime
    courier_name: str
    courier_phone: str
    shipment_ids: list[str]


def shipment_payload(shipment: Shipment) -> dict:
    bought = shipment.status != Shipment.Status.DRAFT
    return {
        "id": shipment.public_id, "status": shipment.status, "test_mode": shipment.test_mode,
        "order_id": shipment.order.public_id if shipment.order_id else None, "reference": shipment.reference,
        "carrier": shipment.carrier_code, "service": shipment.service_code, "service_name": shipment.service_name,
        "waybill_no": shipment.waybill_no, "sort_code": shipment.sort_code, "total_fen": shipment.total_fen,
        "currency": "CNY", "breakdown": shipment.breakdown, "billable_weight_g": shipment.billable_weight_g,
        "transit_days": shipment.transit_days,
        "label_url": f"/api/v1/shipments/{shipment.public_id}/label" if bought else None,
        "tracking_url": selectors.tracking_url(shipment),
        "pickup_id": shipment.pickup.public_id if shipment.pickup_id else None,
        "created_at": shipment.created_at, "purchased_at": shipment.purchased_at, "voided_at": shipment.voided_at,
    }


def _party(data: PartyIn, who: str) -> services.Party:
    if data.address:
        parsed = address_parse(data.address)
        region = region_get(parsed.adcode)
        name, phone, detail = data.name or parsed.name, data.phone or parsed.phone, data.detail or parsed.detail
    else:
        region = resolve_region(province=data.province, city=data.city, district=data.district)
        name, phone, detail = data.name, data.phone, data.detail
    if not name or not phone:
        raise DomainError("party_incomplete", f"The {who} needs a name and a phone number.",
                          f"{'发件人' if who == 'sender' else '收件人'}需要姓名和电话。", status=422)
    return services.Party(name=name, phone=phone, region=region, detail=detail)


def _create(request, body: ShipmentIn) -> Shipment:
    principal = request.auth
    if body.order_id:
        from parcelhub.orders.selectors import order_get

        order = order_get(principal.merchant, body.order_id)
        return services.shipment_from_order(order=order, actor=principal.user)
    return services.shipment_create(
        merchant=principal.merchant, sender=_party(body.sender, "sender") if body.sender else None,
        recipient=_party(body.recipient, "recipient"), weight_g=body.parcel.weight_g,
        length_cm=body.parcel.length_cm, width_cm=body.parcel.width_cm, height_cm=body.parcel.height_cm,
        declared_value_fen=body.declared_value_fen, cod_fen=body.cod_fen, items_summary=body.items_summary,
        reference=body.reference, test_mode=principal.test_mode, actor=principal.user)


@router.post("/shipments", response={201: ShipmentOut}, summary="Create a shipment (and optionally buy its label)")
def shipment_create(request, body: ShipmentIn):
    """With `buy`, the label is bought in the same call: the wallet is charged, the carrier issues the waybill
    and the label is rendered, all or nothing (402 `insufficient_funds` when the wallet cannot pay). Send an
    `Idempotency-Key`: a retry returns the first answer and never buys twice."""
    with transaction.atomic():  # a refused purchase leaves no draft behind either
        shipment = _create(request, body)
        if body.buy:
            shipment = services.shipment_buy(shipment=shipment, service_key=body.buy.service, rule=body.buy.rule,
                                             coupon=body.buy.coupon, actor=request.auth.user)
    return Status(201, shipment_payload(shipment))


@router.get("/shipments", response=list[ShipmentOut], summary="Shipments, newest first")
def shipment_list(request, status: str | None = None, limit: int = Query(50, ge=1, le=200),
                  offset: int = Query(0, ge=0)):
    qs = selectors.shipments_for(request.auth.merchant).select_related("order", "pickup")
    if status:
        qs = qs.filter(status=status)
    return [shipment_payload(s) for s in qs[offset:offset + limit]]


@router.get("/shipments/{shipment_id}", response=ShipmentOut)
def shipment_detail(request, shipment_id: str):
    return shipment_payload(selectors.shipment_get(request.auth.merchant, shipment_id))


@router.post("/shipments/{shipment_id}/buy", response=ShipmentOut, summary="Buy the label")
def shipment_buy(request, shipment_id: str, body: BuyIn):
    shipment = selectors.shipment_get(request.auth.merchant, shipment_id)
    return shipment_payload(services.shipment_buy(shipment=shipment, service_key=body.service, rule=body.rule,
                                                  coupon=body.coupon, actor=request.auth.user))


@router.post("/shipments/{shipment_id}/void", response=ShipmentOut, summary="Void the label and refund")
def shipment_void(request, shipment_id: str):
    shipment = selectors.shipment_get(request.auth.merchant, shipment_id)
    return shipment_payload(services.shipment_void(shipment=shipment, actor=request.auth.user))


@router.get("/shipments/{shipment_id}/label", summary="The label as PDF", response={200: None})
def shipment_label(request, shipment_id: str):
    shipment = selectors.shipment_get(request.auth.merchant, shipment_id)
    if shipment.status == Shipment.Status.DRAFT:
        raise DomainError("no_label", "Buy the label first.", "请先购买面单。", status=409)
    pdf = selectors.label_pdf(shipment)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{shipment.waybill_no}.pdf"'
    return response


def pickup_payload(pickup: Pickup) -> dict:
    return {"id": pickup.public_id, "carrier": pickup.carrier_code, "status": pickup.status,
            "confirmation_no": pickup.confirmation_no, "window_start": pickup.window_start,
            "window_end": pickup.window_end, "courier_name": pickup.courier_name,
            "courier_phone": pickup.courier_phone,
            "shipment_ids": [s.public_id for s in pickup.shipments.all()]}


@router.post("/pickups", response={201: list[PickupOut]}, summary="Book courier pickups (one per carrier)")
def pickup_book(request, body: PickupIn):
    merchant = request.auth.merchant
    shipments = list(selectors.shipments_for(merchant).filter(public_id__in=body.shipment_ids))
    missing = set(body.shipment_ids) - {s.public_id for s in shipments}
    if missing:
        raise DomainError("not_found", f"Unknown shipments: {', '.join(sorted(missing))}",
                          f"未找到运单：{', '.join(sorted(missing))}", status=404)
    pickups = services.pickup_book(merchant=merchant, shipments=shipments, window_start=body.window_start,
                                   window_end=body.window_end, actor=request.auth.user)
    return Status(201, [pickup_payload(p) for p in pickups])


@router.get("/pickups", response=list[PickupOut])
def pickup_list(request):
    return [pickup_payload(p) for p in selectors.pickups_for(request.auth.merchant).prefetch_related("shipments")[:100]]


@router.post("/pickups/{pickup_id}/cancel", response=PickupOut)
def pickup_cancel(request, pickup_id: str):
    pickup = selectors.pickup_get(request.auth.merchant, pickup_id)
    return pickup_payload(services.pickup_cancel(pickup=pickup, actor=request.auth.user))
