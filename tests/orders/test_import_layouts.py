"""Each marketplace's export, as CSV and as XLSX, becomes exactly these orders and items."""

from __future__ import annotations

import pytest

from parcelhub.orders.models import OrderImport
from tests.orders.conftest import all_orders
from tests.orders.files import export

TAOBAO_ORDERS = [
    ("taobao", "3389012345678901234", "pending", "王芳", "13857100001", "330106", "330000", "330100", "330106",
     "文三路90号东部软件园1号楼", 5980, 360, False, 18, 12, 10,
     [("YW-HAIRCLIP-12", "YW-HAIRCLIP-12", "韩版抓夹发夹 12只装", 2, 990)]),
    ("taobao", "3389012345678905678", "pending", "李强", "010-65661234", "110105", "110000", "110100", "110105",
     "建国路88号SOHO现代城2号楼1501", 12800, 1000, True, None, None, None,
     [("", None, "晴雨两用折叠伞", 1, 0)]),
]

JD_ORDERS = [
    ("jd", "281234567890", "pending", "张伟", "13760000003", "440305", "440000", "440300", "440305",
     "粤海街道科技南十二路2号金蝶软件园A座", 42800, 370, False, 12, 10, 10,
     [("SZ-EARBUDS-PRO", "SZ-EARBUDS-PRO", "降噪蓝牙耳机 Pro", 1, 29900),
      ("SZ-CHARGER-65W", "SZ-CHARGER-65W", "65W 氮化镓快充充电器", 1, 12900)]),
    # Without 货号 the JD product id stands in as the SKU code.
    ("jd", "281234567891", "pending", "刘洋", "18980001234", "510107", "510000", "510100", "510107",
     "人民南路四段12号华西坝小区3栋2单元501", 11700, 1000, True, None, None, None,
     [("100012345680", None, "USB-C 编织快充线 2米", 3, 3900)]),
]

PDD_ORDERS = [
    ("pdd", "261121-123456789012345", "pending", "赵丽", "15205238663", "320508", "320000", "320500", "320508",
     "人民路1188号三元坊小区5幢302室", 2980, 520, False, 22, 15, 8,
     [("YW-SOCK-5P", "YW-SOCK-5P", "纯棉中筒袜 5双装（白色 均码）", 2, 1590)]),
    ("pdd", "261121-223456789012345", "pending", "孙浩然", "13834169403", "140105", "140000", "140100", "140105",
     "长风街208号3号楼1508室", 590, 1000, True, None, None, None,
     [("", None, "桌面手机支架 折叠款（黑色）", 1, 690)]),
]

DOUYIN_ORDERS = [
    ("douyin", "6921234567890123456", "pending", "陈思远", "18666059439", "420111", "420000", "420100", "420111",
     "珞南街道珞喻路1037号华中科技大学东区12栋", 22700, 1090, False, 35, 28, 11,
     [("GZ-TEE-WHT-M", "GZ-TEE-WHT-M", "纯棉圆领T恤（白色 M）", 2, 5900),
      ("GZ-JEANS-29", "GZ-JEANS-29", "高腰直筒牛仔裤（29码）", 1, 12900)]),
    ("douyin", "6929876543210987654", "pending", "周雨婷", "13693951180", "500112", "500000", "500100", "500112",
     "龙溪街道金开大道68号龙湖紫都城8栋2单元1201", 14900, 1000, True, None, None, None,
     [("", None, "法式碎花连衣裙（S）", 1, 15900)]),
]

EXPECTED = {"taobao": (TAOBAO_ORDERS, 2), "jd": (JD_ORDERS, 3), "pdd": (PDD_ORDERS, 2),
            "douyin": (DOUYIN_ORDERS, 3)}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("layout", ["taobao", "jd", "pdd", "douyin"])
