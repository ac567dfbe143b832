"""Plans fixtures: the billing helpers (funding through the real recharge path, a movable clock)."""

from __future__ import annotations

# The billing fixtures by name: pytest finds fixtures imported into a conftest.
from tests.billing.conftest import (  # noqa: F401
    Clock,
    assert_ledger_consistent,
    clock_at,
    fund,
    mch_a,
    mch_b,
    sandbox_payments,
)


def assert_bonus_consistent() -> None:
    """Every wallet's cached bonus credit is the sum of its merchant's bonus account entries, never negative."""
    from django.db.models import Sum

    from parcelhub.billing.models import LedgerEntry, Wallet

    for wallet in Wallet.objects.select_related("merchant"):
        total = LedgerEntry.objects.filter(account__code=f"bonus:{wallet.merchant.public_id}").aggregate(
            t=Sum("amount_fen"))["t"] or 0
        assert wallet.bonus_fen == total >= 0, wallet.merchant_id
