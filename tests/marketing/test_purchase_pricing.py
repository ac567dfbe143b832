"""Purchases charge the merchant's price: tier discount, coupon, guardrail cap — each a line on the shipment and
on the ledger; a void gives everything back. The hand-priced world of tests/rating/world.py:
1 kg 义乌 → 杭州, ZTO list ¥8.00 (500 + 25 fuel + 275 minimum top-up), cost ¥3.50; SF list ¥12.00, cost ¥10.00."""
# ruff: noqa: F811  (the shipping tests' fixtures are imported by name)

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.billing.models import LedgerTransaction, TransactionKind
from parcelhub.core import clock
from parcelhub.marketing.models import GuardrailEvent, MarginRule, MerchantTier, Tier, TierOverride
from parcelhub.marketing.promotions.models import CouponGrant
from parcelhub.marketing.promotions.services import coupon_create, coupon_grant
from parcelhub.marketing.selectors import margin_report
from parcelhub.shipping.models import Shipment
from tests.shipping.conftest import AD_HOC_BODY, api_a, api_b, balance, funded, post, world  # noqa: F401

CARD_LINES = [{"code": "first_weight", "amount_fen": 500}, {"code": "fuel_surcharge", "amount_fen": 25},
              {"code": "minimum_charge", "amount_fen": 275}]


def on_tier(merchant, code: str) -> None:
    MerchantTier.objects.create(merchant=merchant, tier=Tier.objects.get(code=code), since=dt.date(2026, 1, 1),
                                reason="upgrade")


