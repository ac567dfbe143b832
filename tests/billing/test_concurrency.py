"""Fifty simultaneous charges against a wallet that can afford twenty: the row lock must let exactly twenty
through. SQLite serialises whole transactions, so only PostgreSQL's row locks are worth testing here."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from parcelhub.billing import services
from parcelhub.billing.models import LedgerTransaction
from parcelhub.billing.selectors import wallet_for
from tests.billing.conftest import assert_ledger_consistent, fund, ledger_balance

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL row locks (SQLite serialises whole transactions); "
                              "run with DATABASE_URL=postgresql://…"),
]

THREADS = 50
PRICE = 1_000
AFFORDABLE = 20


@pytest.mark.django_db(transaction=True)
def test_fifty_threads_charge_a_wallet_that_affords_twenty(mch_a):
    fund(mch_a, PRICE * AFFORDABLE)
    start = threading.Barrier(THREADS)

    def charge(index: int) -> str:
        try:
            start.wait()
            services.wallet_charge(merchant=mch_a, amount_fen=PRICE, cost_fen=800, carrier_code="zto",
                                   reference=f"shp_race_{index:02d}", lines=[("first_weight", PRICE)])
            return "charged"
        except services.InsufficientFunds:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(charge, range(THREADS)))

    assert outcomes.count("charged") == AFFORDABLE
    assert outcomes.count("refused") == THREADS - AFFORDABLE
    wallet = wallet_for(mch_a)
    assert wallet.balance_fen == 0
    assert ledger_balance(wallet) == wallet.balance_fen
    assert LedgerTransaction.objects.filter(kind="charge").count() == AFFORDABLE
    # Each charge saw the balance its predecessor left: the running balances are 19 000, 18 000, … 0.
    after = sorted(wallet.account.entries.filter(transaction__kind="charge").values_list("balance_after_fen",
                                                                                       flat=True))
    assert after == [PRICE * n for n in range(AFFORDABLE)]
    assert_ledger_consistent()
