"""Checking a whole rate card file before anything is written: every problem, with its row and column.

Row numbers are the spreadsheet's own (the header is row 1) so an operator can go straight to the cell.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import translation

from parcelhub.carriers.models import Carrier, RateCard, Service
from parcelhub.carriers.ratecard_files import COLUMNS, LANE_COLUMNS, REQUIRED_COLUMNS, TERM_COLUMNS, Table
from parcelhub.carriers.region_lookup import RegionLookup
from parcelhub.core.money import MoneyFormatError, parse_yuan
from parcelhub.geo.models import Region

MAX_AMOUNT_FEN = 100_000_00   # ¥100,000: far above any parcel price; catches a misplaced decimal point
MAX_FIRST_WEIGHT_G = 100_000
MAX_TRANSIT_DAYS = 30
MAX_NOTE_LENGTH = 200


@dataclass(frozen=True)
class RowError:
    row: int | None     # spreadsheet row (header = 1); None for the file as a whole
    column: str
    message: str
    message_zh: str

    @property
    def text(self) -> str:
        if self.row is None:
            return self.message
        return f"Row {self.row}, {self.column}: {self.message}"

    @property
    def text_zh(self) -> str:
        if self.row is None:
            return self.message_zh
        return f"第 {self.row} 行 {self.column}：{self.message_zh}"

    def localized(self) -> str:
        lang = translation.get_language() or "en"
        return self.text_zh if lang.startswith("zh") else self.text

    def localized_message(self) -> str:
        lang = translation.get_language() or "en"
        return self.message_zh if lang.startswith("zh") else self.message

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.text, "message_zh": self.text_zh}


@dataclass
class LaneDraft:
    row: int
    destination: Region
    first_weight_g: int
    cost_first_fen: int
    cost_additional_per_kg_fen: int
    list_first_fen: int
    list_additional_per_kg_fen: int
    transit_days: int


@dataclass
class CardDraft:
    service: Service
    origin: Region
    effective_from: dt.date
    first_row: int
    terms: dict[str, int]                 # model field -> value, e.g. list_fuel_surcharge_bp
    term_texts: dict[str, str]            # column -> the first row's text, for messages
    note: str = ""
    lanes: list[LaneDraft] = field(default_factory=list)
    replaces: RateCard | None = None      # a scheduled card with the same service, origin and date

    @property
    def key(self) -> tuple[int, str, dt.date]:
        return (self.service.pk, self.origin.pk, self.effective_from)


@dataclass
class Checked:
    cards: list[CardDraft]
    errors: list[RowError]
    warnings: list[RowError]


class _Bad(ValueError):
    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message, self.message_zh = message, message_zh


# --- cell parsers: text -> value, or _Bad with both languages ------------------------------------------------


def _decimal(text: str, what: str, what_zh: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise _Bad(f"'{text}' is not {what}", f"'{text}' 不是{what_zh}") from None
    if not value.is_finite():
        raise _Bad(f"'{text}' is not {what}", f"'{text}' 不是{what_zh}")
    if value < 0:
        raise _Bad(f"'{text}' is negative", f"'{text}' 不能为负数")
    return value


def parse_money(text: str) -> int:
    _decimal(text.lstrip("¥￥"), "an amount", "金额")
    try:
        fen = parse_yuan(text)
    except MoneyFormatError:
        raise _Bad(f"'{text}' has more than two decimals", f"'{text}' 超过两位小数") from None
    if fen > MAX_AMOUNT_FEN:
        raise _Bad(f"'{text}' is more than 100000.00", f"'{text}' 超过 100000.00")
    return fen


def parse_pct(text: str) -> int:
    value = _decimal(text.rstrip("%％").strip(), "a percentage", "百分比")
    bp = value * 100
    if bp != bp.to_integral_value():
        raise _Bad(f"'{text}' has more than two decimals", f"'{text}' 超过两位小数")
    if value > 100:
        raise _Bad(f"'{text}' is more than 100 %", f"'{text}' 超过 100%")
    return int(bp)


def parse_kg(text: str) -> int:
    value = _decimal(text.lower().removesuffix("kg").strip(), "a weight in kg", "以千克计的重量")
    grams = value * 1000
    if grams != grams.to_integral_value():
        raise _Bad(f"'{text}' has more than three decimals", f"'{text}' 超过三位小数")
    if not 0 < grams <= MAX_FIRST_WEIGHT_G:
        raise _Bad(f"'{text}' must be more than 0 and at most 100 kg", f"'{text}' 必须大于 0 且不超过 100 千克")
    return int(grams)


def parse_days(text: str) -> int:
    if not re.fullmatch(r"\d{1,3}", text) or int(text) > MAX_TRANSIT_DAYS:
        raise _Bad(f"'{text}' must be a whole number of days from 0 to {MAX_TRANSIT_DAYS}",
                   f"'{text}' 必须是 0 到 {MAX_TRANSIT_DAYS} 之间的整数天数")
    return int(text)


def parse_date(text: str) -> dt.date:
    # Excel in a Chinese locale re-saves 2026-12-01 as 2026/12/1.
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    try:
        if match:
            return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        pass
    raise _Bad(f"'{text}' is not a date (use YYYY-MM-DD)", f"'{text}' 不是日期（请使用 YYYY-MM-DD 格式）")


TERM_PARSERS = {column: parse_pct if column.endswith("_pct") else parse_money for column in TERM_COLUMNS}
LANE_PARSERS = {"first_weight_kg": parse_kg, "list_first_yuan": parse_money,
                "list_additional_per_kg_yuan": parse_money, "cost_first_yuan": parse_money,
                "cost_additional_per_kg_yuan": parse_money, "transit_days": parse_days}
LANE_FIELDS = {"first_weight_kg": "first_weight_g", "list_first_yuan": "list_first_fen",
               "list_additional_per_kg_yuan": "list_additional_per_kg_fen", "cost_first_yuan": "cost_first_fen",
               "cost_additional_per_kg_yuan": "cost_additional_per_kg_fen", "transit_days": "transit_days"}


class _Checker:
    def __init__(self, *, today: dt.date) -> None:
        self.today = today
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []
        self.cards: dict[tuple[int, str, dt.date], CardDraft] = {}
        self.destination_rows: dict[tuple[tuple, str], int] = {}
        self.carriers = {c.code.lower(): c for c in Carrier.objects.all()}
        for carrier in list(self.carriers.values()):
            self.carriers.setdefault(carrier.name.lower(), carrier)
            self.carriers.setdefault(carrier.name_en.lower(), carrier)
        self.services: dict[tuple[int, str], Service] = {}
        for service in Service.objects.select_related("carrier"):
            for name in (service.code, service.name, service.name_en):
                self.services.setdefault((service.carrier_id, name.lower()), service)
        self.origins = RegionLookup()
        self.destinations = RegionLookup(provinces_only=True)

    def error(self, row: int | None, column: str, message: str, message_zh: str) -> None:
        self.errors.append(RowError(row, column, message, message_zh))

    def cell(self, row: int, cells: dict[str, str], column: str, parser):
        text = cells.get(column, "")
        if not text:
            self.error(row, column, "is required", "必填")
            return None
        try:
            return parser(text)
        except _Bad as bad:
            self.error(row, column, bad.message, bad.message_zh)
            return None

    # --- columns and rows ---

    def check_header(self, header: tuple[str, ...]) -> bool:
        seen: set[str] = set()
        for column in header:
            if column and column in seen:
                self.error(1, column, "the column appears twice", "该列重复出现")
            seen.add(column)
        for column in REQUIRED_COLUMNS:
            if column not in seen:
                self.error(1, column, "the column is missing", "缺少该列")
        return not self.errors

    def check_row(self, row: int, cells: dict[str, str]) -> None:
        key = self.card_key(row, cells)
        lane = {LANE_FIELDS[c]: self.cell(row, cells, c, LANE_PARSERS[c]) for c in LANE_COLUMNS[1:]}
        terms = {TERM_COLUMNS[c]: self.cell(row, cells, c, TERM_PARSERS[c]) for c in TERM_COLUMNS}
        destination = self.destination(row, cells.get("destination", ""))
        note = cells.get("note", "")
        if len(note) > MAX_NOTE_LENGTH:
            self.error(row, "note", f"is longer than {MAX_NOTE_LENGTH} characters",
                       f"超过 {MAX_NOTE_LENGTH} 个字符")
        if key is None:
            return
        card = self.cards.get(key)
        if card is None and None not in terms.values():
            card = self.cards[key] = CardDraft(
                service=key[0], origin=key[1], effective_from=key[2], first_row=row, terms=terms,
                term_texts={c: cells[c] for c in TERM_COLUMNS}, note=note)
        elif card is not None:
            self.check_agreement(row, cells, card, terms, note)
        if card is None or destination is None or None in lane.values():
            return
        self.add_lane(row, card, destination, lane)

    def card_key(self, row: int, cells: dict[str, str]):
        carrier_text, service_text = cells.get("carrier", ""), cells.get("service", "")
        carrier = self.carriers.get(carrier_text.lower()) if carrier_text else None
        service = None
        if not carrier_text:
            self.error(row, "carrier", "is required", "必填")
        elif carrier is None:
            self.error(row, "carrier", f"'{carrier_text}' is not a known carrier", f"'{carrier_text}' 不是已知的快递公司")
        elif not service_text:
            self.error(row, "service", "is required", "必填")
        else:
            service = self.services.get((carrier.pk, service_text.lower()))
            if service is None:
                self.error(row, "service", f"'{service_text}' is not a service of {carrier.name_en} ({carrier.code})",
                           f"'{service_text}' 不是{carrier.name}（{carrier.code}）的产品")
        origin = self.origin(row, cells.get("origin", ""))
        effective_from = self.cell(row, cells, "effective_from", parse_date)
        if service is None or origin is None or effective_from is None:
            return None
        return (service, origin, effective_from)

    def origin(self, row: int, text: str) -> Region | None:
        if not text:
            self.error(row, "origin", "is required", "必填")
            return None
        found = self.origins.find(text)
        if found.region is None:
            self.region_not_found(row, "origin", text, found.ambiguous)
        return found.region

    def destination(self, row: int, text: str) -> Region | None:
        if not text:
            self.error(row, "destination", "is required", "必填")
            return None
        found = self.destinations.find(text)
        if found.region is None:
            anywhere = self.origins.find(text)
            if anywhere.region is not None:
                self.error(row, "destination", f"'{text}' is not a province ({anywhere.region.name})",
                           f"'{text}' 不是省级地区（{anywhere.region.name}）")
            else:
                self.region_not_found(row, "destination", text, anywhere.ambiguous)
        return found.region

    def region_not_found(self, row: int, column: str, text: str, ambiguous: tuple[Region, ...]) -> None:
        if ambiguous:
            places = ", ".join(f"{r.adcode} {r.name}" for r in ambiguous[:5])
            self.error(row, column, f"'{text}' matches several regions ({places}); use the adcode",
                       f"'{text}' 对应多个地区（{places}），请填写行政区划代码")
        else:
            self.error(row, column, f"'{text}' is not a known region", f"'{text}' 不是已知的地区")

    def check_agreement(self, row: int, cells: dict[str, str], card: CardDraft, terms: dict, note: str) -> None:
        for column, model_field in TERM_COLUMNS.items():
            if terms[model_field] is not None and terms[model_field] != card.terms[model_field]:
                first = card.term_texts[column]
                self.error(row, column, f"'{cells[column]}' differs from '{first}' on row {card.first_row} of the same card",
                           f"'{cells[column]}' 与同一价格表第 {card.first_row} 行的 '{first}' 不一致")
        if note and card.note and note != card.note:
            self.error(row, "note", f"differs from the note on row {card.first_row} of the same card",
                       f"与同一价格表第 {card.first_row} 行的备注不一致")
        card.note = card.note or note

    def add_lane(self, row: int, card: CardDraft, destination: Region, lane: dict) -> None:
        seen = self.destination_rows.setdefault((card.key, destination.adcode), row)
        if seen != row:
            self.error(row, "destination", f"{destination.short_name} appears more than once in this card (first on row {seen})",
                       f"{destination.short_name} 在同一价格表中重复（首次出现在第 {seen} 行）")
            return
        card.lanes.append(LaneDraft(row=row, destination=destination, **lane))
        if lane["list_first_fen"] < lane["cost_first_fen"] or (
                lane["list_additional_per_kg_fen"] < lane["cost_additional_per_kg_fen"]):
            self.warnings.append(RowError(row, "list_first_yuan", "list price below cost (allowed)",
                                          "售价低于成本（允许）"))

    # --- cards against the database ---

    def check_dates(self) -> None:
        cards = list(self.cards.values())
        existing = {
            (c.service_id, c.origin_id, c.effective_from): c
            for c in RateCard.objects.filter(service_id__in={d.service.pk for d in cards},
                                             origin_id__in={d.origin.pk for d in cards},
                                             effective_from__in={d.effective_from for d in cards})
        }
        for card in cards:
            card.replaces = existing.get(card.key)
            date = card.effective_from.isoformat()
            if card.replaces is not None and card.effective_from <= self.today:
                self.error(card.first_row, "effective_from",
                           f"the card {card.replaces.public_id} dated {date} is already in effect and cannot be "
                           "replaced; upload the new prices with a later date",
                           f"{date} 生效的价格表 {card.replaces.public_id} 已生效，不能替换；请使用更晚的生效日期上传新价格")
            elif card.effective_from < self.today:
                self.error(card.first_row, "effective_from",
                           f"{date} is in the past; a new card takes effect today or later",
                           f"{date} 已过去；新价格表只能从今天或以后生效")


def check_table(table: Table, *, today: dt.date) -> Checked:
    checker = _Checker(today=today)
    if not table.rows:
        checker.error(None, "", "The file has no rows.", "文件没有数据行。")
    if checker.check_header(table.header) and table.rows:
        for row, cells in table.rows:
            checker.check_row(row, cells)
        checker.check_dates()
    # In the order an operator reads the sheet: down the rows, then across the columns.
    order = {column: index for index, column in enumerate(table.header or COLUMNS)}
    errors = sorted(checker.errors, key=lambda e: (e.row or 0, order.get(e.column, len(order))))
    return Checked(cards=list(checker.cards.values()), errors=errors, warnings=checker.warnings)
