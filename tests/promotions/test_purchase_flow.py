"""Real purchases through the price pipeline: a package label costs 0 and comes off the balance; a coupon is
used and earns points on what was charged; voiding gives all of it back. 1 kg 义乌 → 杭州: ZTO ¥8.00."""
# ruff: noqa: F811  (the shipping tests' fixtures are imported by name)

from __future__ import annotations

import datetime as dt

from parcelhub.billing.models import LedgerTransaction
from parcelhub.core import clock
from parcelhub.marketing.promotions.models import CouponGrant, PackageBalance, SpendOffCredit
from parcelhub.marketing.promotions.packages import package_buy, package_create
from parcelhub.marketing.promotions.points import points_balance
from parcelhub.marketing.promotions.services import coupon_create, coupon_grant
from parcelhub.marketing.promotions.spend_offs import spend_off_rule_create, spend_offs_settle_bulk
from parcelhub.shipping import bulk
from parcelhub.shipping.models import BulkPurchase
from tests.shipping.conftest import AD_HOC_BODY, api_a, balance, fund, funded, make_order, post, world  # noqa: F401

ZTO_COST_FEN = 350  # what the platform pays ZTO for the label (the small world's cost card)


def buy(client, **choice):
    return post(client, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest", **choice}})


def test_a_package_label_is_prepaid_and_given_back_on_void(api_a, funded):
    now = clock.now()
    package = package_create(name="浙江包", carrier_code="zto", service_code="standard", labels=2, price_fen=1000,
                             destination_provinces=["330000"], on_sale_from=now - dt.timedelta(days=1),
                             on_sale_until=now + dt.timedelta(days=1), use_until=now + dt.timedelta(days=30))
    bought = package_buy(merchant=funded, package=package)
    assert balance(funded) == 9000

    body = buy(api_a).json()

    assert body["total_fen"] == 0
    assert body["breakdown"][-1]["code"] == "package" and body["breakdown"][-1]["source_id"] == bought.public_id
    assert balance(funded) == 9000
    # Nothing leaves the wallet, but the carrier's cost is booked against the revenue the package brought in.
    charge = LedgerTransaction.objects.get(reference=body["id"])
    assert [(line["code"], line["amount_fen"]) for line in charge.lines] == [
        ("first_weight", 500), ("fuel_surcharge", 25), ("minimum_charge", 275), ("package", -800)]
    assert sorted((e.account.code, e.amount_fen) for e in charge.entries.all()) == [
        ("carrier_payable:zto", ZTO_COST_FEN), ("platform:revenue", -ZTO_COST_FEN)]
    bought.refresh_from_db()
    assert bought.labels_left == 1
    assert points_balance(funded) == 0

    assert post(api_a, f"/api/v1/shipments/{body['id']}/void").status_code == 200
    bought.refresh_from_db()
    assert bought.labels_left == 2 and PackageBalance.objects.get().uses.get().released_at is not None
    refund = LedgerTransaction.objects.get(reverses=charge)
    assert sorted((e.account.code, e.amount_fen) for e in refund.entries.all()) == [
        ("carrier_payable:zto", -ZTO_COST_FEN), ("platform:revenue", ZTO_COST_FEN)]
    assert balance(funded) == 9000


def test_a_coupon_is_used_points_earned_and_all_given_back(api_a, funded):
    now = clock.now()
    coupon = coupon_create(name="立减3元", amount_off_fen=300, valid_from=now - dt.timedelta(days=1),
                           valid_until=now + dt.timedelta(days=1))
    [grant] = coupon_grant(coupon=coupon, merchants=[funded], source="cmp_test")

    body = buy(api_a).json()

    assert body["total_fen"] == 500
    grant.refresh_from_db()
    assert (grant.state, grant.shipment_public_id, grant.discount_fen) == ("used", body["id"], 300)
    assert points_balance(funded) == 5
    assert balance(funded) == 9500

    post(api_a, f"/api/v1/shipments/{body['id']}/void")
    grant.refresh_from_db()
    assert grant.state == "unused" and points_balance(funded) == 0 and balance(funded) == 10_000
    assert CouponGrant.objects.get().coupon.used_count == 0


def test_a_bulk_purchase_reaching_a_bulk_rule_is_credited_once(world, merchant_a, django_capture_on_commit_callbacks):
    merchant = merchant_a[0]
    now = clock.now()
    spend_off_rule_create(name="批量满30减2", kind="bulk", threshold_fen=3_000, off_fen=200,
                          valid_from=now - dt.timedelta(days=1), valid_until=now + dt.timedelta(days=1))
    fund(merchant, 10_000)
    orders = [make_order(merchant, f"TB-{i}") for i in range(3)]       # ZTO ¥8 + ¥2 insurance each

    with django_capture_on_commit_callbacks(execute=True):
        started = bulk.bulk_purchase_start(merchant=merchant, order_ids=[o.public_id for o in orders],
                                           rule="cheapest")

    job = BulkPurchase.objects.get(pk=started.pk)
    assert (job.bought, job.charged_fen) == (3, 3000)
    credit = SpendOffCredit.objects.get()
    assert (credit.bulk_public_id, credit.spend_fen, credit.off_fen) == (job.public_id, 3000, 200)
    assert balance(merchant) == 10_000 - 3000 + 200
    assert spend_offs_settle_bulk(bulk=job).pk == credit.pk and balance(merchant) == 7200
