"""From rows to order drafts: cells read into values, rows of one order merged, problems tied to row and column.

Consecutive rows with the same order number are one order (marketplaces export one row per item). The same
number again further down is the order a second time — a duplicate in the file, skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import translation

from parcelhub.core.money import MoneyFormatError, parse_yuan
from parcelhub.orders.building import (
    MAX_AMOUNT_FEN,
    MAX_EXTERNAL_ID_LENGTH,
    MAX_QUANTITY,
    MAX_SIDE_CM,
    MAX_WEIGHT_G,
    ItemInput,
)
from parcelhub.orders.importing.layouts import ADDRESS_FIELDS, Layout
from parcelhub.orders.importing.reading import Sheet
from parcelhub.orders.recipients import RecipientInput


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str
    message_zh: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "message_zh": self.message_zh}


def error_text(error: dict) -> str:
    """One stored error in the current language."""
    zh = (translation.get_language() or "en").startswith("zh")
    return error["message_zh"] if zh else error["message"]


@dataclass
class OrderDraft:
    external_id: str
    rows: list[int]
    recipient: RecipientInput | None = None
    items: list[ItemInput] = field(default_factory=list)
    declared_value_fen: int | None = None
    weight_g: int | None = None
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None
    errors: list[RowError] = field(default_factory=list)
    duplicate_in_file: bool = False

    @property
    def first_row(self) -> int:
        return self.rows[0]


class _Bad(ValueError):
    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message, self.message_zh = message, message_zh


def _decimal(text: str, what: str, what_zh: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").lstrip("¥￥"))
    except InvalidOperation:
        raise _Bad(f"“{text}” is not {what}.", f"“{text}”不是有效的{what_zh}。") from None
    if not value.is_finite():
        raise _Bad(f"“{text}” is not {what}.", f"“{text}”不是有效的{what_zh}。")
    if value < 0:
        raise _Bad(f"“{text}” is negative.", f"“{text}”不能为负数。")
    return value


def parse_quantity(text: str) -> int:
    if not text:
        raise _Bad("The quantity is missing.", "缺少数量。")
    value = _decimal(text, "a quantity", "数量")
    if value != value.to_integral_value() or not 0 < value <= MAX_QUANTITY:
        raise _Bad(f"The quantity must be a whole number from 1 to {MAX_QUANTITY}, not “{text}”.",
                   f"数量必须是 1 到 {MAX_QUANTITY} 之间的整数，而不是“{text}”。")
    return int(value)


def parse_money(text: str) -> int:
    _decimal(text, "an amount in yuan", "金额（元）")
    try:
        fen = parse_yuan(text)
    except MoneyFormatError:
        raise _Bad(f"“{text}” has more than two decimals.", f"“{text}”超过两位小数。") from None
    if fen > MAX_AMOUNT_FEN:
        raise _Bad(f"“{text}” is too large for an amount.", f"金额“{text}”过大。")
    return fen


def parse_weight_kg(text: str) -> int:
    grams = _decimal(text, "a weight in kg", "重量（千克）") * 1000
    if grams != grams.to_integral_value() or not 0 < grams <= MAX_WEIGHT_G:
        raise _Bad(f"The weight must be above 0 and at most {MAX_WEIGHT_G // 1000} kg in whole grams, not “{text}”.",
                   f"重量必须大于 0、不超过 {MAX_WEIGHT_G // 1000} 千克且精确到克，而不是“{text}”。")
    return int(grams)


def parse_cm(text: str) -> int:
    value = _decimal(text, "a length in cm", "长度（厘米）")
    if value != value.to_integral_value() or not 0 < value <= MAX_SIDE_CM:
        raise _Bad(f"A side must be a whole number of cm from 1 to {MAX_SIDE_CM}, not “{text}”.",
                   f"边长必须是 1 到 {MAX_SIDE_CM} 之间的整数厘米，而不是“{text}”。")
    return int(value)


class _Row:
    """One row's cells seen through the layout: the first filled column of each field."""

    def __init__(self, number: int, cells: dict[str, str], columns: dict[str, tuple[str, ...]]) -> None:
        self.number, self.cells, self.columns = number, cells, columns

    def column(self, name: str) -> str:
        hits = self.columns.get(name, ())
        return next((c for c in hits if self.cells.get(c)), hits[0] if hits else name)

    def get(self, name: str) -> str:
        return next((v for c in self.columns.get(name, ()) if (v := self.cells.get(c, ""))), "")


