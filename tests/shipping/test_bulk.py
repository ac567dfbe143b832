from __future__ import annotations

import pypdfium2
import pytest

from parcelhub.billing.models import LedgerTransaction
from parcelhub.carriers.sandbox_models import SandboxWaybill
from parcelhub.shipping import bulk
from parcelhub.shipping.models import BulkPurchase, Shipment
from tests.shipping.conftest import balance, fund, make_order

pytestmark = pytest.mark.django_db

LHASA = "西藏自治区拉萨市城关区北京中路1号"  # no lane on the small world's cards: nothing can take it


@pytest.fixture
def orders(world, merchant_a):
    merchant = merchant_a[0]
    return [make_order(merchant, f"TB-{i}") for i in range(4)] + [make_order(merchant, "TB-TIBET", address=LHASA)]


def test_preview_prices_every_rule(world, merchant_a, orders):
    preview = bulk.bulk_preview(merchant=merchant_a[0], order_ids=[o.public_id for o in orders])
    assert preview.orders == 5
    summary = {s.rule: (s.buyable, s.total_fen, dict(s.by_service)) for s in preview.rules}
    # Each order declares its ¥25 of goods, so insurance minimums apply: ZTO ¥8 + ¥2, SF ¥12 + ¥1.
    assert summary == {"cheapest": (4, 4000, {"中通标快": 4}),
                       "fastest": (4, 5200, {"顺丰标快": 4}),
                       "recommended": (4, 4000, {"中通标快": 4})}
    assert preview.unquotable == [{"order": orders[4].public_id, "reason": "no_eligible_service"}]


def test_bulk_buys_what_it_can_and_lists_failures_uncharged(world, merchant_a, orders,
                                                           django_capture_on_commit_callbacks):
    merchant = merchant_a[0]
    fund(merchant, 2_000)  # exactly two ¥10 ZTO labels
    with django_capture_on_commit_callbacks(execute=True):
        started = bulk.bulk_purchase_start(merchant=merchant, order_ids=[o.public_id for o in orders],
                                           rule="cheapest")
    job = BulkPurchase.objects.get(pk=started.pk)
    assert (job.status, job.total, job.processed, job.bought, job.failed, job.charged_fen) == (
        "done", 5, 5, 2, 3, 2000)
    assert [(f["order"], f["code"]) for f in job.failures] == [
        (orders[2].public_id, "insufficient_funds"), (orders[3].public_id, "insufficient_funds"),
        (orders[4].public_id, "no_eligible_service")]
    assert balance(merchant) == 0
    assert Shipment.objects.count() == 2  # refused drafts leave nothing behind
    assert SandboxWaybill.objects.count() == 2
    assert LedgerTransaction.objects.filter(kind="charge").count() == 2
    assert [o.status for o in type(orders[0]).objects.order_by("id")] == [
        "shipped", "shipped", "pending", "pending", "pending"]


def test_bulk_pages_end_to_end(world, merchant_a, orders, console_a, django_capture_on_commit_callbacks):
    fund(merchant_a[0], 10_000)
    ids = [o.public_id for o in orders]
    page = console_a.post("/shipments/bulk/", {"order": ids})
    assert page.status_code == 200
    assert 'data-rule-total="cheapest">¥40.00' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = console_a.post("/shipments/bulk/buy", {"order": ids, "rule": "fastest"})
    assert response.status_code == 302
    job = BulkPurchase.objects.get()
    detail = console_a.get(response["Location"]).content.decode()
    assert "4 labels bought, 1 failed." in detail
    pdf = console_a.get(f"/shipments/bulk/{job.public_id}/labels.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert len(pypdfium2.PdfDocument(pdf.content)) == 4
    assert set(Shipment.objects.values_list("carrier_code", flat=True)) == {"sf"}


def test_select_all_matching_the_filter(world, merchant_a, orders, console_a):
    response = console_a.post("/shipments/bulk/", {"all_matching": "1", "filter_province": "650000"})
    assert "No orders" not in response.content.decode()
    preview = console_a.post("/shipments/bulk/", {"all_matching": "1", "filter_q": "TB-TIBET"})
    assert preview.status_code == 200
    assert "Buy labels for 1 order" in preview.content.decode()


def test_other_merchants_orders_are_ignored(world, merchant_a, merchant_b, orders,
                                            django_capture_on_commit_callbacks):
    merchant_b[0].origin_region_id = "330782"
    merchant_b[0].save()
    ids = [o.public_id for o in orders]
    assert bulk.bulk_preview(merchant=merchant_b[0], order_ids=ids).orders == 0
    fund(merchant_b[0], 10_000)
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.bulk_purchase_start(merchant=merchant_b[0], order_ids=ids, rule="cheapest")
    job.refresh_from_db()
    assert (job.bought, job.failed, {f["code"] for f in job.failures}) == (0, 5, {"order_not_pending"})
    assert Shipment.objects.count() == 0
    assert balance(merchant_b[0]) == 10_000


def test_bulk_job_of_a_is_404_for_b(world, merchant_a, orders, console_b):
    job = BulkPurchase.objects.create(merchant=merchant_a[0], rule="cheapest", order_ids=[], total=0)
    assert console_b.get(f"/shipments/bulk/{job.public_id}/").status_code == 404
    assert console_b.get(f"/shipments/bulk/{job.public_id}/labels.pdf").status_code == 404


def test_too_many_orders_refused(world, merchant_a):
    with pytest.raises(Exception) as excinfo:
        bulk.bulk_purchase_start(merchant=merchant_a[0], order_ids=[f"ord_{i}" for i in range(5001)], rule="cheapest")
    assert excinfo.value.code == "too_many_orders"
    assert BulkPurchase.objects.count() == 0
