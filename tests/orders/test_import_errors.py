"""Problems in an import: per row and column in English and Chinese, nothing written for those orders,
duplicates in the file and against the database, files we cannot read, and a job that stops."""

from __future__ import annotations

import pytest

from parcelhub.core.errors import DomainError
from parcelhub.orders import services
from parcelhub.orders.importing.run import order_import_run
from parcelhub.orders.models import Order, OrderImport
from tests.orders.conftest import all_orders
from tests.orders.files import JD_ROWS, TAOBAO_ROWS, export, to_csv, with_cell


def external_ids(merchant) -> list[str]:
    return list(Order.objects.filter(merchant=merchant).order_by("id").values_list("external_id", flat=True))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bad_phone_refuses_that_order_only(fmt, merchant_a, skus_a, run_import):
    content, filename = export("jd", fmt, with_cell("jd", 2, "联系电话", "1898000123"))
    job = run_import(content, filename)
    assert (job.status, job.created_count, job.duplicate_count, job.error_count, job.error_total) == ("done", 1, 0, 1, 1)
    assert job.errors == [{
        "row": 4, "column": "联系电话",
        "message": "“1898000123” is not a mainland mobile (11 digits starting 13–19) or landline number with area "
                   "code (e.g. 0571-88888888).",
        "message_zh": "“1898000123”不是有效的大陆手机号（1 开头的 11 位数字）或带区号的固定电话（如 0571-88888888）。"}]
    assert external_ids(merchant_a[0]) == ["281234567890"]


def test_masked_phone_says_to_export_full_numbers(merchant_a, run_import):
    content, filename = export("taobao", "csv", with_cell("taobao", 0, "联系手机", "138****0001"))
    job = run_import(content, filename)
    assert job.errors == [{"row": 2, "column": "联系手机",
                           "message": "“138****0001” is masked; export the orders with full phone numbers.",
                           "message_zh": "“138****0001”是打码的号码，请导出含完整手机号的订单。"}]
    assert external_ids(merchant_a[0]) == ["3389012345678905678"]


def test_unreadable_address_names_the_address_column(merchant_a, run_import):
    content, filename = export("taobao", "csv", with_cell("taobao", 1, "收货地址", "火星基地1号"))
    job = run_import(content, filename)
    assert (job.created_count, job.error_count) == (1, 1)
    assert job.errors == [{"row": 3, "column": "收货地址",
                           "message": "Cannot tell the province and city of this address.",
                           "message_zh": "无法识别该地址所在的省份和城市。"}]
    assert external_ids(merchant_a[0]) == ["3389012345678901234"]


def test_split_address_problem_names_all_its_columns(merchant_a, run_import):
    content, filename = export("pdd", "csv", with_cell("pdd", 1, "街道", ""))
    job = run_import(content, filename)
    assert job.errors == [{"row": 3, "column": "省/市/区/街道",
                           "message": "The address has no street detail (street, building, room).",
                           "message_zh": "地址缺少详细信息（街道、门牌号等）。"}]


def test_missing_quantity_on_one_item_row_refuses_the_whole_order(merchant_a, skus_a, run_import):
    content, filename = export("douyin", "xlsx", with_cell("douyin", 1, "商品数量", ""))
    job = run_import(content, filename)
    assert (job.created_count, job.error_count, job.processed_rows) == (1, 1, 3)
    assert job.errors == [{"row": 3, "column": "商品数量", "message": "The quantity is missing.",
                           "message_zh": "缺少数量。"}]
    assert external_ids(merchant_a[0]) == ["6929876543210987654"]


@pytest.mark.parametrize(("amount", "message", "message_zh"), [
    ("29.8x", "“29.8x” is not an amount in yuan.", "“29.8x”不是有效的金额（元）。"),
    ("29.805", "“29.805” has more than two decimals.", "“29.805”超过两位小数。"),
    ("-5", "“-5” is negative.", "“-5”不能为负数。"),
])
def test_bad_amount(amount, message, message_zh, merchant_a, run_import):
    content, filename = export("pdd", "csv", with_cell("pdd", 0, "用户实付金额(元)", amount))
    job = run_import(content, filename)
    assert job.errors == [{"row": 2, "column": "用户实付金额(元)", "message": message, "message_zh": message_zh}]
    assert external_ids(merchant_a[0]) == ["261121-223456789012345"]


def test_every_problem_of_a_row_is_listed_in_row_order(merchant_a, run_import):
    rows = with_cell("jd", 1, "订购数量", "1.5")
    rows[0][JD_ROWS[0].index("13760000003")] = "12345"
    job = run_import(to_csv(*_jd(rows)), "jd.csv")
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "联系电话"), (3, "订购数量")]
    assert (job.error_count, job.error_total, job.created_count) == (1, 2, 1)


def _jd(rows):
    from tests.orders.files import JD_HEADER

    return JD_HEADER, rows