def group_rows(sheet: Sheet, layout: Layout) -> list[OrderDraft]:
    columns = layout.find_columns(sheet.header)
    drafts: list[OrderDraft] = []
    seen: set[str] = set()
    current: OrderDraft | None = None
    current_rows: list[_Row] = []

    def close() -> None:
        if current is not None and not current.duplicate_in_file:
            _fill(current, current_rows, layout)

    for number, cells in sheet.rows:
        row = _Row(number, cells, columns)
        external_id = row.get("external_id")
        if external_id and current is not None and external_id == current.external_id:
            current.rows.append(number)
            current_rows.append(row)
            continue
        close()
        current = OrderDraft(external_id=external_id, rows=[number])
        current_rows = [row]
        drafts.append(current)
        if external_id in seen:
            current.duplicate_in_file = True
        elif external_id:
            seen.add(external_id)
    close()
    return drafts


def _fill(draft: OrderDraft, rows: list[_Row], layout: Layout) -> None:
    first = rows[0]
    errors = draft.errors
    if not draft.external_id and layout.needs_external_id:
        errors.append(RowError(first.number, first.column("external_id"), "The order number is missing.",
                               "缺少订单编号。"))
    elif len(draft.external_id) > MAX_EXTERNAL_ID_LENGTH:
        errors.append(RowError(first.number, first.column("external_id"),
                               f"The order number is longer than {MAX_EXTERNAL_ID_LENGTH} characters.",
                               f"订单编号超过 {MAX_EXTERNAL_ID_LENGTH} 个字符。"))
    draft.recipient = RecipientInput(name=first.get("name"), phone=first.get("phone"),
                                     **{f: first.get(f) for f in ADDRESS_FIELDS})
    amounts: list[int] = []
    for row in rows:
        item = _item(row, errors)
        if item is not None:
            draft.items.append(item)
        if layout.amount_per_row or row is first:
            value = _cell(row, "order_amount", parse_money, errors)
            if value is not None:
                amounts.append(value)
    if amounts:
        draft.declared_value_fen = sum(amounts)
    draft.weight_g = _cell(first, "weight_kg", parse_weight_kg, errors)
    draft.length_cm = _cell(first, "length_cm", parse_cm, errors)
    draft.width_cm = _cell(first, "width_cm", parse_cm, errors)
    draft.height_cm = _cell(first, "height_cm", parse_cm, errors)


def _cell(row: _Row, name: str, parse, errors: list[RowError]):
    text = row.get(name)
    if not text:
        return None
    try:
        return parse(text)
    except _Bad as exc:
        errors.append(RowError(row.number, row.column(name), exc.message, exc.message_zh))
        return None


def _item(row: _Row, errors: list[RowError]) -> ItemInput | None:
    before = len(errors)
    name, spec, code = row.get("item_name"), row.get("item_spec"), row.get("sku_code")
    if not (name or code):
        errors.append(RowError(row.number, row.column("item_name"), "The item has neither a name nor a SKU code.",
                               "商品既没有名称也没有商品编码。"))
    if spec and name:
        name = f"{name}（{spec}）"
    try:
        quantity = parse_quantity(row.get("quantity"))
    except _Bad as exc:
        errors.append(RowError(row.number, row.column("quantity"), exc.message, exc.message_zh))
        quantity = 0
    unit_price = _cell(row, "unit_price", parse_money, errors)
    line_amount = _cell(row, "line_amount", parse_money, errors)
    if unit_price is None and line_amount is not None and quantity:
        unit_price = (line_amount * 2 + quantity) // (2 * quantity)  # the line total shared out, half up
    if len(errors) > before:
        return None
    return ItemInput(quantity=quantity, name=name[:200], sku_code=code[:64], unit_price_fen=unit_price)