def test_marketplace_export_becomes_exact_orders(layout, fmt, merchant_a, skus_a, run_import):
    content, filename = export(layout, fmt)
    job = run_import(content, filename)
    orders, rows = EXPECTED[layout]
    assert (job.status, job.layout, job.total_rows, job.processed_rows) == ("done", layout, rows, rows)
    assert (job.created_count, job.duplicate_count, job.error_count, job.errors) == (2, 0, 0, [])
    assert job.content == b""  # the upload is not kept once imported
    assert all_orders(merchant_a[0]) == orders


@pytest.mark.parametrize("layout", ["taobao", "jd", "pdd", "douyin"])
def test_layout_can_be_chosen_instead_of_detected(layout, merchant_a, skus_a, run_import):
    content, filename = export(layout, "csv")
    job = run_import(content, filename, layout=layout)
    assert (job.layout, job.created_count) == (layout, 2)
    assert all_orders(merchant_a[0]) == EXPECTED[layout][0]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_our_template_as_downloaded_imports_its_examples(fmt, language, console_a, merchant_a, run_import):
    response = console_a.get(f"/orders/import/template/?format={fmt}", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    if fmt == "csv":
        first = response.content.decode("utf-8-sig").split(",")[0]
        assert first == ("外部订单号" if language == "zh-hans" else "order_id")
    job = run_import(response.content, f"template.{fmt}")
    assert (job.status, job.layout, job.total_rows, job.created_count, job.error_count) == ("done", "generic", 3, 2, 0)
    assert all_orders(merchant_a[0]) == [
        ("generic", "DEMO-1001", "pending", "王小明", "13800138000", "330106", "330000", "330100", "330106",
         "文三路90号东部软件园1号楼301", 7980, 600, False, 30, 25, 6,
         [("TS-WHITE-L", None, "纯棉T恤 白色 L", 2, 3990), ("SOCK-5P", None, "运动袜 5双装", 1, 1990)]),
        ("generic", "DEMO-1002", "pending", "李娜", "13912345678", "440305", "440000", "440300", "440305",
         "粤海街道科技南十二路2号金蝶软件园A座", 2500, 1000, True, None, None, None,
         [("", None, "手机壳", 1, 2500)]),
    ]


def test_template_rows_without_order_id_are_one_order_each(merchant_a, run_import):
    from tests.orders.files import to_csv

    header = ["recipient_name", "recipient_phone", "address", "item_name", "quantity"]
    rows = [["王小明", "13800138000", "浙江省杭州市西湖区文三路90号", "T恤", "1"],
            ["王小明", "13800138000", "浙江省杭州市西湖区文三路90号", "T恤", "1"]]
    job = run_import(to_csv(header, rows), "plain.csv")
    assert (job.created_count, job.duplicate_count) == (2, 0)
    assert [o[1] for o in all_orders(merchant_a[0])] == ["", ""]


def test_import_runs_in_chunks_and_counts_progress_to_the_total(merchant_a, run_import, monkeypatch):
    from parcelhub.orders.importing import run
    from tests.orders.files import to_csv

    seen = []
    original = run._run_chunk

    def spy(job, *args):
        seen.append(OrderImport.objects.get(pk=job.pk).processed_rows)
        return original(job, *args)

    monkeypatch.setattr(run, "CHUNK_ROWS", 4)
    monkeypatch.setattr(run, "_run_chunk", spy)
    header = ["order_id", "recipient_name", "recipient_phone", "address", "item_name", "quantity"]
    rows = [[f"A{n // 2}", "王小明", "13800138000", "浙江省杭州市西湖区文三路90号", f"商品{n}", "1"] for n in range(11)]
    job = run_import(to_csv(header, rows), "big.csv")
    # Chunks end on order boundaries: rows of one order never straddle two transactions.
    assert seen == [0, 4, 8]
    assert (job.status, job.total_rows, job.processed_rows, job.created_count) == ("done", 11, 11, 6)
    assert [len(o[-1]) for o in all_orders(merchant_a[0])] == [2, 2, 2, 2, 2, 1]