def test_duplicates_within_the_file_are_skipped(merchant_a, run_import):
    rows = [*TAOBAO_ROWS, TAOBAO_ROWS[0]]
    content, filename = export("taobao", "csv", rows)
    job = run_import(content, filename)
    assert (job.total_rows, job.created_count, job.duplicate_count, job.error_count) == (3, 2, 1, 0)
    assert external_ids(merchant_a[0]) == ["3389012345678901234", "3389012345678905678"]


def test_orders_already_imported_are_skipped_and_nothing_changes(merchant_a, skus_a, run_import):
    content, filename = export("jd", "xlsx")
    run_import(content, filename)
    before = all_orders(merchant_a[0])
    again = run_import(*export("jd", "csv"))
    assert (again.status, again.created_count, again.duplicate_count, again.error_count) == ("done", 0, 2, 0)
    assert all_orders(merchant_a[0]) == before


def test_same_number_from_another_merchant_or_source_is_not_a_duplicate(merchant_a, merchant_b, run_import):
    run_import(*export("taobao", "csv"), merchant=merchant_b[0])
    services.order_create(merchant=merchant_a[0], source="api", external_id="3389012345678901234",
                          recipient=services.RecipientInput("王芳", "13857100001", address="浙江省杭州市西湖区文三路90号"),
                          items=[services.ItemInput(quantity=1, name="发夹")])
    job = run_import(*export("taobao", "csv"))
    assert (job.created_count, job.duplicate_count) == (2, 0)


def test_errors_kept_are_capped_but_counted(merchant_a, run_import):
    header = ["order_id", "recipient_name", "recipient_phone", "address", "item_name", "quantity"]
    rows = [[f"B{n}", "王小明", "12345", "浙江省杭州市西湖区文三路90号", "T恤", "1"] for n in range(OrderImport.MAX_ERRORS_KEPT + 20)]
    job = run_import(to_csv(header, rows), "bad.csv")
    assert (job.error_count, job.error_total, len(job.errors), job.hidden_errors) == (520, 520, 500, 20)
    assert job.errors[-1]["row"] == 501
    assert Order.objects.count() == 0


@pytest.mark.parametrize(("content", "filename", "code"), [
    (b"name,phone\nx,y\n", "random.csv", "layout_unknown"),
    (b"", "empty.csv", "file_unreadable"),
    (b"PK\x03\x04 not really a workbook", "orders.xlsx", "file_unreadable"),
])
def test_files_we_cannot_use_are_refused_before_anything_is_stored(content, filename, code, merchant_a):
    with pytest.raises(DomainError) as caught:
        services.order_import_start(merchant=merchant_a[0], content=content, filename=filename)
    assert (caught.value.code, caught.value.status) == (code, 422)
    assert OrderImport.objects.count() == 0


def test_chosen_layout_that_does_not_fit_names_the_missing_columns(merchant_a):
    content, filename = export("jd", "csv")
    with pytest.raises(DomainError) as caught:
        services.order_import_start(merchant=merchant_a[0], content=content, filename=filename, layout="pdd")
    assert caught.value.code == "columns_missing"
    assert caught.value.message == ("The file is not a Pinduoduo order export: it has no column 收货人, 手机, 省, 市, "
                                    "街道 / 详细地址, 商品数量(件), 商品 / 商家编码-SKU维度.")
    assert caught.value.message_zh == ("该文件不是拼多多订单导出文件：缺少列 收货人、手机、省、市、街道 / 详细地址、商品数量(件)、"
                                       "商品 / 商家编码-SKU维度。")


def test_a_job_is_processed_once(merchant_a, run_import):
    job = run_import(*export("taobao", "csv"))
    again = order_import_run(job.pk)
    assert (again.status, again.created_count) == ("done", 2)
    assert Order.objects.count() == 2


def test_an_unexpected_error_fails_the_job_and_says_so(merchant_a, run_import, monkeypatch):
    from parcelhub.orders.importing import run

    def boom(*args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(run, "_run_chunk", boom)
    job = run_import(*export("taobao", "csv"))
    assert (job.status, job.content, job.created_count) == ("failed", b"", 0)
    assert job.failure == "The import stopped on an unexpected error; the orders counted as created were saved."
    assert job.finished_at is not None


def test_an_import_racing_another_counts_the_others_orders_as_duplicates(merchant_a, run_import, monkeypatch):
    run_import(*export("taobao", "csv"))
    # The other import commits between our duplicate check and our insert: make the check miss its orders.
    real_filter = Order.objects.filter
    calls = []

    def stale_filter(*args, **kwargs):
        qs = real_filter(*args, **kwargs)
        if "external_id__in" in kwargs:
            calls.append(kwargs)
            return qs.none() if len(calls) == 1 else qs
        return qs

    monkeypatch.setattr(Order.objects, "filter", stale_filter)
    job = run_import(*export("taobao", "xlsx"))
    assert len(calls) == 2
    assert (job.status, job.created_count, job.duplicate_count, job.processed_rows) == ("done", 0, 2, 2)
    monkeypatch.undo()
    assert Order.objects.count() == 2
