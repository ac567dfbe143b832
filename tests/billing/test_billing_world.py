from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from parcelhub.accounts.models import Merchant
from parcelhub.billing.models import LedgerTransaction, Recharge
from parcelhub.billing.statements import statement_build
from parcelhub.simulation.accounts_world import DEMO_MERCHANTS, build_people
from parcelhub.simulation.billing_world import build_wallets
from tests.billing.conftest import assert_ledger_consistent

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 3, 15)


@pytest.fixture
def demo_merchants():
    build_people()
    return [Merchant.objects.get(name=row[0]) for row in DEMO_MERCHANTS]


def test_demo_wallets_are_funded_through_past_recharges(demo_merchants):
    result = build_wallets(merchants=demo_merchants, today=TODAY)
    yiwu, guangzhou, shenzhen = demo_merchants
    assert result == {"wallets": 3, "recharges": 9, "balances_fen": {
        yiwu.public_id: 500_000, guangzhou.public_id: 2_000_000, shenzhen.public_id: 100_000}}
    assert Recharge.objects.filter(status="paid").count() == 9
    dates = sorted({timezone.localtime(t).date() for t in LedgerTransaction.objects.values_list("created_at", flat=True)})
    assert dates == [dt.date(2026, 12, 25), dt.date(2027, 1, 29), dt.date(2027, 3, 3)]
    assert [t.amount_fen for t in Recharge.objects.filter(merchant=shenzhen).order_by("created_at")] == [
        50_000, 30_000, 20_000]
    january = statement_build(merchant=guangzhou, month=dt.date(2027, 1, 1))
    assert (january.opening_fen, january.recharges_fen, january.closing_fen) == (1_000_000, 600_000, 1_600_000)
    assert_ledger_consistent()


def test_building_twice_changes_nothing(demo_merchants):
    first = build_wallets(merchants=demo_merchants, today=TODAY)
    again = build_wallets(merchants=demo_merchants, today=TODAY + dt.timedelta(days=3))
    assert again["recharges"] == 0
    assert again["balances_fen"] == first["balances_fen"]
    assert Recharge.objects.count() == 9 and LedgerTransaction.objects.count() == 9
