"""Building rate card files for tests by hand, independently of the exporter under test."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

HEADER = ["carrier", "service", "origin", "effective_from", "destination", "first_weight_kg", "list_first_yuan", "list_additional_per_kg_yuan", "cost_first_yuan", "cost_additional_per_kg_yuan", "transit_days", "list_fuel_surcharge_pct", "list_remote_surcharge_yuan", "list_insurance_rate_pct", "list_insurance_min_yuan", "list_minimum_charge_yuan", "cost_fuel_surcharge_pct", "cost_remote_surcharge_yuan", "cost_insurance_rate_pct", "cost_insurance_min_yuan", "cost_minimum_charge_yuan", "note"]

# Spreadsheet rows 2–5: an SF card from 义乌 (three provinces, tomorrow) and a ZTO card from 广州 (today).
VALID_ROWS = [
    "sf,standard,义乌,2027-03-02,浙江,1,12,2,9.6,1.6,1,3,5,1,1,12,3,4,0.5,1,10,spring prices",
    "sf,standard,义乌,2027-03-02,上海市,1,13.00,3.00,10.40,2.40,1,3,5,1,1,12,3,4,0.5,1,10,",
    "sf,standard,330782,2027-03-02,650000,1.5,25,16,20,12.8,4,3.00,5.00,1.00,1.00,12.00,3.00,4.00,0.50,1.00,10.00,",
    "zto,standard,广州市,2027-03-01,广东,1,5.5,1,4.4,0.8,1,0,5,0.5,1,4,0,4,0.3,0.5,3,",
]


def valid_rows() -> list[dict[str, str]]:
    return [dict(zip(HEADER, line.split(","), strict=True)) for line in VALID_ROWS]


def to_csv(rows: list[dict[str, str]], header: list[str] | None = None, encoding: str = "utf-8-sig") -> bytes:
    header = header or list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue().encode(encoding)


def to_xlsx(rows: list[dict[str, str]]) -> bytes:
    """As an operator's Excel would hold it: numbers as numbers, dates as dates."""
    import datetime as dt
    from decimal import Decimal

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        cells = []
        for column in HEADER:
            text = row[column]
            if column == "effective_from":
                cells.append(dt.date.fromisoformat(text))
            elif column not in ("carrier", "service", "origin", "destination", "note") and text:
                cells.append(Decimal(text) if "." in text else int(text))
            else:
                cells.append(text)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
