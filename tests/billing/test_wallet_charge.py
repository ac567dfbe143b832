from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import translation

from parcelhub.billing import services
from parcelhub.billing.models import LedgerEntry, LedgerTransaction, TransactionKind
from parcelhub.billing.selectors import wallet_for
from parcelhub.core.errors import DomainError
from parcelhub.core.models import AuditLog
from tests.billing.conftest import assert_ledger_consistent, fund

pytestmark = pytest.mark.django_db

LINES = [("first_weight", 1_000), ("additional_weight", 400), ("fuel_surcharge", 42)]


def entries_of(txn) -> dict[str, int]:
    return dict(txn.entries.values_list("account__code", "amount_fen"))


def counts() -> tuple[int, int, int]:
    return LedgerTransaction.objects.count(), LedgerEntry.objects.count(), AuditLog.objects.count()


def test_a_charge_takes_the_price_owes_the_carrier_its_cost_and_keeps_the_margin(mch_a, operator_factory):
    fund(mch_a, 5_000)
    user = mch_a.users.get()
    txn = services.wallet_charge(merchant=mch_a, amount_fen=1_442, cost_fen=1_100, carrier_code="sf",
                                 reference="shp_01", memo="义乌 → 乌鲁木齐", lines=LINES, actor=user)
    assert txn.public_id.startswith("txn_")
    assert (txn.kind, txn.reference, txn.memo, txn.actor) == ("charge", "shp_01", "义乌 → 乌鲁木齐", user)
    assert txn.lines == [{"code": "first_weight", "amount_fen": 1_000},
                         {"code": "additional_weight", "amount_fen": 400},
                         {"code": "fuel_surcharge", "amount_fen": 42}]
    assert entries_of(txn) == {f"wallet:{mch_a.public_id}": -1_442, "carrier_payable:sf": 1_100,
                               "platform:revenue": 342}
    assert wallet_for(mch_a).balance_fen == 3_558
    log = AuditLog.objects.get(action="wallet.charge")
    assert (log.merchant, log.actor, log.target_id) == (mch_a, user, txn.public_id)
    assert log.data == {"reference": "shp_01", "amount_fen": 1_442, "cost_fen": 1_100, "carrier": "sf"}
    assert_ledger_consistent()


def test_a_charge_at_cost_has_no_revenue_entry(mch_a):
    fund(mch_a, 1_000)
    txn = services.wallet_charge(merchant=mch_a, amount_fen=600, cost_fen=600, carrier_code="ems", reference="s")
    assert entries_of(txn) == {f"wallet:{mch_a.public_id}": -600, "carrier_payable:ems": 600}


def test_a_charge_of_exactly_the_balance_leaves_zero(mch_a):
    fund(mch_a, 1_000)
    services.wallet_charge(merchant=mch_a, amount_fen=1_000, cost_fen=800, carrier_code="zto", reference="s")
    assert wallet_for(mch_a).balance_fen == 0


def test_insufficient_funds_is_402_before_anything_is_written(mch_a):
    fund(mch_a, 1_000)
    before = counts()
    with pytest.raises(services.InsufficientFunds) as raised:
        services.wallet_charge(merchant=mch_a, amount_fen=1_001, cost_fen=800, carrier_code="zto",
                               reference="shp_02", lines=[("first_weight", 1_001)])
    error = raised.value
    assert (error.code, error.status) == ("insufficient_funds", 402)
    assert error.message == ("Insufficient wallet balance: the balance is ¥10.00 and ¥10.01 is needed. "
                             "Please recharge.")
    assert error.message_zh == "钱包余额不足：当前余额 ¥10.00，需要 ¥10.01，请先充值。"
    assert error.details == {"balance_fen": 1_000, "credit_limit_fen": 0, "available_fen": 1_000,
                             "required_fen": 1_001}
    with translation.override("zh-hans"):
        assert error.localized() == error.message_zh
    assert counts() == before
    assert wallet_for(mch_a).balance_fen == 1_000


