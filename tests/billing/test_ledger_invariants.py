"""Any sequence of wallet operations, allowed or refused, keeps the ledger balanced and the cache exact."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcelhub.billing import services
from parcelhub.billing.selectors import wallet_for
from parcelhub.core.errors import DomainError
from tests.billing.conftest import assert_ledger_consistent, fund

pytestmark = pytest.mark.django_db

operations = st.lists(st.one_of(
    st.tuples(st.just("recharge"), st.integers(100, 50_000)),
    st.tuples(st.just("charge"), st.integers(1, 20_000), st.integers(0, 25_000)),
    st.tuples(st.just("refund"), st.integers(0, 30)),
    st.tuples(st.just("adjust"), st.integers(-20_000, 20_000)),
    st.tuples(st.just("credit"), st.integers(0, 30_000)),
), max_size=30)


class Rollback(Exception):
    pass


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_random_operations_keep_the_ledger_consistent(mch_a, operator_factory, ops):
    try:
        # Each example runs in its own transaction, rolled back at the end, so examples never see each other.
        with transaction.atomic():
            admin = operator_factory("risk")
            expected = 0
            charged: dict[str, int] = {}
            for number, op in enumerate(ops):
                try:
                    if op[0] == "recharge":
                        fund(mch_a, op[1])
                        expected += op[1]
                    elif op[0] == "charge":
                        services.wallet_charge(merchant=mch_a, amount_fen=op[1], cost_fen=op[2], carrier_code="zto",
                                               reference=f"shp_{number}")
                        expected -= op[1]
                        charged[f"shp_{number}"] = op[1]
                    elif op[0] == "refund":
                        reference = f"shp_{op[1]}"
                        services.wallet_refund(reference=reference, reason="void")
                        expected += charged.pop(reference)
                    elif op[0] == "adjust":
                        services.wallet_adjust(merchant=mch_a, amount_fen=op[1], reason="fuzz", actor=admin)
                        expected += op[1]
                    else:
                        services.wallet_set_credit_limit(merchant=mch_a, credit_limit_fen=op[1], actor=admin)
                except DomainError:
                    pass
                wallet = wallet_for(mch_a)
                assert wallet.balance_fen == expected
                assert wallet.balance_fen >= -wallet.credit_limit_fen
            assert_ledger_consistent()
            raise Rollback
    except Rollback:
        pass
