"""Orders API: create (Idempotency-Key honoured by the middleware), list with filters, read, cancel.

A test-mode key creates and sees test orders only; a live key live orders only.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from parcelhub.accounts.auth import merchant_auth
from parcelhub.orders import selectors, services
from parcelhub.orders.building import MAX_AMOUNT_FEN, MAX_ITEMS, MAX_QUANTITY, MAX_SIDE_CM, MAX_WEIGHT_G
from parcelhub.orders.models import Order

router = Router(tags=["orders"], auth=merchant_auth)

CURRENCY = "CNY"
MAX_PAGE = 200


class RecipientIn(Schema):
    """Either `address` (free text, parsed) or `province`/`city`/`district` names or adcodes with `detail`."""

    name: str = Field(..., min_length=1, max_length=60, examples=["王小明"])
    phone: str = Field(..., min_length=1, max_length=30, examples=["13800138000"])
    address: str = Field("", max_length=300, examples=["浙江省杭州市西湖区文三路90号东部软件园1号楼301"])
    province: str = Field("", max_length=40)
    city: str = Field("", max_length=40)
    district: str = Field("", max_length=40)
    detail: str = Field("", max_length=200, description="street, building and room, with province/city/district")


class ItemIn(Schema):
    sku_code: str = Field("", max_length=64, description="your SKU code (商家编码); fills name, price, weight")
    name: str = Field("", max_length=200)
    quantity: int = Field(..., ge=1, le=MAX_QUANTITY)
    unit_price_fen: int | None = Field(None, ge=0, le=MAX_AMOUNT_FEN, description="defaults to the SKU's price")


class OrderIn(Schema):
    source: Order.Source = Field(Order.Source.API, description="where the order was placed")
    external_id: str = Field("", max_length=64, description="the marketplace's order number; unique per source")
    recipient: RecipientIn
    items: list[ItemIn] = Field(..., min_length=1, max_length=MAX_ITEMS)
    declared_value_fen: int | None = Field(None, ge=0, le=MAX_AMOUNT_FEN, description="defaults to the items' total")
    weight_g: int | None = Field(None, ge=1, le=MAX_WEIGHT_G, description="defaults to the SKUs' weights")
    length_cm: int | None = Field(None, ge=1, le=MAX_SIDE_CM)
    width_cm: int | None = Field(None, ge=1, le=MAX_SIDE_CM)
    height_cm: int | None = Field(None, ge=1, le=MAX_SIDE_CM)


class RecipientOut(Schema):
    name: str
    phone: str
    province: str
    city: str
    district: str | None
    adcode: str = Field(..., description="the most specific region")
    detail: str


class ItemOut(Schema):
    sku_code: str
    name: str
    quantity: int
    unit_price_fen: int


class OrderOut(Schema):
    id: str
    source: str
    external_id: str
    status: str
    recipient: RecipientOut
    items: list[ItemOut]
    declared_value_fen: int
    currency: str
    weight_g: int
    weight_estimated: bool = Field(..., description="true when no weight was given and no SKU weights were known")
    length_cm: int | None
    width_cm: int | None
    height_cm: int | None
    test_mode: bool
    created_at: dt.datetime
    shipped_at: dt.datetime | None
    cancelled_at: dt.datetime | None


class OrderPage(Schema):
    items: list[OrderOut]
    total: int
    limit: int
    offset: int


class OrderListFilter(Schema):
    status: Order.Status | None = None
    source: Order.Source | None = None
    province: str | None = Field(None, pattern=r"^\d{6}$", description="province adcode, e.g. 330000")
    created_from: dt.date | None = None
    created_to: dt.date | None = Field(None, description="inclusive")
    q: str | None = Field(None, max_length=64, description="external id, recipient name, phone or SKU code")
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


def order_payload(order: Order) -> dict:
    region = order.recipient_region
    names = order.region_names()
    district = region.name if region.level == region.Level.DISTRICT else None
    return {
        "id": order.public_id, "source": order.source, "external_id": order.external_id, "status": order.status,
        "recipient": {"name": order.recipient_name, "phone": order.recipient_phone, "province": names[0],
                      "city": names[1] if len(names) > 1 and names[1] != district else names[0],
                      "district": district, "adcode": region.adcode, "detail": order.recipient_detail},
        "items": [{"sku_code": i.sku_code, "name": i.name, "quantity": i.quantity,
                   "unit_price_fen": i.unit_price_fen} for i in order.items.all()],
        "declared_value_fen": order.declared_value_fen, "currency": CURRENCY, "weight_g": order.weight_g,
        "weight_estimated": order.weight_estimated, "length_cm": order.length_cm, "width_cm": order.width_cm,
        "height_cm": order.height_cm, "test_mode": order.test_mode, "created_at": order.created_at,
        "shipped_at": order.shipped_at, "cancelled_at": order.cancelled_at,
    }


@router.post("/orders", response={201: OrderOut}, summary="Create a pending order")
def order_create(request, payload: OrderIn):
    principal = request.auth
    r = payload.recipient
    order = services.order_create(
        merchant=principal.merchant, source=payload.source, external_id=payload.external_id,
        recipient=services.RecipientInput(name=r.name, phone=r.phone, address=" ".join(
            p for p in (r.address, r.detail) if p), province=r.province, city=r.city, district=r.district),
        items=[services.ItemInput(quantity=i.quantity, name=i.name, sku_code=i.sku_code,
                                  unit_price_fen=i.unit_price_fen) for i in payload.items],
        declared_value_fen=payload.declared_value_fen, weight_g=payload.weight_g, length_cm=payload.length_cm,
        width_cm=payload.width_cm, height_cm=payload.height_cm, test_mode=principal.test_mode,
        actor=principal.user)
    return Status(201, order_payload(selectors.order_get(principal.merchant, order.public_id)))


@router.get("/orders", response=OrderPage, summary="The merchant's orders, newest first, filtered")
def order_list(request, filters: Query[OrderListFilter]):
    principal = request.auth
    qs = selectors.orders_filtered(principal.merchant, selectors.OrderFilters(
        status=filters.status or "", source=filters.source or "", province=filters.province or "",
        created_from=filters.created_from, created_to=filters.created_to, q=filters.q or "",
        test_mode=principal.test_mode))
    page = list(qs[filters.offset:filters.offset + filters.limit])
    return {"items": [order_payload(o) for o in page], "total": qs.count(), "limit": filters.limit,
            "offset": filters.offset}


@router.get("/orders/{order_id}", response=OrderOut, summary="One order")
def order_get(request, order_id: str):
    principal = request.auth
    return order_payload(selectors.order_get(principal.merchant, order_id, test_mode=principal.test_mode))


@router.post("/orders/{order_id}/cancel", response=OrderOut, summary="Cancel a pending order")
def order_cancel(request, order_id: str):
    principal = request.auth
    order = selectors.order_get(principal.merchant, order_id, test_mode=principal.test_mode)
    services.order_cancel(order=order, actor=principal.user)
    return order_payload(order)
