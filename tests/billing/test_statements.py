from __future__ import annotations

import csv
import datetime as dt
import io

import pypdfium2 as pdfium
import pytest

from parcelhub.billing import services
from parcelhub.billing.selectors import wallet_for
from parcelhub.billing.statement_pdf import FIRST_PAGE_ROWS, OTHER_PAGE_ROWS, page_count, statement_pdf
from parcelhub.billing.statements import month_bounds, statement_build, statement_csv, statement_months
from tests.billing.conftest import SHANGHAI, fund

pytestmark = pytest.mark.django_db

FEB, MAR, APR = dt.date(2027, 2, 1), dt.date(2027, 3, 1), dt.date(2027, 4, 1)


def charge(merchant, amount: int, reference: str, lines=None):
    return services.wallet_charge(merchant=merchant, amount_fen=amount, cost_fen=amount * 3 // 4, carrier_code="zto",
                                  reference=reference, lines=lines)


@pytest.fixture
def history(mch_a, clock_at, operator_factory):
    """Every kind of movement, and charges on both sides of each month boundary (Shanghai wall-clock)."""
    risk = operator_factory("risk")
    clock_at(2027, 2, 10, 9, 0)
    fund(mch_a, 10_000)
    clock_at(2027, 2, 28, 23, 59)
    charge(mch_a, 1_500, "shp_feb")
    clock_at(2027, 3, 1, 0, 0)
    charge(mch_a, 2_000, "shp_mar1", lines=[("first_weight", 1_600), ("remote_surcharge", 400)])
    clock_at(2027, 3, 5, 12, 0)
    fund(mch_a, 50_000)
    clock_at(2027, 3, 10, 8, 30)
    charge(mch_a, 3_000, "shp_mar2")
    clock_at(2027, 3, 11, 8, 30)
    services.wallet_refund(reference="shp_mar2", reason="作废面单")
    clock_at(2027, 3, 12, 8, 30)
    services.wallet_refund(reference="shp_feb", reason="lost by carrier")
    clock_at(2027, 3, 20, 15, 0)
    services.wallet_adjust(merchant=mch_a, amount_fen=800, reason="双11 红包", actor=risk)
    clock_at(2027, 3, 21, 15, 0)
    services.wallet_adjust(merchant=mch_a, amount_fen=-300, reason="correction", actor=risk)
    clock_at(2027, 3, 31, 23, 59)
    charge(mch_a, 4_000, "shp_mar3")
    clock_at(2027, 4, 1, 0, 0)
    charge(mch_a, 700, "shp_apr")
    clock_at(2027, 4, 15, 10, 0)
    return mch_a


def test_month_bounds_are_shanghai_midnights():
    start, end = month_bounds(MAR)
    assert start == dt.datetime(2027, 3, 1, tzinfo=SHANGHAI)
    assert start.astimezone(dt.UTC) == dt.datetime(2027, 2, 28, 16, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2027, 4, 1, tzinfo=SHANGHAI)
    assert month_bounds(dt.date(2027, 12, 1))[1] == dt.datetime(2028, 1, 1, tzinfo=SHANGHAI)


def test_statements_reconcile_across_month_boundaries(history):
    feb = statement_build(merchant=history, month=FEB)
    mar = statement_build(merchant=history, month=MAR)
    apr = statement_build(merchant=history, month=APR)
    assert (feb.opening_fen, feb.recharges_fen, feb.charges_fen, feb.refunds_fen, feb.adjustments_fen,
            feb.closing_fen) == (0, 10_000, 1_500, 0, 0, 8_500)
    assert (mar.opening_fen, mar.recharges_fen, mar.charges_fen, mar.refunds_fen, mar.adjustments_fen,
            mar.closing_fen) == (8_500, 50_000, 9_000, 4_500, 500, 54_500)
    assert (apr.opening_fen, apr.charges_fen, apr.closing_fen) == (54_500, 700, 53_800)
    assert feb.reconciles and mar.reconciles and apr.reconciles
    assert mar.closing_fen == 8_500 + 50_000 - 9_000 + 4_500 + 500
    assert apr.closing_fen == wallet_for(history).balance_fen
    assert [(r.kind, r.reference[:4]) for r in feb.rows] == [("recharge", "rch_"), ("charge", "shp_")]
    assert [(r.at.strftime("%m-%d %H:%M"), r.kind, r.reference, r.amount_fen, r.balance_after_fen)
            for r in mar.rows] == [
        ("03-01 00:00", "charge", "shp_mar1", -2_000, 6_500),
        ("03-05 12:00", "recharge", mar.rows[1].reference, 50_000, 56_500),
        ("03-10 08:30", "charge", "shp_mar2", -3_000, 53_500),
        ("03-11 08:30", "refund", "shp_mar2", 3_000, 56_500),
        ("03-12 08:30", "refund", "shp_feb", 1_500, 58_000),
        ("03-20 15:00", "adjustment", "", 800, 58_800),
        ("03-21 15:00", "adjustment", "", -300, 58_500),
        ("03-31 23:59", "charge", "shp_mar3", -4_000, 54_500),
    ]
    assert mar.rows[1].reference.startswith("rch_")
    assert mar.rows[0].lines == [{"code": "first_weight", "amount_fen": 1_600},
                                 {"code": "remote_surcharge", "amount_fen": 400}]
    assert [r.transaction_id for r in apr.rows] == [r.transaction_id for r in apr.rows if r.reference == "shp_apr"]


