from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from parcelhub.carriers.models import RateCard, RateCardLane
from parcelhub.carriers.ratecard_files import MAX_FILE_BYTES
from parcelhub.carriers.services import RateCardFileInvalid, ratecard_import
from parcelhub.core.models import AuditLog
from tests.carriers.conftest import TODAY, TOMORROW, make_card
from tests.carriers.files import HEADER, to_csv, to_xlsx, valid_rows

EXPECTED_SF_TERMS = {
    "list_fuel_surcharge_bp": 300, "list_remote_surcharge_fen": 500, "list_insurance_rate_bp": 100,
    "list_insurance_min_fen": 100, "list_minimum_charge_fen": 1200, "cost_fuel_surcharge_bp": 300,
    "cost_remote_surcharge_fen": 400, "cost_insurance_rate_bp": 50, "cost_insurance_min_fen": 100,
    "cost_minimum_charge_fen": 1000,
}
EXPECTED_ZTO_TERMS = {
    "list_fuel_surcharge_bp": 0, "list_remote_surcharge_fen": 500, "list_insurance_rate_bp": 50,
    "list_insurance_min_fen": 100, "list_minimum_charge_fen": 400, "cost_fuel_surcharge_bp": 0,
    "cost_remote_surcharge_fen": 400, "cost_insurance_rate_bp": 30, "cost_insurance_min_fen": 50,
    "cost_minimum_charge_fen": 300,
}
LANE_FIELDS = ("destination_id", "first_weight_g", "list_first_fen", "list_additional_per_kg_fen", "cost_first_fen",
               "cost_additional_per_kg_fen", "transit_days")


@pytest.fixture
def services(today, sf_standard, zto_standard):
    return sf_standard, zto_standard


def written() -> list[tuple]:
    cards = []
    for card in RateCard.objects.order_by("service__carrier__code", "origin_id"):
        lanes = list(card.lanes.order_by("destination_id").values_list(*LANE_FIELDS))
        cards.append((card.service.key, card.origin_id, card.effective_from, card.note,
                      {t: getattr(card, t) for t in EXPECTED_SF_TERMS}, lanes))
    return cards


