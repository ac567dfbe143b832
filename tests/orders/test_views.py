"""Console pages: the order list (filters, search, htmx, bulk selection, query count), detail, cancel, imports."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parcelhub.orders.models import Order, OrderImport
from parcelhub.orders.services import ItemInput, RecipientInput, order_cancel, order_create
from tests.orders.files import export


def make(merchant, external_id, *, source="taobao", name="王芳", phone="13857100001",
         address="浙江省杭州市西湖区文三路90号", items=2, day=None, test_mode=False) -> Order:
    order = order_create(merchant=merchant, source=source, external_id=external_id, test_mode=test_mode,
                         recipient=RecipientInput(name, phone, address=address),
                         items=[ItemInput(1, name=f"商品{n}", sku_code=f"{external_id}-{n}") for n in range(items)])
    if day:
        Order.objects.filter(pk=order.pk).update(created_at=timezone.make_aware(dt.datetime(2026, 11, day, 12)))
    return order


@pytest.fixture
def listed(merchant_a, merchant_b):
    a = merchant_a[0]
    orders = {
        "tb": make(a, "TB-1001", day=20),
        "jd": make(a, "JD-2002", source="jd", name="李强", phone="13900000002", address="北京市朝阳区建国路88号", day=21),
        "pdd": make(a, "PDD-3003", source="pdd", name="赵丽", address="江苏省苏州市姑苏区人民路1188号", day=22),
        "test": make(a, "TEST-1", test_mode=True, day=22),
        "b": make(merchant_b[0], "B-9009"),
    }
    order_cancel(order=orders["pdd"])
    return orders


def shown(response) -> list[str]:
    """External ids linked in the results table, in order."""
    return re.findall(r'/orders/ord_[0-9A-Z]+/">([^<]+)</a>', response.content.decode())


def test_list_shows_own_live_orders_newest_first(console_a, listed):
    response = console_a.get("/orders/")
    assert response.status_code == 200
    assert shown(response) == ["PDD-3003", "JD-2002", "TB-1001"]
    assert "<html" in response.content.decode()


@pytest.mark.parametrize(("query", "expected"), [
    ("status=pending", ["JD-2002", "TB-1001"]),
    ("source=jd", ["JD-2002"]),
    ("province=320000", ["PDD-3003"]),
    ("created_from=2026-11-21&created_to=2026-11-21", ["JD-2002"]),
    ("q=李强", ["JD-2002"]),
    ("q=13857100001", ["PDD-3003", "TB-1001"]),
    ("q=TB-1001-1", ["TB-1001"]),
    ("mode=test", ["TEST-1"]),
    ("status=lost&source=jd", ["JD-2002"]),  # a bad value is dropped, the rest still filters
])
def test_filters_and_search_work_without_javascript(query, expected, console_a, listed):
    response = console_a.get(f"/orders/?{query}")
    assert response.status_code == 200
    assert shown(response) == expected


def test_htmx_gets_only_the_results(console_a, listed):
    response = console_a.get("/orders/?source=jd", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and 'id="bulk-form"' in body
    assert shown(response) == ["JD-2002"]


def test_bulk_form_posts_pending_order_ids_and_the_filter(console_a, listed):
    body = console_a.get("/orders/?status=pending&q=王").content.decode()
    form = re.search(r'<form method="post" action="([^"]+)" id="bulk-form">(.*?)</form>', body, re.S)
    assert form[1] == "/shipments/bulk/"
    inner = form[2]
    assert re.findall(r'name="order" value="([^"]+)"', inner) == [listed["tb"].public_id]
    assert re.findall(r'name="(filter_[a-z_]+)" value="([^"]*)"', inner) == [
        ("filter_mode", "live"), ("filter_q", "王"), ("filter_status", "pending")]
    assert 'name="all_matching" value="1"' in inner
    assert re.search(r'<button type="submit" class="primary">Compare and buy labels</button>', inner)
    assert "csrfmiddlewaretoken" in inner


def test_cancelled_and_shipped_orders_have_no_checkbox(console_a, listed):
    body = console_a.get("/orders/").content.decode()
    assert listed["pdd"].public_id not in re.findall(r'name="order" value="([^"]+)"', body)


def test_list_pages(console_a, merchant_a):
    for n in range(53):
        make(merchant_a[0], f"P{n:03d}", items=1)
    first = console_a.get("/orders/?source=taobao")
    assert len(shown(first)) == 50
    second = console_a.get("/orders/?source=taobao&page=2")
    assert shown(second) == ["P002", "P001", "P000"]
    assert 'href="?mode=live&amp;source=taobao&amp;page=1"' in second.content.decode()


def test_list_query_count_does_not_grow_with_orders(console_a, merchant_a):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert console_a.get("/orders/").status_code == 200
        return len(captured)

    for n in range(3):
        make(merchant_a[0], f"S{n}", items=2)
    few = queries()
    for n in range(30):
        make(merchant_a[0], f"M{n}", items=3)
    # session, user, merchant, count, provinces, orders (regions joined), items (prefetched)
    assert (few, queries()) == (7, 7)


def test_detail_shows_the_order_and_other_merchants_get_404(console_a, console_b, listed):
    order = listed["jd"]
    response = console_a.get(f"/orders/{order.public_id}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "李强" in body and "北京市 朝阳区" in body and "建国路88号" in body and "JD-2002-1" in body
    assert f'<input type="hidden" name="order" value="{order.public_id}">' in body
    assert console_b.get(f"/orders/{order.public_id}/").status_code == 404


def test_cancel_from_the_console(console_a, console_b, listed):
    order = listed["tb"]
    assert console_b.post(f"/orders/{order.public_id}/cancel/").status_code == 404
    order.refresh_from_db()
    assert order.status == "pending"
    response = console_a.post(f"/orders/{order.public_id}/cancel/", follow=True)
    assert "Order TB-1001 was cancelled." in response.content.decode()
    order.refresh_from_db()
    assert order.status == "cancelled"
    again = console_a.post(f"/orders/{order.public_id}/cancel/", follow=True)
    assert "Only a pending order can be cancelled" in again.content.decode()


def test_pages_need_a_merchant_user(client, operator_factory, listed):
    assert client.get("/orders/").status_code == 302
    client.force_login(operator_factory())
    assert client.get("/orders/").status_code == 403
    assert client.get("/orders/import/").status_code == 403


def test_import_upload_then_progress_page(console_a, merchant_a, django_capture_on_commit_callbacks):
    content, filename = export("jd", "csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = console_a.post("/orders/import/", {"file": SimpleUploadedFile(filename, content), "layout": ""})
    job = OrderImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/import/{job.public_id}/"
    page = console_a.get(response["Location"]).content.decode()
    assert '<progress id="import-progress" value="3" max="3"' in page
    assert 'id="count-created">2<' in page and 'id="count-duplicates">0<' in page and 'id="count-refused">0<' in page
    assert "hx-trigger" not in page   # finished: no more polling
    assert Order.objects.filter(merchant=merchant_a[0]).count() == 2


def test_progress_polls_every_second_while_running(console_a, merchant_a, console_b):
    job = OrderImport.objects.create(merchant=merchant_a[0], file_name="big.csv", layout="taobao",
                                     status=OrderImport.Status.RUNNING, total_rows=2000, processed_rows=500)
    fragment = console_a.get(f"/orders/import/{job.public_id}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert f'hx-get="/orders/import/{job.public_id}/" hx-trigger="every 1s" hx-swap="outerHTML"' in fragment
    assert '<progress id="import-progress" value="500" max="2000"' in fragment
    assert console_b.get(f"/orders/import/{job.public_id}/").status_code == 404


def test_finished_import_lists_the_problems_in_the_users_language(console_a, merchant_a):
    job = OrderImport.objects.create(
        merchant=merchant_a[0], file_name="tb.csv", layout="taobao", status=OrderImport.Status.DONE, total_rows=3,
        processed_rows=3, created_count=1, duplicate_count=1, error_count=1, error_total=1,
        errors=[{"row": 3, "column": "联系手机", "message": "The phone number is missing.", "message_zh": "缺少手机号。"}])
    english = console_a.get(f"/orders/import/{job.public_id}/").content.decode()
    assert re.search(r'<td class="num">3</td><td><code>联系手机</code></td><td>The phone number is missing.</td>', english)
    chinese = console_a.get(f"/orders/import/{job.public_id}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<td>缺少手机号。</td>" in chinese


def test_import_of_an_unknown_file_says_why(console_a):
    response = console_a.post("/orders/import/", {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n"), "layout": ""})
    assert response.status_code == 422
    assert "does not match our template" in response.content.decode()
    assert OrderImport.objects.count() == 0


def test_import_page_lists_recent_imports_and_layouts(console_a, merchant_a, merchant_b):
    OrderImport.objects.create(merchant=merchant_a[0], file_name="mine.csv", layout="pdd")
    OrderImport.objects.create(merchant=merchant_b[0], file_name="theirs.csv", layout="pdd")
    body = console_a.get("/orders/import/").content.decode()
    assert "mine.csv" in body and "theirs.csv" not in body
    for header in ("收货人姓名", "客户地址", "商品数量(件)", "收件人手机号", "recipient_phone"):
        assert header in body


def test_template_download(console_a):
    response = console_a.get("/orders/import/template/?format=xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="parcelhub-orders-template.xlsx"'
    assert console_a.get("/orders/import/template/?format=pdf").status_code == 400
