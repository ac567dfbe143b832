"""Billing fixtures: funding a wallet through the real recharge path, and a movable clock."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from parcelhub.billing import services
from parcelhub.billing.models import LedgerEntry, Wallet
from parcelhub.core import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
_provider_txns = itertools.count(1)


def fund(merchant, amount_fen: int):
    """Recharge `amount_fen` as if the payer paid at the sandbox: created, then confirmed by the provider."""
    recharge = services.recharge_create(merchant=merchant, amount_fen=amount_fen, actor=None)
    return services.recharge_confirm(provider_txn_id=f"sbx_test_{next(_provider_txns)}",
                                     recharge_public_id=recharge.public_id, amount_fen=amount_fen)


def ledger_balance(wallet: Wallet) -> int:
    return LedgerEntry.objects.filter(account_id=wallet.account_id).aggregate(t=Sum("amount_fen"))["t"] or 0


def assert_ledger_consistent() -> None:
    """Every transaction balances and every wallet's cached balance is the sum of its account's entries."""
    for txn_id, total in LedgerEntry.objects.values_list("transaction_id").annotate(t=Sum("amount_fen")):
        assert total == 0, txn_id
    for wallet in Wallet.objects.all():
        assert wallet.balance_fen == ledger_balance(wallet), wallet.merchant_id


class Clock:
    """Set the platform's clock to a Shanghai wall-clock time: `clock_at(2027, 3, 31, 23, 59)`."""

    def __init__(self, monkeypatch) -> None:
        self.monkeypatch = monkeypatch

    def __call__(self, *parts: int) -> dt.datetime:
        moment = dt.datetime(*parts, tzinfo=SHANGHAI)
        self.monkeypatch.setattr(clock, "now", lambda: moment)
        self.monkeypatch.setattr(clock, "today", lambda: moment.date())
        return moment


@pytest.fixture(autouse=True)
def sandbox_payments(settings):
    """pytest-django runs with DEBUG off, where the sandbox is off by default; these tests pay through it."""
    settings.PAYMENT_SANDBOX_ENABLED = True


@pytest.fixture
def clock_at(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def mch_a(merchant_a):
    return merchant_a[0]


@pytest.fixture
def mch_b(merchant_b):
    return merchant_b[0]
