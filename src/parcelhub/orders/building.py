"""Turning checked input into unsaved Order and OrderItem rows: SKU defaults, weights, sizes, declared value.

Both the single-order service and the import build orders here, so an order typed in and the same order
imported come out identical.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from parcelhub.core.errors import DomainError
from parcelhub.orders.models import DEFAULT_WEIGHT_G, Order, OrderItem, Sku
from parcelhub.orders.recipients import Recipient

MAX_ITEMS = 200
MAX_QUANTITY = 99_999
MAX_AMOUNT_FEN = 10_000_000_00      # ¥10,000,000: far above any parcel's goods; catches a misplaced decimal point
MAX_WEIGHT_G = 1_000_000            # 1 t: freight, not parcels, beyond that
MAX_SIDE_CM = 1_000
MAX_EXTERNAL_ID_LENGTH = 64
MAX_SKU_CODE_LENGTH = 64
MAX_ITEM_NAME_LENGTH = 200


@dataclass(frozen=True)
class ItemInput:
    quantity: int
    name: str = ""
    sku_code: str = ""
    unit_price_fen: int | None = None   # None: the SKU's price, else 0


def invalid(code: str, message: str, message_zh: str, **details) -> DomainError:
    return DomainError(code, message, message_zh, status=422, details=details or None)


def skus_by_code(merchant, codes: Iterable[str]) -> dict[str, Sku]:
    codes = {c for c in codes if c}
    if not codes:
        return {}
    return {s.code: s for s in Sku.objects.filter(merchant=merchant, code__in=codes)}


def check_items(items: Sequence[ItemInput]) -> None:
    """Limits the API and the import share; raises DomainError 422 naming the item."""
    if not items:
        raise invalid("items_missing", "An order needs at least one item.", "订单至少需要一件商品。")
    if len(items) > MAX_ITEMS:
        raise invalid("too_many_items", f"An order can have at most {MAX_ITEMS} items.",
                      f"一个订单最多 {MAX_ITEMS} 种商品。")
    for index, item in enumerate(items):
        if not (item.name.strip() or item.sku_code.strip()):
            raise invalid("item_name_missing", f"Item {index + 1} has neither a name nor a SKU code.",
                          f"第 {index + 1} 件商品既没有名称也没有商品编码。", item=index)
        if not 0 < item.quantity <= MAX_QUANTITY:
            raise invalid("quantity_invalid", f"Item {index + 1}: the quantity must be 1 to {MAX_QUANTITY}.",
                          f"第 {index + 1} 件商品：数量必须在 1 到 {MAX_QUANTITY} 之间。", item=index)
        if item.unit_price_fen is not None and not 0 <= item.unit_price_fen <= MAX_AMOUNT_FEN:
            raise invalid("amount_invalid", f"Item {index + 1}: the unit price is out of range.",
                          f"第 {index + 1} 件商品：单价超出范围。", item=index)
        if len(item.sku_code) > MAX_SKU_CODE_LENGTH or len(item.name) > MAX_ITEM_NAME_LENGTH:
            raise invalid("item_too_long", f"Item {index + 1}: the SKU code or name is too long.",
                          f"第 {index + 1} 件商品：商品编码或名称过长。", item=index)


def build_order(*, merchant, source: str, external_id: str, recipient: Recipient, items: Sequence[ItemInput],
                skus: dict[str, Sku], declared_value_fen: int | None = None, weight_g: int | None = None,
                length_cm: int | None = None, width_cm: int | None = None, height_cm: int | None = None,
                test_mode: bool = False) -> tuple[Order, list[OrderItem]]:
    rows: list[OrderItem] = []
    for item in items:
        code = item.sku_code.strip()
        sku = skus.get(code)
        price = item.unit_price_fen if item.unit_price_fen is not None else (sku.unit_price_fen if sku else 0)
        name = item.name.strip() or (sku.name if sku else code)
        rows.append(OrderItem(sku=sku, sku_code=code, name=name[:MAX_ITEM_NAME_LENGTH], quantity=item.quantity,
                              unit_price_fen=price))
    units = [(row.sku, row.quantity) for row in rows]
    estimated = False
    if weight_g is None:
        weight_g = _weight_from_skus(units)
        if weight_g is None:
            weight_g, estimated = DEFAULT_WEIGHT_G, True
    if length_cm is None and width_cm is None and height_cm is None:
        length_cm, width_cm, height_cm = _size_from_skus(units)
    if declared_value_fen is None:
        declared_value_fen = sum(row.line_total_fen for row in rows)
    order = Order(
        merchant=merchant, source=source, external_id=external_id, recipient_name=recipient.name,
        recipient_phone=recipient.phone, recipient_region=recipient.region,
        recipient_province_code=recipient.province_code, recipient_city_code=recipient.city_code,
        recipient_district_code=recipient.district_code, recipient_detail=recipient.detail,
        declared_value_fen=declared_value_fen, weight_g=weight_g, weight_estimated=estimated,
        length_cm=length_cm, width_cm=width_cm, height_cm=height_cm, test_mode=test_mode,
    )
    return order, rows


def _weight_from_skus(units: list[tuple[Sku | None, int]]) -> int | None:
    # Only when every item's weight is known: a partial sum would under-declare the parcel.
    if not units or any(sku is None or sku.weight_g <= 0 for sku, _ in units):
        return None
    return sum(sku.weight_g * quantity for sku, quantity in units if sku is not None)


def _size_from_skus(units: list[tuple[Sku | None, int]]) -> tuple[int | None, int | None, int | None]:
    """Units stacked: the footprint of the largest item, the heights added up (a packer's first guess)."""
    if not units or any(sku is None or not (sku.length_cm and sku.width_cm and sku.height_cm) for sku, _ in units):
        return None, None, None
    known = [(sku, quantity) for sku, quantity in units if sku is not None]
    height = sum(sku.height_cm * quantity for sku, quantity in known)
    return (max(sku.length_cm for sku, _ in known), max(sku.width_cm for sku, _ in known),
            min(height, MAX_SIDE_CM))


def check_parcel(*, declared_value_fen: int | None, weight_g: int | None, length_cm: int | None,
                 width_cm: int | None, height_cm: int | None) -> None:
    if declared_value_fen is not None and not 0 <= declared_value_fen <= MAX_AMOUNT_FEN:
        raise invalid("amount_invalid", "The declared value is out of range.", "声明价值超出范围。",
                      field="declared_value_fen")
    if weight_g is not None and not 0 < weight_g <= MAX_WEIGHT_G:
        raise invalid("weight_invalid", f"The weight must be 1 to {MAX_WEIGHT_G:,} grams.",
                      f"重量必须在 1 到 {MAX_WEIGHT_G} 克之间。", field="weight_g")
    for field, value in (("length_cm", length_cm), ("width_cm", width_cm), ("height_cm", height_cm)):
        if value is not None and not 0 < value <= MAX_SIDE_CM:
            raise invalid("size_invalid", f"{field} must be 1 to {MAX_SIDE_CM} cm.",
                          f"{field} 必须在 1 到 {MAX_SIDE_CM} 厘米之间。", field=field)
