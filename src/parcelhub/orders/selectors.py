"""Reads for orders. `orders_for(merchant)` is the one tenancy scope; everything else narrows it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from parcelhub.core.errors import NotFound
from parcelhub.orders.models import Order, OrderImport, OrderItem, Sku


def orders_for(merchant) -> QuerySet[Order]:
    """THE tenancy scope for orders: every read of orders starts here."""
    return Order.objects.filter(merchant=merchant)


def order_get(merchant, public_id: str, *, test_mode: bool | None = None) -> Order:
    """One of the merchant's orders (items and region loaded); NotFound (404) for anyone else's or unknown ids.

    With `test_mode` given, an order of the other mode is not found either (test keys see test orders).
    """
    qs = orders_for(merchant).select_related("recipient_region__parent__parent").prefetch_related("items")
    if test_mode is not None:
        qs = qs.filter(test_mode=test_mode)
    order = qs.filter(public_id=public_id).first()
    if order is None:
        raise NotFound("order", "订单")
    return order


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    source: str = ""
    province: str = ""              # province adcode, e.g. 330000
    created_from: dt.date | None = None
    created_to: dt.date | None = None   # inclusive
    q: str = ""                     # external id, recipient name, phone or SKU code
    test_mode: bool | None = None

    @classmethod
    def from_query(cls, data: Mapping[str, str], *, prefix: str = "") -> OrderFilters:
        """Filters from GET parameters, or from the bulk form's `filter_<name>` fields with prefix="filter_".

        The list page and the shipping app's bulk page read the same fields this one way, so "all orders
        matching the filter" there is exactly what the list showed. Values that do not parse are ignored.
        """
        def get(name: str) -> str:
            return (data.get(prefix + name) or "").strip()

        def day(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(get(name)) if get(name) else None
            except ValueError:
                return None

        status, source, province = get("status"), get("source"), get("province")
        return cls(status=status if status in Order.Status.values else "",
                   source=source if source in Order.Source.values else "",
                   province=province if re.fullmatch(r"\d{6}", province) else "",
                   created_from=day("created_from"), created_to=day("created_to"), q=get("q")[:64],
                   test_mode=get("mode") == "test")

    def as_query(self) -> dict[str, str]:
        """The filters as GET parameters (for links and the bulk form's hidden fields)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value == "":
                continue
            if f.name == "test_mode":
                out["mode"] = "test" if value else "live"
            else:
                out[f.name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        return out


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def orders_filtered(merchant, filters: OrderFilters) -> QuerySet[Order]:
    """The merchant's orders matching `filters`, newest first, with what the list shows loaded."""
    qs = orders_for(merchant)
    if filters.test_mode is not None:
        qs = qs.filter(test_mode=filters.test_mode)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.province:
        qs = qs.filter(recipient_province_code=filters.province)
    if filters.created_from:
        qs = qs.filter(created_at__gte=_day_start(filters.created_from))
    if filters.created_to:
        qs = qs.filter(created_at__lt=_day_start(filters.created_to + dt.timedelta(days=1)))
    text = filters.q.strip()
    if text:
        # EXISTS rather than a join on items, so an order with two matching items is listed once.
        sku_match = OrderItem.objects.filter(order=OuterRef("pk")).filter(
            Q(sku_code__icontains=text) | Q(name__icontains=text))
        qs = qs.filter(Q(external_id__icontains=text) | Q(recipient_name__icontains=text)
                       | Q(recipient_phone__contains=text) | Q(public_id=text) | Exists(sku_match))
    return qs.select_related("recipient_region__parent__parent").prefetch_related("items")


def skus_for(merchant) -> QuerySet[Sku]:
    return Sku.objects.filter(merchant=merchant)


def order_imports_for(merchant) -> QuerySet[OrderImport]:
    return OrderImport.objects.filter(merchant=merchant).defer("content")


def order_import_get(merchant, public_id: str) -> OrderImport:
    job = order_imports_for(merchant).filter(public_id=public_id).first()
    if job is None:
        raise NotFound("import", "导入任务")
    return job