EXPECTED_WRITTEN = [
    ("sf.standard", "330782", TOMORROW, "spring prices", EXPECTED_SF_TERMS, [
        ("310000", 1000, 1300, 300, 1040, 240, 1),
        ("330000", 1000, 1200, 200, 960, 160, 1),
        ("650000", 1500, 2500, 1600, 2000, 1280, 4),
    ]),
    ("zto.standard", "440100", TODAY, "", EXPECTED_ZTO_TERMS, [("440000", 1000, 550, 100, 440, 80, 1)]),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_valid_file_writes_every_card_and_lane(services, fmt):
    content = to_csv(valid_rows()) if fmt == "csv" else to_xlsx(valid_rows())

    result = ratecard_import(content=content, filename=f"cards.{fmt}")

    assert written() == EXPECTED_WRITTEN
    assert result.rows == 4
    assert [(c.service_key, c.origin, c.effective_from, c.lanes, c.missing_provinces, c.replaces)
            for c in result.cards] == [("sf.standard", "330782", TOMORROW, 3, 28, False),
                                       ("zto.standard", "440100", TODAY, 1, 30, False)]
    assert [c.public_id for c in result.cards] == list(
        RateCard.objects.order_by("service__carrier__code").values_list("public_id", flat=True))
    assert list(AuditLog.objects.filter(action__startswith="ratecard").order_by("id").values_list("action", "target_id")) == [
        ("ratecard.create", c.public_id) for c in result.cards]


def test_excel_saved_csv_in_gbk_with_slashed_dates_and_percent_signs_is_read(services):
    rows = valid_rows()
    for row in rows:
        row["effective_from"] = row["effective_from"].replace("-0", "/").replace("-", "/")
        row["list_fuel_surcharge_pct"] = row["list_fuel_surcharge_pct"] + "%"

    ratecard_import(content=to_csv(rows, encoding="gb18030"), filename="cards.csv")

    assert written() == EXPECTED_WRITTEN


def test_dry_run_validates_and_writes_nothing(services):
    result = ratecard_import(content=to_csv(valid_rows()), filename="cards.csv", dry_run=True)

    assert result.dry_run is True
    assert [c.lanes for c in result.cards] == [3, 1]
    assert RateCard.objects.count() == 0
    assert not AuditLog.objects.filter(action__startswith="ratecard").exists()


def _edit(column: str, value: str, row: int = 2):
    """Set one cell; `row` is the spreadsheet row (2 = first data row)."""

    def apply(rows):
        rows[row - 2][column] = value
        return rows

    return apply


ROW_ERRORS = [
    (_edit("list_first_yuan", "12.345"), 2, "list_first_yuan", "'12.345' has more than two decimals",
     "'12.345' 超过两位小数"),
    (_edit("list_additional_per_kg_yuan", "abc", 3), 3, "list_additional_per_kg_yuan", "'abc' is not an amount",
     "'abc' 不是金额"),
    (_edit("cost_first_yuan", "-1", 4), 4, "cost_first_yuan", "'-1' is negative", "'-1' 不能为负数"),
    (_edit("list_first_yuan", ""), 2, "list_first_yuan", "is required", "必填"),
    (_edit("carrier", "dhl"), 2, "carrier", "'dhl' is not a known carrier", "'dhl' 不是已知的快递公司"),
    (_edit("service", "economy"), 2, "service", "'economy' is not a service of SF Express (sf)",
     "'economy' 不是顺丰速运（sf）的产品"),
    (_edit("origin", "火星"), 2, "origin", "'火星' is not a known region", "'火星' 不是已知的地区"),
    (_edit("destination", "火星", 3), 3, "destination", "'火星' is not a known region", "'火星' 不是已知的地区"),
    (_edit("destination", "杭州", 3), 3, "destination", "'杭州' is not a province (杭州市)",
     "'杭州' 不是省级地区（杭州市）"),
    (_edit("destination", "浙江省", 3), 3, "destination", "浙江 appears more than once in this card (first on row 2)",
     "浙江 在同一价格表中重复（首次出现在第 2 行）"),
    (_edit("list_fuel_surcharge_pct", "4", 3), 3, "list_fuel_surcharge_pct",
     "'4' differs from '3' on row 2 of the same card", "'4' 与同一价格表第 2 行的 '3' 不一致"),
    (_edit("cost_minimum_charge_yuan", "10.5", 4), 4, "cost_minimum_charge_yuan",
     "'10.5' differs from '10' on row 2 of the same card", "'10.5' 与同一价格表第 2 行的 '10' 不一致"),
    (_edit("effective_from", "2027-02-28", 5), 5, "effective_from",
     "2027-02-28 is in the past; a new card takes effect today or later",
     "2027-02-28 已过去；新价格表只能从今天或以后生效"),
    (_edit("effective_from", "2027-02-30", 5), 5, "effective_from", "'2027-02-30' is not a date (use YYYY-MM-DD)",
     "'2027-02-30' 不是日期（请使用 YYYY-MM-DD 格式）"),
    (_edit("list_insurance_rate_pct", "0.125", 5), 5, "list_insurance_rate_pct", "'0.125' has more than two decimals",
     "'0.125' 超过两位小数"),
    (_edit("cost_fuel_surcharge_pct", "101", 5), 5, "cost_fuel_surcharge_pct", "'101' is more than 100 %",
     "'101' 超过 100%"),
    (_edit("first_weight_kg", "1.0005"), 2, "first_weight_kg", "'1.0005' has more than three decimals",
     "'1.0005' 超过三位小数"),
    (_edit("first_weight_kg", "0"), 2, "first_weight_kg", "'0' must be more than 0 and at most 100 kg",
     "'0' 必须大于 0 且不超过 100 千克"),
    (_edit("transit_days", "two"), 2, "transit_days", "'two' must be a whole number of days from 0 to 30",
     "'two' 必须是 0 到 30 之间的整数天数"),
    (_edit("list_first_yuan", "200000"), 2, "list_first_yuan", "'200000' is more than 100000.00",
     "'200000' 超过 100000.00"),
]


@pytest.mark.parametrize(("edit", "row", "column", "message", "message_zh"), ROW_ERRORS,
                         ids=[f"{e[2]}-{e[3][:30]}" for e in ROW_ERRORS])
def test_each_problem_is_reported_with_row_column_and_message_and_nothing_is_written(
        services, edit, row, column, message, message_zh):
    with pytest.raises(RateCardFileInvalid) as caught:
        ratecard_import(content=to_csv(edit(valid_rows())), filename="cards.csv")

    assert [(e.row, e.column, e.message, e.message_zh) for e in caught.value.errors] == [
        (row, column, message, message_zh)]
    assert RateCard.objects.count() == 0
    assert RateCardLane.objects.count() == 0
    assert not AuditLog.objects.filter(action__startswith="ratecard").exists()


def test_error_text_names_the_row_and_column_in_both_languages(services):
    with pytest.raises(RateCardFileInvalid) as caught:
        ratecard_import(content=to_csv(_edit("list_first_yuan", "12.345", row=4)(valid_rows())),
                        filename="cards.csv")
    error = caught.value.errors[0]

    assert error.text == "Row 4, list_first_yuan: '12.345' has more than two decimals"
    assert error.text_zh == "第 4 行 list_first_yuan：'12.345' 超过两位小数"
    with translation.override("zh-hans"):
        assert caught.value.localized() == "文件有 1 处问题，未保存任何内容。"
    assert caught.value.as_payload()["error"]["details"] == [{
        "row": 4, "column": "list_first_yuan",
        "message": "Row 4, list_first_yuan: '12.345' has more than two decimals",
        "message_zh": "第 4 行 list_first_yuan：'12.345' 超过两位小数"}]


def test_every_problem_in_the_file_is_reported_at_once_in_sheet_order(services):
    rows = valid_rows()
    rows[3]["transit_days"] = "-1"
    rows[0]["list_first_yuan"] = "x"
    rows[0]["carrier"] = "dhl"

    with pytest.raises(RateCardFileInvalid) as caught:
        ratecard_import(content=to_csv(rows), filename="cards.csv")

    assert [(e.row, e.column) for e in caught.value.errors] == [
        (2, "carrier"), (2, "list_first_yuan"), (5, "transit_days")]


def test_missing_cost_columns_are_each_reported_on_the_header_row(services):
    header = [c for c in HEADER if not c.startswith("cost_")]

    with pytest.raises(RateCardFileInvalid) as caught:
        ratecard_import(content=to_csv(valid_rows(), header=header), filename="cards.csv")

    assert [(e.row, e.column, e.message) for e in caught.value.errors] == [
        (1, column, "the column is missing") for column in (
            "cost_first_yuan", "cost_additional_per_kg_yuan", "cost_fuel_surcharge_pct", "cost_remote_surcharge_yuan",
            "cost_insurance_rate_pct", "cost_insurance_min_yuan", "cost_minimum_charge_yuan")]


def test_an_ambiguous_origin_asks_for_the_adcode(services):
    rows = valid_rows()[:1]
    rows[0]["origin"] = "朝阳"

    with pytest.raises(RateCardFileInvalid) as caught:
        ratecard_import(content=to_csv(rows), filename="cards.csv")

    assert caught.value.errors[0].text == (
        "Row 2, origin: '朝阳' matches several regions (110105 朝阳区, 211300 朝阳市, 211321 朝阳县, 220104 朝阳区); "
        "use the adcode")


@pytest.mark.parametrize(("content", "filename", "message"), [
    (b"x" * (MAX_FILE_BYTES + 1), "big.csv", "The file is larger than 5 MB."),
    (b"not a zip", "cards.xlsx", "The file is not a readable XLSX workbook."),
    (b"", "empty.csv", "The file is empty."),
    (",".join(HEADER).encode() + b"\r\n", "header-only.csv", "The file has no rows."),
])
def test_whole_file_problems(services, content, filename, message):
    with pytest.raises(RateCardFileInvalid) as caught:
        ratecard_import(content=content, filename=filename)

    assert [(e.row, e.column, e.text) for e in caught.value.errors] == [(None, "", message)]
    assert RateCard.objects.count() == 0


def test_more_than_20000_rows_is_refused(services):
    line = valid_rows()[0]
    content = to_csv([line] * 20_001)

    with pytest.raises(RateCardFileInvalid) as caught:
        ratecard_import(content=content, filename="cards.csv")

    assert [e.text for e in caught.value.errors] == ["The file has more than 20,000 rows."]


def test_a_scheduled_card_is_replaced_in_place(services):
    sf, _ = services
    scheduled = make_card(sf, "330782", TOMORROW, lanes={"110000": (1000, 100, 100, 50, 50, 3)})

    result = ratecard_import(content=to_csv(valid_rows()[:3]), filename="cards.csv")

    assert [(c.public_id, c.replaces) for c in result.cards] == [(scheduled.public_id, True)]
    assert written() == EXPECTED_WRITTEN[:1]
    assert RateCard.objects.get().public_id == scheduled.public_id
    log = AuditLog.objects.get(action="ratecard.replace")
    assert (log.target_id, log.data["lanes"], log.data["previous_lanes"]) == (scheduled.public_id, 3, 1)


def test_a_card_in_effect_cannot_be_replaced_and_the_whole_file_is_refused(services):
    _, zto = services
    in_effect = make_card(zto, "440100", TODAY, lanes={"440000": (1000, 600, 100, 500, 80, 1)})

    with pytest.raises(RateCardFileInvalid) as caught:
        ratecard_import(content=to_csv(valid_rows()), filename="cards.csv")

    assert [e.text for e in caught.value.errors] == [
        f"Row 5, effective_from: the card {in_effect.public_id} dated 2027-03-01 is already in effect and cannot be "
        "replaced; upload the new prices with a later date"]
    assert list(RateCard.objects.all()) == [in_effect]
    assert list(in_effect.lanes.values_list("list_first_fen", flat=True)) == [600]


def test_a_new_card_may_take_effect_today_over_an_older_one(services):
    _, zto = services
    make_card(zto, "440100", TODAY - dt.timedelta(days=10))

    ratecard_import(content=to_csv(valid_rows()[3:]), filename="cards.csv")

    assert RateCard.objects.filter(service=zto).count() == 2


def test_list_below_cost_is_allowed_with_a_warning(services):
    rows = valid_rows()[3:]
    rows[0]["list_first_yuan"] = "4.00"

    result = ratecard_import(content=to_csv(rows), filename="cards.csv")

    assert [w.text for w in result.warnings] == ["Row 2, list_first_yuan: list price below cost (allowed)"]
    assert RateCardLane.objects.get().list_first_fen == 400
