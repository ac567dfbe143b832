"""Many workers renewing the same subscription at once, and plan changes racing a renewal: one charge per
period. Needs PostgreSQL row locks (SQLite serialises whole transactions)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from parcelhub.billing.models import LedgerTransaction
from parcelhub.billing.selectors import wallet_for
from parcelhub.plans import services
from parcelhub.plans.models import PlanInvoice, Subscription
from tests.concurrency import in_threads
from tests.plans.conftest import assert_bonus_consistent, assert_ledger_consistent, fund

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.mark.django_db(transaction=True)
def test_twelve_workers_renew_once(mch_a, clock_at):
    clock_at(2026, 11, 1, 9, 0)
    fund(mch_a, 50_000)
    services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")
    clock_at(2026, 12, 1, 0, 30)
    pk = Subscription.objects.get().pk
    outcomes = in_threads(12, lambda i: services.subscription_renew(subscription_id=pk))
    assert sorted(map(str, outcomes)) == ["not_due"] * 11 + ["renewed"]
    assert PlanInvoice.objects.filter(kind="renewal").count() == 1
    assert LedgerTransaction.objects.filter(kind="charge").count() == 2
    assert wallet_for(mch_a).balance_fen == 50_000 - 2 * 9_900
    assert Subscription.objects.get().period_end == dt.date(2026, 12, 31)
    assert_ledger_consistent()
    assert_bonus_consistent()


@pytest.mark.django_db(transaction=True)
def test_trials_started_at_once_start_once(mch_a, clock_at):
    clock_at(2026, 11, 23, 9, 0)
    outcomes = in_threads(8, lambda i: services.trial_start(merchant=mch_a))
    assert sum(isinstance(o, Subscription) for o in outcomes) == 1
    assert sorted(o.code for o in outcomes if not isinstance(o, Subscription)) == ["trial_used"] * 7
    assert PlanInvoice.objects.filter(kind="trial").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_notification_delivered_six_times_at_once_grants_the_bonus_once(mch_a):
    from parcelhub.billing import services as billing
    from parcelhub.plans.models import RechargeBonusGrant, RechargeBonusRule

    RechargeBonusRule.objects.create(name="充500送20", min_recharge_fen=50_000, bonus_fen=2_000)
    recharge = billing.recharge_create(merchant=mch_a, amount_fen=50_000, actor=None)
    in_threads(6, lambda i: billing.recharge_confirm(provider_txn_id="sbx_race", amount_fen=50_000,
                                                     recharge_public_id=recharge.public_id))
    wallet = wallet_for(mch_a)
    assert (wallet.balance_fen, wallet.bonus_fen) == (50_000, 2_000)
    assert RechargeBonusGrant.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind="bonus").count() == 1
    assert_ledger_consistent()
    assert_bonus_consistent()


@pytest.mark.django_db(transaction=True)
def test_charges_racing_over_cash_and_bonus_never_overspend(mch_a):
    from parcelhub.billing import services as billing
    from parcelhub.plans.models import RechargeBonusRule

    RechargeBonusRule.objects.create(name="充100送50", min_recharge_fen=10_000, bonus_fen=5_000)
    fund(mch_a, 10_000)                                   # 10 000 cash + 5 000 bonus: 15 charges of 1 000

    def charge(i: int) -> str:
        try:
            billing.wallet_charge(merchant=mch_a, amount_fen=1_000, cost_fen=800, carrier_code="zto",
                                  reference=f"shp_race_{i:02d}")
            return "charged"
        except billing.InsufficientFunds:
            return "refused"

    outcomes = in_threads(20, charge)
    assert (outcomes.count("charged"), outcomes.count("refused")) == (15, 5)
    wallet = wallet_for(mch_a)
    assert (wallet.balance_fen, wallet.bonus_fen) == (0, 0)
    assert_ledger_consistent()
    assert_bonus_consistent()
