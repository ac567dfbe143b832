"""Bonus credit (充值赠送): rules applied once on a confirmed recharge, charges split cash then bonus, refunds
give bonus back as bonus, never as cash."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.billing import services
from parcelhub.billing.models import LedgerTransaction
from parcelhub.billing.selectors import wallet_for
from parcelhub.core.models import AuditLog
from parcelhub.plans.models import Plan, PlanInvoice, RechargeBonusGrant, RechargeBonusRule
from parcelhub.plans.selectors import current_plan
from tests.billing.conftest import SHANGHAI, assert_ledger_consistent, fund
from tests.plans.conftest import assert_bonus_consistent

pytestmark = pytest.mark.django_db


def rules():
    RechargeBonusRule.objects.create(name="充500送20", min_recharge_fen=50_000, bonus_fen=2_000)
    RechargeBonusRule.objects.create(name="充1000送60", min_recharge_fen=100_000, bonus_fen=6_000)


def bonus_entries(txn: LedgerTransaction) -> list[tuple[str, int]]:
    return sorted((e.account.code.split(":")[0], e.amount_fen) for e in txn.entries.select_related("account"))


def test_the_highest_tier_reached_applies_once(mch_a):
    rules()
    recharge = fund(mch_a, 120_000)
    wallet = wallet_for(mch_a)
    assert (wallet.balance_fen, wallet.bonus_fen, wallet.available_fen) == (120_000, 6_000, 126_000)
    grant = RechargeBonusGrant.objects.get()
    assert (grant.recharge, grant.rule.name, grant.bonus_fen) == (recharge, "充1000送60", 6_000)
    txn = LedgerTransaction.objects.get(kind="bonus")
    assert bonus_entries(txn) == [("bonus", 6_000), ("platform", -6_000)]
    assert (txn.reference, txn.lines) == (recharge.public_id, [{"code": "recharge_bonus", "amount_fen": 6_000}])
    # The provider repeats its notification: no second bonus.
    services.recharge_confirm(provider_txn_id=recharge.provider_txn_id, recharge_public_id=recharge.public_id,
                              amount_fen=120_000)
    assert (RechargeBonusGrant.objects.count(), wallet_for(mch_a).bonus_fen) == (1, 6_000)
    assert AuditLog.objects.filter(action="recharge.bonus").count() == 1
    assert_ledger_consistent()
    assert_bonus_consistent()


def test_below_the_minimum_or_outside_the_window_earns_nothing(mch_a, clock_at):
    clock_at(2026, 11, 23, 10, 0)
    rules()
    RechargeBonusRule.objects.create(name="双11", min_recharge_fen=1_000, bonus_fen=99_999,
                                     starts_at=dt.datetime(2026, 11, 1, tzinfo=SHANGHAI),
                                     ends_at=dt.datetime(2026, 11, 12, tzinfo=SHANGHAI))
    RechargeBonusRule.objects.create(name="停用", min_recharge_fen=1_000, bonus_fen=88_888, is_active=False)
    fund(mch_a, 49_999)
    assert (wallet_for(mch_a).bonus_fen, RechargeBonusGrant.objects.count()) == (0, 0)
    assert not LedgerTransaction.objects.filter(kind="bonus").exists()


def test_a_charge_spends_cash_first_then_bonus_and_a_refund_returns_bonus_as_bonus(mch_a):
    rules()
    fund(mch_a, 50_000)                                   # cash 50 000, bonus 2 000
    services.wallet_charge(merchant=mch_a, amount_fen=49_000, cost_fen=40_000, carrier_code="zto",
                           reference="shp_cash", lines=[("first_weight", 49_000)])
    txn = services.wallet_charge(merchant=mch_a, amount_fen=1_500, cost_fen=1_200, carrier_code="zto",
                                 reference="shp_split", lines=[("first_weight", 1_500)])
    wallet = wallet_for(mch_a)
    assert (wallet.balance_fen, wallet.bonus_fen) == (0, 1_500)   # 1 000 cash, then 500 bonus
    assert bonus_entries(txn) == [("bonus", -500), ("carrier_payable", 1_200), ("platform", 300), ("wallet", -1_000)]
    assert AuditLog.objects.get(action="wallet.charge", data__reference="shp_split").data["bonus_fen"] == 500
    refund = services.wallet_refund(reference="shp_split", reason="void")
    wallet = wallet_for(mch_a)
    assert (wallet.balance_fen, wallet.bonus_fen) == (1_000, 2_000)
    assert bonus_entries(refund) == [("bonus", 500), ("carrier_payable", -1_200), ("platform", -300),
                                     ("wallet", 1_000)]
    assert_ledger_consistent()
    assert_bonus_consistent()


def test_bonus_comes_before_the_credit_line_and_short_funds_change_nothing(mch_a):
    rules()
    fund(mch_a, 50_000)
    services.wallet_set_credit_limit(merchant=mch_a, credit_limit_fen=10_000, actor=None)
    txn = services.wallet_charge(merchant=mch_a, amount_fen=55_000, cost_fen=50_000, carrier_code="sf",
                                 reference="shp_big")
    wallet = wallet_for(mch_a)
    assert (wallet.balance_fen, wallet.bonus_fen) == (-3_000, 0)   # 50 000 cash + 2 000 bonus + 3 000 credit
    assert bonus_entries(txn)[0] == ("bonus", -2_000)
    with pytest.raises(services.InsufficientFunds) as raised:
        services.wallet_charge(merchant=mch_a, amount_fen=7_001, cost_fen=1, carrier_code="sf", reference="shp_no")
    assert raised.value.status == 402
    assert (wallet_for(mch_a).balance_fen, wallet_for(mch_a).bonus_fen) == (-3_000, 0)
    assert not LedgerTransaction.objects.filter(reference="shp_no").exists()


def test_an_operator_debit_never_takes_bonus_credit(mch_a, operator_factory):
    rules()
    fund(mch_a, 50_000)
    with pytest.raises(services.InsufficientFunds):
        services.wallet_adjust(merchant=mch_a, amount_fen=-50_001, reason="payout", actor=operator_factory())
    wallet = wallet_for(mch_a)
    assert (wallet.balance_fen, wallet.bonus_fen) == (50_000, 2_000)


def test_a_plan_rule_gives_months_of_the_plan(mch_a, clock_at):
    clock_at(2026, 11, 23, 9, 0)
    pro = Plan.objects.get(code="pro")
    RechargeBonusRule.objects.create(name="充邮费送软件", min_recharge_fen=300_000, kind="plan", plan=pro, months=3)
    recharge = fund(mch_a, 300_000)
    status = current_plan(mch_a)
    assert (status.code, status.status, status.period_end) == ("pro", "active", dt.date(2027, 2, 22))
    invoice = PlanInvoice.objects.get()
    assert (invoice.kind, invoice.amount_fen, invoice.reference) == ("grant", 0, f"{recharge.public_id}:bonus")
    grant = RechargeBonusGrant.objects.get()
    assert (grant.plan, grant.months, grant.bonus_fen) == (pro, 3, 0)
    assert wallet_for(mch_a).balance_fen == 300_000


def test_a_plan_rule_for_a_merchant_on_a_higher_plan_becomes_bonus_credit(mch_a, clock_at):
    from parcelhub.plans.services import subscription_change

    clock_at(2026, 11, 23, 9, 0)
    fund(mch_a, 49_900)
    subscription_change(merchant=mch_a, plan_code="enterprise", billing_cycle="monthly")
    RechargeBonusRule.objects.create(name="充邮费送软件", min_recharge_fen=300_000, kind="plan",
                                     plan=Plan.objects.get(code="pro"), months=3)
    fund(mch_a, 300_000)
    assert current_plan(mch_a).code == "enterprise"
    assert (wallet_for(mch_a).balance_fen, wallet_for(mch_a).bonus_fen) == (300_000, 29_700)   # 3 × ¥99
    assert RechargeBonusGrant.objects.get().bonus_fen == 29_700
    assert_ledger_consistent()
    assert_bonus_consistent()


def test_bonus_credit_given_by_a_campaign_once_per_reference(mch_a):
    from parcelhub.billing.bonus import bonus_credit_give

    first = bonus_credit_give(merchant=mch_a, amount_fen=1_000, reference="cmp_1:mch", reason="双11 活动赠送")
    again = bonus_credit_give(merchant=mch_a, amount_fen=1_000, reference="cmp_1:mch", reason="双11 活动赠送")
    assert first == again
    assert (wallet_for(mch_a).balance_fen, wallet_for(mch_a).bonus_fen) == (0, 1_000)
    assert AuditLog.objects.filter(action="wallet.bonus").count() == 1
    with pytest.raises(services.DomainError) as bad:
        bonus_credit_give(merchant=mch_a, amount_fen=0, reference="cmp_2", reason="x")
    assert bad.value.code == "invalid_amount"
    assert LedgerTransaction.objects.filter(kind="bonus").count() == 1
    assert_ledger_consistent()
    assert_bonus_consistent()