def test_statement_months_run_from_the_first_transaction_to_this_month(history):
    assert statement_months(history, today=dt.date(2027, 4, 15)) == [APR, MAR, FEB]


def test_an_empty_month_carries_the_balance_over(history):
    may = statement_build(merchant=history, month=dt.date(2027, 5, 1))
    assert (may.opening_fen, may.closing_fen, may.rows) == (53_800, 53_800, [])


def test_csv_statement(history):
    data = statement_csv(statement_build(merchant=history, month=MAR))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["time", "transaction", "kind", "reference", "memo", "lines", "amount_yuan", "balance_yuan"]
    assert rows[1] == ["2027-03-01 00:00:00", "", "opening_balance", "", "", "", "", "85.00"]
    assert rows[2][0] == "2027-03-01 00:00:00" and rows[2][1].startswith("txn_")
    assert rows[2][2:] == ["charge", "shp_mar1", "", "first_weight 16.00; remote_surcharge 4.00", "-20.00", "65.00"]
    assert rows[5][2:] == ["refund", "shp_mar2", "作废面单", "", "30.00", "565.00"]
    assert rows[9][0] == "2027-03-31 23:59:00"
    assert rows[10:] == [["", "", "total_recharges", "", "", "", "500.00", ""],
                         ["", "", "total_charges", "", "", "", "-90.00", ""],
                         ["", "", "total_refunds", "", "", "", "45.00", ""],
                         ["", "", "total_adjustments", "", "", "", "5.00", ""],
                         ["", "", "closing_balance", "", "", "", "", "545.00"]]


def pdf_pages_text(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def test_pdf_statement_embeds_the_cjk_font_and_shows_the_closing_balance(history):
    data = statement_pdf(statement_build(merchant=history, month=MAR))
    assert data.startswith(b"%PDF")
    assert b"/FontFile2" in data  # the TrueType font is embedded, not referenced
    pages = pdf_pages_text(data)
    assert len(pages) == 1
    text = pages[0]
    assert "Wallet statement 2027-03" in text
    assert "义乌小商品有限公司" in text
    assert "Closing balance" in text and "¥545.00" in text
    assert "Opening balance" in text and "¥85.00" in text
    assert "作废面单" in text and "shp_mar3" in text and "remote_surcharge" in text


def test_a_long_statement_runs_onto_more_pages(mch_a, clock_at):
    clock_at(2027, 3, 1, 8, 0)
    fund(mch_a, 1_000_000)
    for day in range(60):
        clock_at(2027, 3, 1 + day // 2, 9 + day % 2, 0)
        charge(mch_a, 1_000, f"shp_{day:03d}", lines=[("first_weight", 1_000)])
    statement = statement_build(merchant=mch_a, month=MAR)
    assert len(statement.rows) == 61
    rows = 61 + 60  # each charge has one itemised line under it
    assert (FIRST_PAGE_ROWS, OTHER_PAGE_ROWS) == (43, 52)
    assert page_count(rows) == 3
    pages = pdf_pages_text(statement_pdf(statement))
    assert len(pages) == 3
    assert "Page 1 of 3" in pages[0] and "Page 3 of 3" in pages[2]
    assert "shp_059" in pages[2] and "shp_059" not in pages[0]
    assert "¥9400.00" in pages[0]  # the closing balance is in the summary on page 1
    assert statement.closing_fen == 940_000


def test_page_count_edges():
    assert [page_count(n) for n in (0, 1, 43, 44, 95, 96)] == [1, 1, 1, 2, 2, 3]
