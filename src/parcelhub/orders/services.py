"""Writes for orders: create, cancel, mark shipped (for the shipping app), reopen, SKUs, and starting imports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.utils import translation

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.orders.building import (
    MAX_EXTERNAL_ID_LENGTH,
    ItemInput,
    build_order,
    check_items,
    check_parcel,
    invalid,
    skus_by_code,
)
from parcelhub.orders.models import Order, OrderImport, OrderItem, Sku
from parcelhub.orders.recipients import RecipientInput, recipient_check

__all__ = ["ItemInput", "RecipientInput", "order_cancel", "order_create", "order_import_start", "order_reopen",
           "orders_mark_shipped", "sku_upsert"]


def duplicate_order(source: str, external_id: str) -> DomainError:
    with translation.override("en"):  # the English message names the source in English, whatever is active
        source_en = str(Order.Source(source).label)
    return DomainError("duplicate_order",
                       f"An order {external_id} from {source_en} already exists.",
                       f"来自{_SOURCE_ZH[source]}的订单 {external_id} 已存在。", status=409,
                       details={"source": source, "external_id": external_id})


_SOURCE_ZH = {"manual": "手工录入", "api": "API", "taobao": "淘宝/天猫", "jd": "京东", "pdd": "拼多多",
              "douyin": "抖店", "generic": "文件导入"}


def order_create(*, merchant, source: str = Order.Source.MANUAL, external_id: str = "",
                 recipient: RecipientInput, items: Sequence[ItemInput], declared_value_fen: int | None = None,
                 weight_g: int | None = None, length_cm: int | None = None, width_cm: int | None = None,
                 height_cm: int | None = None, test_mode: bool = False, actor=None) -> Order:
    """A pending order. Raises DomainError: 422 for bad input (phone_invalid, address_…, quantity_invalid …),
    409 `duplicate_order` when (merchant, source, external_id) exists."""
    if source not in Order.Source.values:
        raise invalid("source_invalid", f"Unknown source “{source}”.", f"未知的订单来源“{source}”。",
                      field="source")
    external_id = external_id.strip()
    if len(external_id) > MAX_EXTERNAL_ID_LENGTH:
        raise invalid("external_id_too_long", f"The external id is longer than {MAX_EXTERNAL_ID_LENGTH}.",
                      f"外部订单号超过 {MAX_EXTERNAL_ID_LENGTH} 个字符。", field="external_id")
    check_items(items)
    check_parcel(declared_value_fen=declared_value_fen, weight_g=weight_g, length_cm=length_cm,
                 width_cm=width_cm, height_cm=height_cm)
    checked = recipient_check(recipient)
    skus = skus_by_code(merchant, (i.sku_code.strip() for i in items))
    order, rows = build_order(merchant=merchant, source=source, external_id=external_id, recipient=checked,
                              items=items, skus=skus, declared_value_fen=declared_value_fen, weight_g=weight_g,
                              length_cm=length_cm, width_cm=width_cm, height_cm=height_cm, test_mode=test_mode)
    if external_id and Order.objects.filter(merchant=merchant, source=source, external_id=external_id).exists():
        raise duplicate_order(source, external_id)
    try:
        with transaction.atomic():
            order.save()
            for row in rows:
                row.order = order
            OrderItem.objects.bulk_create(rows)
            audit(action="order.create", actor=actor, merchant=merchant, target=order,
                  data={"source": source, "external_id": external_id, "items": len(rows)})
    except IntegrityError:
        # Two requests with the same marketplace order raced past the check above; the constraint decided.
        if external_id and Order.objects.filter(merchant=merchant, source=source, external_id=external_id).exists():
            raise duplicate_order(source, external_id) from None
        raise
    return order


def _not_pending(order: Order, action_en: str, action_zh: str) -> DomainError:
    return DomainError("order_not_pending", f"Only a pending order can be {action_en}; {order.public_id} is "
                       f"{order.get_status_display().lower()}.",
                       f"只有待发货的订单才能{action_zh}；订单 {order.public_id} 的状态是{_STATUS_ZH[order.status]}。",
                       status=409, details={"order": order.public_id, "status": order.status})


_STATUS_ZH = {"pending": "待发货", "shipped": "已发货", "cancelled": "已取消"}


def order_cancel(*, order: Order, actor=None) -> Order:
    """Cancel a pending order; 409 `order_not_pending` otherwise (nothing changes)."""
    with transaction.atomic():
        now = clock.now()
        changed = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
            status=Order.Status.CANCELLED, cancelled_at=now)
        order.refresh_from_db(fields=["status", "cancelled_at", "shipped_at"])
        if not changed:
            raise _not_pending(order, "cancelled", "取消")
        audit(action="order.cancel", actor=actor, merchant=order.merchant, target=order)
    return order


def orders_mark_shipped(*, orders: Iterable[Order], actor=None) -> int:
    """Mark pending orders shipped (the shipping app calls this when their labels are bought).

    All or nothing: if any of them is no longer pending (cancelled, or shipped by another purchase), raises
    DomainError 409 `order_not_pending` and changes none, so the caller's transaction can roll back the label.
    Returns the number of orders marked.
    """
    orders = list(orders)
    ids = sorted({o.pk for o in orders})
    if not ids:
        return 0
    with transaction.atomic():
        locked = list(Order.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        blocked = [o for o in locked if o.status != Order.Status.PENDING]
        if blocked:
            first = blocked[0]
            error = _not_pending(first, "shipped", "发货")
            error.details = {"orders": [o.public_id for o in blocked]}
            raise error
        now = clock.now()
        Order.objects.filter(pk__in=ids).update(status=Order.Status.SHIPPED, shipped_at=now)
        merchants = Merchant.objects.in_bulk({o.merchant_id for o in locked})
        for order in locked:
            audit(action="order.ship", actor=actor, merchant=merchants[order.merchant_id], target=order)
    for order in orders:
        order.status, order.shipped_at = Order.Status.SHIPPED, now
    return len(ids)


def order_reopen(*, order: Order, actor=None) -> Order:
    """A shipped order back to pending, after its only label was voided; 409 unless it is shipped."""
    with transaction.atomic():
        changed = Order.objects.filter(pk=order.pk, status=Order.Status.SHIPPED).update(
            status=Order.Status.PENDING, shipped_at=None)
        order.refresh_from_db(fields=["status", "cancelled_at", "shipped_at"])
        if not changed:
            raise DomainError("order_not_shipped", f"Order {order.public_id} is not shipped.",
                              f"订单 {order.public_id} 未发货。", status=409)
        audit(action="order.reopen", actor=actor, merchant=order.merchant, target=order)
    return order


def sku_upsert(*, merchant, code: str, name: str, weight_g: int = 0, length_cm: int = 0, width_cm: int = 0,
               height_cm: int = 0, unit_price_fen: int = 0, actor=None) -> Sku:
    """Create the SKU or update its defaults (orders already placed keep what they were built with)."""
    code = code.strip()
    if not code or len(code) > 64:
        raise invalid("sku_code_invalid", "A SKU code is 1 to 64 characters.", "商品编码为 1 到 64 个字符。")
    if min(weight_g, length_cm, width_cm, height_cm, unit_price_fen) < 0:
        raise invalid("sku_invalid", "SKU weights, sizes and prices cannot be negative.", "商品重量、尺寸和价格不能为负数。")
    with transaction.atomic():
        sku, created = Sku.objects.update_or_create(
            merchant=merchant, code=code,
            defaults={"name": name.strip() or code, "weight_g": weight_g, "length_cm": length_cm,
                      "width_cm": width_cm, "height_cm": height_cm, "unit_price_fen": unit_price_fen})
        audit(action="sku.create" if created else "sku.update", actor=actor, merchant=merchant, target=sku,
              data={"code": code})
    return sku


def order_import_start(*, merchant, content: bytes, filename: str, layout: str | None = None,
                       test_mode: bool = False, actor=None) -> OrderImport:
    """Check the file can be read and which export it is, store it, and queue the background import.

    Raises DomainError 422 (`file_unreadable`, `layout_unknown`, `columns_missing`), or 402 when the plan has no
    import or fewer rows per file (`plan_feature_required`, `plan_limit_exceeded`), before anything is stored.
    """
    from parcelhub.orders.importing.layouts import LAYOUTS, layout_for_table
    from parcelhub.orders.importing.reading import read_upload
    from parcelhub.orders.tasks import process_order_import
    from parcelhub.plans import gates as plan_gates

    if layout and layout not in LAYOUTS:
        raise invalid("layout_unknown", f"Unknown file layout “{layout}”.", f"未知的文件格式“{layout}”。")
    table = read_upload(content, filename)
    chosen = layout_for_table(table, layout or None)
    plan_gates.check_import(merchant, rows=len(table.rows))
    with transaction.atomic():
        job = OrderImport.objects.create(
            merchant=merchant, created_by=actor if getattr(actor, "is_authenticated", False) else None,
            file_name=filename[:200], content=content, layout=chosen.key, test_mode=test_mode,
            total_rows=len(table.rows))
        audit(action="order_import.start", actor=actor, merchant=merchant, target=job,
              data={"file": job.file_name, "layout": chosen.key, "rows": job.total_rows})
        transaction.on_commit(lambda: process_order_import(job.pk))
    return job
