"""Rate card files: the column layout, reading CSV/XLSX into text cells, and writing cards back out.

One row per (card, destination province). Card-level columns repeat on every row of a card; the importer
checks they agree. Money in yuan (two decimals at most), rates in percent, weights in kg, regions by adcode
or name. CSV is written with a BOM because Excel otherwise opens UTF-8 Chinese as mojibake.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from parcelhub.core.money import fen_to_yuan_str

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# Wide enough for every column plus a few of the operator's own; anything further right is ignored.
MAX_COLUMNS = 40

CARD_KEY_COLUMNS = ("carrier", "service", "origin", "effective_from")
LANE_COLUMNS = ("destination", "first_weight_kg", "list_first_yuan", "list_additional_per_kg_yuan",
                "cost_first_yuan", "cost_additional_per_kg_yuan", "transit_days")
# Card-level terms per side, with the model field each one fills.
TERM_COLUMNS = {
    f"{side}_{column}": f"{side}_{field}"
    for side in ("list", "cost")
    for column, field in (("fuel_surcharge_pct", "fuel_surcharge_bp"),
                          ("remote_surcharge_yuan", "remote_surcharge_fen"),
                          ("insurance_rate_pct", "insurance_rate_bp"),
                          ("insurance_min_yuan", "insurance_min_fen"),
                          ("minimum_charge_yuan", "minimum_charge_fen"))
}
REQUIRED_COLUMNS = (*CARD_KEY_COLUMNS, *LANE_COLUMNS, *TERM_COLUMNS)
# Written on export for people reading the file; the importer does not need them.
INFO_COLUMNS = ("origin_name", "destination_name", "note")
COLUMNS = ("carrier", "service", "origin", "origin_name", "effective_from", "destination", "destination_name",
           *LANE_COLUMNS[1:], *TERM_COLUMNS, "note")

NUMERIC_COLUMNS = frozenset({*LANE_COLUMNS[1:], *TERM_COLUMNS})


class FileUnreadable(ValueError):
    """The bytes are not a CSV or XLSX table we can read (message in English and Chinese)."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]  # (spreadsheet row number, header = 1; column -> text)


def file_format(filename: str) -> str:
    return "xlsx" if filename.lower().endswith((".xlsx", ".xlsm")) else "csv"


def read_table(content: bytes, filename: str) -> Table:
    if len(content) > MAX_FILE_BYTES:
        raise FileUnreadable("The file is larger than 5 MB.", "文件超过 5 MB。")
    grid = _xlsx_grid(content) if file_format(filename) == "xlsx" else _csv_grid(content)
    header: tuple[str, ...] = ()
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in grid:
        if not header:
            if any(cells):
                header = tuple(c.strip().lstrip("\ufeff").lower() for c in cells)
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise FileUnreadable(f"The file has more than {MAX_ROWS:,} rows.", f"文件超过 {MAX_ROWS:,} 行。")
        rows.append((number, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header) if h}))
    if not header:
        raise FileUnreadable("The file is empty.", "文件为空。")
    return Table(header=header, rows=tuple(rows))