def test_a_refused_charge_leaves_the_callers_transaction_usable(mch_a):
    """Shipping charges inside its own atomic block; a refusal must not poison what it already wrote."""
    fund(mch_a, 500)
    with transaction.atomic():
        services.wallet_charge(merchant=mch_a, amount_fen=300, cost_fen=200, carrier_code="yto", reference="shp_a")
        with pytest.raises(services.InsufficientFunds):
            services.wallet_charge(merchant=mch_a, amount_fen=300, cost_fen=200, carrier_code="yto",
                                   reference="shp_b")
        services.wallet_charge(merchant=mch_a, amount_fen=200, cost_fen=150, carrier_code="yto", reference="shp_c")
    assert wallet_for(mch_a).balance_fen == 0
    assert list(LedgerTransaction.objects.filter(kind=TransactionKind.CHARGE).order_by("id")
                .values_list("reference", flat=True)) == ["shp_a", "shp_c"]
    assert_ledger_consistent()


def test_a_charge_rolls_back_with_the_callers_transaction(mch_a):
    """The carrier refused the waybill after the charge: shipping's rollback takes the charge with it."""
    fund(mch_a, 500)
    before = counts()

    class CarrierRefused(Exception):
        pass

    with pytest.raises(CarrierRefused), transaction.atomic():
        services.wallet_charge(merchant=mch_a, amount_fen=300, cost_fen=200, carrier_code="yto", reference="shp_a")
        raise CarrierRefused
    assert counts() == before
    assert wallet_for(mch_a).balance_fen == 500


def test_credit_lets_the_balance_go_negative_down_to_the_limit(mch_a, operator_factory):
    fund(mch_a, 1_000)
    services.wallet_set_credit_limit(merchant=mch_a, credit_limit_fen=2_000, actor=operator_factory("risk"))
    services.wallet_charge(merchant=mch_a, amount_fen=2_500, cost_fen=2_000, carrier_code="sf", reference="s1")
    wallet = wallet_for(mch_a)
    assert (wallet.balance_fen, wallet.available_fen) == (-1_500, 500)
    with pytest.raises(services.InsufficientFunds) as raised:
        services.wallet_charge(merchant=mch_a, amount_fen=501, cost_fen=400, carrier_code="sf", reference="s2")
    assert raised.value.message == ("Insufficient wallet balance: the balance is -¥15.00 (available with credit: "
                                    "¥5.00) and ¥5.01 is needed. Please recharge.")
    services.wallet_charge(merchant=mch_a, amount_fen=500, cost_fen=400, carrier_code="sf", reference="s3")
    assert wallet_for(mch_a).balance_fen == -2_000
    assert_ledger_consistent()


def test_a_reference_is_charged_once(mch_a):
    fund(mch_a, 5_000)
    services.wallet_charge(merchant=mch_a, amount_fen=1_000, cost_fen=800, carrier_code="sf", reference="shp_1")
    with pytest.raises(DomainError) as raised:
        services.wallet_charge(merchant=mch_a, amount_fen=1_000, cost_fen=800, carrier_code="sf", reference="shp_1")
    assert (raised.value.code, raised.value.status) == ("already_charged", 409)
    assert wallet_for(mch_a).balance_fen == 4_000


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"amount_fen": 0}, "invalid_amount"),
    ({"amount_fen": -100}, "invalid_amount"),
    ({"amount_fen": 10.5}, "invalid_amount"),
    ({"cost_fen": -1}, "invalid_amount"),
    ({"reference": ""}, "invalid_charge"),
    ({"carrier_code": ""}, "invalid_charge"),
    ({"lines": [("first_weight", 900)]}, "lines_mismatch"),
    ({"lines": [("", 1_000)]}, "invalid_lines"),
])
def test_bad_charges_are_refused_without_writing(mch_a, kwargs, code):
    fund(mch_a, 5_000)
    before = counts()
    args = {"merchant": mch_a, "amount_fen": 1_000, "cost_fen": 800, "carrier_code": "sf", "reference": "shp_1",
            **kwargs}
    with pytest.raises(DomainError) as raised:
        services.wallet_charge(**args)
    assert raised.value.code == code
    assert counts() == before