def buy(client, **buy):
    return post(client, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest", **buy}})


def charge_of(public_id: str) -> LedgerTransaction:
    return LedgerTransaction.objects.get(kind=TransactionKind.CHARGE, reference=public_id)


def test_a_merchant_without_tier_history_pays_the_list_price(api_a, funded):
    body = buy(api_a).json()
    assert (body["total_fen"], body["breakdown"]) == (800, CARD_LINES)
    assert charge_of(body["id"]).lines == CARD_LINES


def test_gold_tier_discount_is_charged_and_itemised(api_a, funded):
    on_tier(funded, "gold")                                            # 6 %: 800 → 752
    body = buy(api_a).json()
    line = {"code": "tier_discount", "amount_fen": -48, "label": "Gold member discount", "source_id": "gold"}
    assert (body["service"], body["total_fen"], body["breakdown"]) == ("standard", 752, CARD_LINES + [line])
    assert charge_of(body["id"]).lines == CARD_LINES + [line]
    assert balance(funded) == 10_000 - 752
    shipment = Shipment.objects.get(public_id=body["id"])
    assert shipment.breakdown == CARD_LINES + [line]


def test_a_carrier_override_changes_the_discount(api_a, funded):
    on_tier(funded, "gold")
    TierOverride.objects.create(tier=Tier.objects.get(code="gold"), carrier_code="zto", discount_bp=1000)
    body = buy(api_a).json()
    assert (body["total_fen"], body["breakdown"][-1]["amount_fen"]) == (720, -80)


def test_guardrail_caps_the_discount_and_the_report_shows_it(api_a, funded):
    on_tier(funded, "platinum")                                        # 10 %: 800 → 720
    MarginRule.objects.create(carrier_code="zto", service_code="standard", min_margin_fen=420)  # floor 770
    body = buy(api_a).json()
    assert body["total_fen"] == 770
    assert body["breakdown"][-2:] == [
        {"code": "tier_discount", "amount_fen": -80, "label": "Platinum member discount", "source_id": "platinum"},
        {"code": "guardrail_cap", "amount_fen": 50, "label": "Minimum-margin adjustment"}]
    event = GuardrailEvent.objects.get()
    assert (event.kind, event.amount_fen, event.list_fen, event.floor_fen, event.final_fen, event.shipment_public_id) \
        == ("capped", 50, 800, 770, 770, body["id"])
    today = clock.today()
    report = margin_report(first=today, last=today)
    assert [(r["carrier_code"], r["capped"], r["capped_fen"], r["subsidised"]) for r in report["per_service"]] == [
        ("zto", 1, 50, 0)]
    # The void takes it out of the report.
    post(api_a, f"/api/v1/shipments/{body['id']}/void")
    assert margin_report(first=today, last=today)["per_service"] == []


@pytest.fixture
def coupon_for(funded):
    def make(**fields):
        now = clock.now()
        coupon = coupon_create(name=fields.pop("name", "双11红包"), valid_from=now - dt.timedelta(days=1),
                               valid_until=now + dt.timedelta(days=30), **fields)
        return coupon_grant(coupon=coupon, merchants=[funded])[0]
    return make


def test_a_coupon_after_the_tier_then_void_gives_everything_back(api_a, funded, coupon_for):
    on_tier(funded, "silver")                                          # 3 %: 800 → 776
    grant = coupon_for(amount_off_fen=200)                             # → 576, floor 368
    body = buy(api_a).json()
    assert body["total_fen"] == 576
    assert [(line["code"], line["amount_fen"], line.get("source_id")) for line in body["breakdown"][3:]] == [
        ("tier_discount", -24, "silver"), ("coupon", -200, grant.public_id)]
    assert charge_of(body["id"]).lines[-1] == {"code": "coupon", "amount_fen": -200,
                                               "label": "Coupon: 双11红包", "source_id": grant.public_id}
    grant.refresh_from_db()
    assert (grant.state, grant.shipment_public_id, grant.discount_fen) == ("used", body["id"], 200)
    assert balance(funded) == 10_000 - 576
    response = post(api_a, f"/api/v1/shipments/{body['id']}/void")
    assert response.status_code == 200
    grant.refresh_from_db()
    assert (grant.state, grant.shipment_public_id) == ("unused", "")
    assert balance(funded) == 10_000
    refund = LedgerTransaction.objects.get(kind=TransactionKind.REFUND, reference=body["id"])
    assert [line["amount_fen"] for line in refund.lines] == [-500, -25, -275, 24, 200]
    # The refund names the coupon it gives back, like the charge did.
    assert refund.lines[-1] == {"code": "coupon", "amount_fen": 200, "label": "Coupon: 双11红包",
                                "source_id": grant.public_id}


def test_the_merchant_may_choose_no_coupon_or_a_named_one(api_a, funded, coupon_for):
    small = coupon_for(name="小红包", amount_off_fen=100)
    big = coupon_for(name="大红包", amount_off_fen=300)
    body = buy(api_a, coupon="none").json()
    assert body["total_fen"] == 800
    body = buy(api_a, coupon=small.public_id).json()
    assert (body["total_fen"], body["breakdown"][-1]["source_id"]) == (700, small.public_id)
    body = buy(api_a).json()                                           # the best one left
    assert (body["total_fen"], body["breakdown"][-1]["source_id"]) == (500, big.public_id)


def test_a_coupon_partly_taken_back_by_the_guardrail_costs_only_what_it_took_off(api_a, funded, coupon_for):
    grant = coupon_for(amount_off_fen=300)
    MarginRule.objects.create(carrier_code="zto", service_code="standard", min_margin_fen=250)  # 350 + 250
    body = buy(api_a).json()
    assert body["total_fen"] == 600                                    # 800 − 300 = 500, capped back to 600
    grant.refresh_from_db()
    assert (grant.state, grant.discount_fen) == ("used", 200)


def test_a_chosen_coupon_that_cannot_be_used_is_refused_and_nothing_changes(api_a, funded, coupon_for):
    grant = coupon_for(amount_off_fen=100, min_spend_fen=5000)
    response = buy(api_a, coupon=grant.public_id)
    assert (response.status_code, response.json()["error"]["code"]) == (422, "coupon_not_applicable")
    assert Shipment.objects.count() == 0 and balance(funded) == 10_000
    assert CouponGrant.objects.get(pk=grant.pk).state == "unused"


def test_another_merchants_coupon_cannot_be_chosen(api_b, funded, merchant_b, coupon_for):
    from tests.shipping.conftest import fund

    grant = coupon_for(amount_off_fen=100)                              # A's coupon
    merchant_b[0].origin_region_id = "330782"
    merchant_b[0].save()
    fund(merchant_b[0], 5000)
    response = buy(api_b, coupon=grant.public_id)
    assert (response.status_code, response.json()["error"]["code"]) == (422, "coupon_not_applicable")
    assert CouponGrant.objects.get(pk=grant.pk).state == "unused" and balance(merchant_b[0]) == 5000


def test_a_funded_coupon_below_the_floor_is_subsidised(api_a, funded, coupon_for):
    grant = coupon_for(amount_off_fen=700, budget_fen=300)             # 800 − 700 = 100; floor 368
    body = buy(api_a).json()
    # 268 below the floor: the budget pays 268, so nothing is capped.
    assert body["total_fen"] == 100
    event = GuardrailEvent.objects.get()
    assert (event.kind, event.amount_fen, event.promotion_id) == ("subsidised", 268, grant.public_id)
    grant.refresh_from_db()
    assert grant.subsidy_fen == 268


def test_upgrade_is_checked_after_the_purchase_commits(api_a, funded, django_capture_on_commit_callbacks):
    from parcelhub.insights.models import MerchantDay

    if clock.today().day == 1:
        pytest.skip("on the 1st the month so far is only today")
    MerchantDay.objects.create(merchant=funded, day=clock.today().replace(day=1), shipments=499)
    with django_capture_on_commit_callbacks(execute=True):
        assert buy(api_a).status_code == 201                           # the 500th label this month
    assert MerchantTier.objects.get(merchant=funded).tier.code == "silver"


def test_a_package_label_takes_nothing_from_the_wallet_and_a_void_gives_the_label_back(api_a, funded):
    from parcelhub.marketing.promotions.models import PackageBalance
    from parcelhub.marketing.promotions.packages import package_buy, package_create

    on_tier(funded, "gold")                                            # a package ignores the tier
    now = clock.now()
    package = package_create(name="双11 中通 10 单", carrier_code="zto", service_code="standard", labels=10,
                             price_fen=5000, on_sale_from=now - dt.timedelta(days=1),
                             on_sale_until=now + dt.timedelta(days=5), use_until=now + dt.timedelta(days=30))
    balance_row = package_buy(merchant=funded, package=package)
    paid = balance(funded)
    body = buy(api_a, service="zto.standard").json()
    assert body["total_fen"] == 0
    assert body["breakdown"][3:] == [{"code": "package", "amount_fen": -800,
                                      "label": "Package: 双11 中通 10 单 (10 labels left)",
                                      "source_id": balance_row.public_id}]
    assert balance(funded) == paid                                     # nothing taken from the wallet
    # A ¥0.00 charge whose lines net to zero: the label is on the statement with the package that paid for it.
    charge = LedgerTransaction.objects.get(kind=TransactionKind.CHARGE, reference=body["id"])
    assert sum(line["amount_fen"] for line in charge.lines) == 0 and charge.lines[-1]["code"] == "package"
    assert PackageBalance.objects.get(pk=balance_row.pk).labels_used == 1
    assert post(api_a, f"/api/v1/shipments/{body['id']}/void").status_code == 200
    assert PackageBalance.objects.get(pk=balance_row.pk).labels_used == 0
    assert LedgerTransaction.objects.filter(kind=TransactionKind.REFUND, reverses=charge).count() == 1
    assert balance(funded) == paid