def _csv_grid(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Chinese Windows saves "CSV" in GBK unless told otherwise.
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise FileUnreadable("The file is neither UTF-8 nor GBK text.", "文件编码既不是 UTF-8 也不是 GBK。") from exc
    if "\x00" in text:
        raise FileUnreadable("The file is not a CSV or XLSX spreadsheet.", "文件不是 CSV 或 XLSX 表格。")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells[:MAX_COLUMNS]
    except csv.Error as exc:
        raise FileUnreadable(f"The CSV is malformed: {exc}.", f"CSV 格式错误：{exc}。") from exc


def _xlsx_grid(content: bytes):
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileUnreadable("The file is not a readable XLSX workbook.", "无法读取该 XLSX 工作簿。") from exc
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            yield number, [_cell_text(cell) for cell in row]
    finally:
        book.close()


def _cell_text(cell) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        # A cell formatted as a percentage holds 0.03 for "3%"; the file's unit is whole percent.
        if "%" in (getattr(cell, "number_format", "") or ""):
            number *= 100
        text = format(number.normalize(), "f")
        return text
    return str(value)


# --- writing -------------------------------------------------------------------------------------------------


def grams_to_kg_str(grams: int) -> str:
    whole, rest = divmod(grams, 1000)
    return f"{whole}.{rest:03d}".rstrip("0").rstrip(".")


def bp_to_pct_str(bp: int) -> str:
    whole, rest = divmod(bp, 100)
    return f"{whole}.{rest:02d}"


def _term_text(column: str, value: int) -> str:
    return bp_to_pct_str(value) if column.endswith("_pct") else fen_to_yuan_str(value)


def card_rows(card) -> list[dict[str, str]]:
    """A RateCard (lanes and their destinations loaded) as file rows of text."""
    head = {"carrier": card.service.carrier.code, "service": card.service.code, "origin": card.origin_id,
            "origin_name": card.origin.name, "effective_from": card.effective_from.isoformat()}
    terms = {column: _term_text(column, getattr(card, field)) for column, field in TERM_COLUMNS.items()}
    rows = []
    for lane in card.lanes.all():
        rows.append({
            **head, "destination": lane.destination_id, "destination_name": lane.destination.short_name,
            "first_weight_kg": grams_to_kg_str(lane.first_weight_g),
            "list_first_yuan": fen_to_yuan_str(lane.list_first_fen),
            "list_additional_per_kg_yuan": fen_to_yuan_str(lane.list_additional_per_kg_fen),
            "cost_first_yuan": fen_to_yuan_str(lane.cost_first_fen),
            "cost_additional_per_kg_yuan": fen_to_yuan_str(lane.cost_additional_per_kg_fen),
            "transit_days": str(lane.transit_days), **terms, "note": card.note,
        })
    return rows


def render_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def render_xlsx(rows: list[dict[str, str]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("rate cards")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([_xlsx_value(column, row.get(column, "")) for column in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(column: str, text: str):
    # Numbers as numbers so the sheet sums and sorts; adcodes stay text so Excel never shows 3.3E+05.
    if column in NUMERIC_COLUMNS and text:
        return Decimal(text)
    if column == "effective_from" and text:
        return dt.date.fromisoformat(text)
    return text


def render(rows: list[dict[str, str]], fmt: str) -> bytes:
    return render_xlsx(rows) if fmt == "xlsx" else render_csv(rows)


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def template_rows(*, effective_from: dt.date) -> list[dict[str, str]]:
    """An example card: SF standard from 义乌 to three provinces, to copy and fill in."""
    terms = {"list_fuel_surcharge_pct": "3.00", "list_remote_surcharge_yuan": "5.00",
             "list_insurance_rate_pct": "1.00", "list_insurance_min_yuan": "1.00", "list_minimum_charge_yuan": "12.00",
             "cost_fuel_surcharge_pct": "3.00", "cost_remote_surcharge_yuan": "4.00",
             "cost_insurance_rate_pct": "0.50", "cost_insurance_min_yuan": "1.00", "cost_minimum_charge_yuan": "10.00"}
    head = {"carrier": "sf", "service": "standard", "origin": "330782", "origin_name": "义乌市",
            "effective_from": effective_from.isoformat(), "note": "example"}
    lanes = [("330000", "浙江", "12.00", "2.00", "9.60", "1.60", "1"),
             ("310000", "上海", "13.00", "3.00", "10.40", "2.40", "1"),
             ("650000", "新疆", "25.00", "16.00", "20.00", "12.80", "4")]
    return [{**head, **terms, "destination": code, "destination_name": name, "first_weight_kg": "1",
             "list_first_yuan": lf, "list_additional_per_kg_yuan": la, "cost_first_yuan": cf,
             "cost_additional_per_kg_yuan": ca, "transit_days": days}
            for code, name, lf, la, cf, ca, days in lanes]
