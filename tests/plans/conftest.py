"""Plans fixtures: the billing helpers (funding through the real recharge path, a movable clock)."""

from __future__ import annotations

import pytest

from tests.billing.conftest import Clock, assert_ledger_consistent, fund  # noqa: F401


@pytest.fixture(autouse=True)
def sandbox_payments(settings):
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


def assert_bonus_consistent() -> None:
    """Every wallet's cached bonus credit is the sum of its merchant's bonus account entries, never negative."""
    from django.db.models import Sum

    from parcelhub.billing.models import LedgerEntry, Wallet

    for wallet in Wallet.objects.select_related("merchant"):
        total = LedgerEntry.objects.filter(account__code=f"bonus:{wallet.merchant.public_id}").aggregate(
            t=Sum("amount_fen"))["t"] or 0
        assert wallet.bonus_fen == total >= 0, wallet.merchant_id
