"""Trials, plan changes with proration, insufficient funds, grants and auto-renew — the service layer."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.billing.models import LedgerTransaction
from parcelhub.billing.selectors import wallet_for
from parcelhub.billing.services import InsufficientFunds
from parcelhub.core.errors import DomainError
from parcelhub.core.models import AuditLog
from parcelhub.plans import selectors, services
from parcelhub.plans.models import PlanInvoice, Subscription
from tests.plans.conftest import assert_ledger_consistent, fund

pytestmark = pytest.mark.django_db


def test_a_merchant_without_a_subscription_is_on_free(mch_a):
    status = selectors.current_plan(mch_a)
    assert (status.code, status.name, status.status, status.period_end, status.billing_cycle) == (
        "free", "Free", "free", None, "")
    assert selectors.feature_enabled(mch_a, "api_access") and selectors.feature_enabled(mch_a, "bulk_import")
    assert not selectors.feature_enabled(mch_a, "custom_tracking_page")
    assert selectors.plan_limit(mch_a, "bulk_import_max_rows") == 1000
    assert selectors.plan_limit(mch_a, "sms_monthly_quota") is None


def test_the_trial_gives_pro_for_fourteen_days_once(mch_a, clock_at):
    clock_at(2026, 11, 23, 10, 0)
    services.trial_start(merchant=mch_a)
    status = selectors.current_plan(mch_a)
    assert (status.code, status.status, status.period_end, status.days_left) == (
        "pro", "trial", dt.date(2026, 12, 6), 13)
    assert selectors.feature_enabled(mch_a, "custom_tracking_page")
    with pytest.raises(DomainError) as again:
        services.trial_start(merchant=mch_a)
    assert (again.value.code, again.value.status) == ("trial_used", 409)
    clock_at(2026, 12, 7, 0, 1)
    assert selectors.current_plan(mch_a).status == "free"        # over, even before the daily job
    with pytest.raises(DomainError) as later:
        services.trial_start(merchant=mch_a)
    assert later.value.code == "trial_used"
    assert PlanInvoice.objects.filter(kind="trial").count() == 1
    assert AuditLog.objects.filter(action="plan.trial_start").count() == 1


def test_subscribing_charges_the_wallet_with_an_itemised_transaction(mch_a, clock_at):
    clock_at(2026, 11, 23, 10, 0)
    fund(mch_a, 20_000)
    invoice = services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")
    assert (invoice.kind, invoice.price_fen, invoice.credit_fen, invoice.amount_fen) == ("subscribe", 9_900, 0, 9_900)
    assert (invoice.period_start, invoice.period_end) == (dt.date(2026, 11, 23), dt.date(2026, 12, 22))
    txn = invoice.transaction
    assert (txn.kind, txn.reference, txn.lines) == ("charge", invoice.public_id,
                                                     [{"code": "plan_pro_monthly", "amount_fen": 9_900}])
    assert wallet_for(mch_a).balance_fen == 10_100
    status = selectors.current_plan(mch_a)
    assert (status.code, status.status, status.billing_cycle, status.auto_renew) == ("pro", "active", "monthly", True)
    assert_ledger_consistent()


def test_insufficient_funds_change_nothing(mch_a, clock_at):
    clock_at(2026, 11, 23, 10, 0)
    fund(mch_a, 9_899)
    with pytest.raises(InsufficientFunds) as raised:
        services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")
    assert (raised.value.status, raised.value.code, raised.value.details["required_fen"]) == (
        402, "insufficient_funds", 9_900)
    assert selectors.current_plan(mch_a).code == "free"
    assert PlanInvoice.objects.count() == 0
    assert not LedgerTransaction.objects.filter(kind="charge").exists()
    assert wallet_for(mch_a).balance_fen == 9_899


def test_bonus_credit_does_not_pay_for_a_plan(mch_a, clock_at):
    from parcelhub.plans.models import RechargeBonusRule

    clock_at(2026, 11, 23, 10, 0)
    RechargeBonusRule.objects.create(name="充50送50", min_recharge_fen=5_000, bonus_fen=5_000)
    fund(mch_a, 5_000)
    with pytest.raises(InsufficientFunds):
        services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")
    assert (wallet_for(mch_a).balance_fen, wallet_for(mch_a).bonus_fen) == (5_000, 5_000)


def test_upgrade_mid_period_credits_the_unused_days(mch_a, clock_at):
    clock_at(2026, 11, 1, 9, 0)
    fund(mch_a, 100_000)
    services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")   # 11-01 … 11-30
    clock_at(2026, 11, 16, 9, 0)
    quote = selectors.change_quote(mch_a, "enterprise", "monthly")
    assert (quote.kind, quote.price_fen, quote.credit_fen, quote.due_fen, quote.unused_days, quote.period_days) == (
        "upgrade", 49_900, 4_950, 44_950, 15, 30)
    invoice = services.subscription_change(merchant=mch_a, plan_code="enterprise", billing_cycle="monthly",
                                           expected_due_fen=44_950)
    assert invoice.transaction.lines == [{"code": "plan_enterprise_monthly", "amount_fen": 49_900},
                                         {"code": "proration_credit", "amount_fen": -4_950}]
    assert wallet_for(mch_a).balance_fen == 100_000 - 9_900 - 44_950
    sub = Subscription.objects.get()
    assert (sub.plan.code, sub.period_start, sub.period_end, sub.paid_fen) == (
        "enterprise", dt.date(2026, 11, 16), dt.date(2026, 12, 15), 49_900)
    assert_ledger_consistent()


def test_downgrade_from_annual_pays_the_difference_back(mch_a, clock_at):
    clock_at(2026, 1, 1, 9, 0)
    fund(mch_a, 499_000)
    services.subscription_change(merchant=mch_a, plan_code="enterprise", billing_cycle="annual")
    clock_at(2026, 4, 11, 9, 0)   # day 101 of 365: 265 days unused
    invoice = services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")
    assert (invoice.kind, invoice.credit_fen, invoice.amount_fen) == ("downgrade", 362_287, -352_387)
    assert (invoice.transaction.kind, invoice.transaction.lines) == ("refund", [
        {"code": "plan_pro_monthly", "amount_fen": 9_900}, {"code": "proration_credit", "amount_fen": -362_287}])
    assert wallet_for(mch_a).balance_fen == 352_387
    assert selectors.current_plan(mch_a).code == "pro"
    assert_ledger_consistent()


def test_downgrade_to_free_credits_the_rest_and_ends_the_plan(mch_a, clock_at):
    clock_at(2026, 12, 1, 9, 0)
    fund(mch_a, 9_900)
    services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")   # 12-01 … 12-31
    clock_at(2026, 12, 22, 9, 0)
    invoice = services.subscription_change(merchant=mch_a, plan_code="free", billing_cycle="monthly")
    assert (invoice.kind, invoice.credit_fen, invoice.amount_fen) == ("downgrade", 3_193, -3_193)
    assert wallet_for(mch_a).balance_fen == 3_193
    assert selectors.current_plan(mch_a).status == "free"


def test_a_stale_confirmation_or_the_same_plan_is_refused(mch_a, clock_at):
    clock_at(2026, 11, 23, 10, 0)
    fund(mch_a, 20_000)
    with pytest.raises(DomainError) as stale:
        services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly", expected_due_fen=9_000)
    assert (stale.value.code, stale.value.status) == ("quote_changed", 409)
    services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")
    with pytest.raises(DomainError) as same:
        services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")
    assert same.value.code == "plan_unchanged"
    with pytest.raises(DomainError) as bad:
        services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="weekly")
    assert bad.value.code == "billing_cycle_invalid"
    assert PlanInvoice.objects.count() == 1
    assert wallet_for(mch_a).balance_fen == 10_100


def test_a_grant_extends_the_same_plan(mch_a, clock_at):
    clock_at(2026, 11, 23, 10, 0)
    fund(mch_a, 9_900)
    services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")
    services.subscription_grant(merchant=mch_a, plan_code="pro", months=2, reference="goodwill-1")
    assert selectors.current_plan(mch_a).period_end == dt.date(2027, 2, 22)
    again = services.subscription_grant(merchant=mch_a, plan_code="pro", months=2, reference="goodwill-1")
    assert again.kind == "grant" and selectors.current_plan(mch_a).period_end == dt.date(2027, 2, 22)


def test_tenancy_of_the_status(mch_a, mch_b, clock_at):
    clock_at(2026, 11, 23, 10, 0)
    services.trial_start(merchant=mch_a)
    assert selectors.current_plan(mch_b).code == "free"
