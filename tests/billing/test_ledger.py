from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from parcelhub.billing import ledger, services
from parcelhub.billing.models import (
    AccountKind,
    AppendOnlyError,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
    Wallet,
)
from parcelhub.billing.selectors import account_balance, wallet_for
from tests.billing.conftest import assert_ledger_consistent, fund, ledger_balance

pytestmark = pytest.mark.django_db


def test_wallet_for_creates_one_empty_wallet_with_its_account(mch_a):
    wallet = wallet_for(mch_a)
    assert (wallet.balance_fen, wallet.credit_limit_fen, wallet.available_fen) == (0, 0, 0)
    assert wallet.account.code == f"wallet:{mch_a.public_id}"
    assert wallet.account.kind == AccountKind.WALLET
    assert wallet_for(mch_a).pk == wallet.pk
    assert Wallet.objects.count() == 1
    assert LedgerAccount.objects.count() == 1


def test_every_movement_balances_and_the_cache_matches_the_entries(mch_a, mch_b, operator_factory):
    admin = operator_factory()
    fund(mch_a, 10_000)
    fund(mch_b, 3_000)
    services.wallet_charge(merchant=mch_a, amount_fen=1_200, cost_fen=900, carrier_code="sf", reference="shp_1")
    services.wallet_charge(merchant=mch_a, amount_fen=800, cost_fen=650, carrier_code="zto", reference="shp_2")
    services.wallet_charge(merchant=mch_b, amount_fen=500, cost_fen=500, carrier_code="zto", reference="shp_3")
    services.wallet_refund(reference="shp_2", reason="voided")
    services.wallet_adjust(merchant=mch_a, amount_fen=-300, reason="duplicate recharge correction", actor=admin)
    assert_ledger_consistent()
    assert wallet_for(mch_a).balance_fen == 10_000 - 1_200 - 300
    assert wallet_for(mch_b).balance_fen == 2_500
    # Every account of the ledger together sums to zero.
    balances = {account.code: account_balance(account.pk) for account in LedgerAccount.objects.all()}
    assert balances == {
        f"wallet:{mch_a.public_id}": 8_500, f"wallet:{mch_b.public_id}": 2_500,
        "clearing:sandbox": -13_000, "carrier_payable:sf": 900, "carrier_payable:zto": 500,
        "platform:revenue": 300, "platform:adjustments": 300,
    }
    assert sum(balances.values()) == 0


def test_an_unbalanced_posting_is_refused_and_writes_nothing(mch_a):
    with transaction.atomic():
        wallet = ledger.wallet_lock(mch_a)
        with pytest.raises(ledger.UnbalancedTransaction, match="sum to -1"):
            ledger.ledger_post(kind=TransactionKind.ADJUSTMENT, merchant=mch_a, wallet=wallet,
                               entries=[(wallet.account, 100), (ledger.adjustment_account(), -101)])
        with pytest.raises(ledger.UnbalancedTransaction, match="at least one"):
            ledger.ledger_post(kind=TransactionKind.ADJUSTMENT, merchant=mch_a, wallet=wallet,
                               entries=[(wallet.account, 0)])
        with pytest.raises(ledger.UnbalancedTransaction, match="int of fen"):
            ledger.ledger_post(kind=TransactionKind.ADJUSTMENT, merchant=mch_a, wallet=wallet,
                               entries=[(wallet.account, 1.5), (ledger.adjustment_account(), -1.5)])
    assert LedgerTransaction.objects.count() == 0
    assert LedgerEntry.objects.count() == 0
    assert wallet_for(mch_a).balance_fen == 0


def test_a_wallet_entry_needs_the_locked_wallet(mch_a):
    wallet = wallet_for(mch_a)
    with transaction.atomic(), pytest.raises(ledger.UnbalancedTransaction, match="locked"):
        ledger.ledger_post(kind=TransactionKind.ADJUSTMENT, merchant=mch_a,
                           entries=[(wallet.account, 100), (ledger.adjustment_account(), -100)])
    assert LedgerTransaction.objects.count() == 0


def test_ledger_rows_are_never_updated_or_deleted(mch_a):
    fund(mch_a, 5_000)
    txn = LedgerTransaction.objects.get()
    entry = LedgerEntry.objects.filter(transaction=txn).first()
    txn.memo = "edited"
    with pytest.raises(AppendOnlyError):
        txn.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_fen=1)
    with pytest.raises(AppendOnlyError):
        LedgerTransaction.objects.all().delete()
    assert LedgerTransaction.objects.get().memo.startswith("sandbox sbx_test_")
    assert_ledger_consistent()


def test_the_database_refuses_a_balance_below_the_credit_limit(mch_a):
    wallet = wallet_for(mch_a)
    Wallet.objects.filter(pk=wallet.pk).update(credit_limit_fen=500)
    with transaction.atomic():
        Wallet.objects.filter(pk=wallet.pk).update(balance_fen=-500)
    with pytest.raises(IntegrityError), transaction.atomic():
        Wallet.objects.filter(pk=wallet.pk).update(balance_fen=-501)
    with pytest.raises(IntegrityError), transaction.atomic():
        Wallet.objects.filter(pk=wallet.pk).update(credit_limit_fen=-1)
    wallet.refresh_from_db()
    assert (wallet.balance_fen, wallet.credit_limit_fen) == (-500, 500)


def test_wallet_entries_record_the_balance_after_them(mch_a):
    fund(mch_a, 5_000)
    services.wallet_charge(merchant=mch_a, amount_fen=1_234, cost_fen=1_000, carrier_code="sf", reference="shp_1")
    wallet = wallet_for(mch_a)
    assert list(LedgerEntry.objects.filter(account_id=wallet.account_id).order_by("id")
                .values_list("amount_fen", "balance_after_fen")) == [(5_000, 5_000), (-1_234, 3_766)]
    assert ledger_balance(wallet) == 3_766
    assert LedgerEntry.objects.exclude(account_id=wallet.account_id).filter(balance_after_fen__isnull=False).count() == 0
