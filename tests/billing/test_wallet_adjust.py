from __future__ import annotations

import pytest

from parcelhub.billing import services
from parcelhub.billing.models import LedgerTransaction
from parcelhub.billing.selectors import wallet_for
from parcelhub.core.errors import DomainError
from parcelhub.core.models import AuditLog
from tests.billing.conftest import assert_ledger_consistent, fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def risk(operator_factory):
    return operator_factory("risk")


def test_an_adjustment_credits_or_debits_against_the_adjustment_account(mch_a, risk):
    fund(mch_a, 1_000)
    credit = services.wallet_adjust(merchant=mch_a, amount_fen=2_000, reason="  红包: 双11 goodwill ", actor=risk)
    assert (credit.kind, credit.memo, credit.actor) == ("adjustment", "红包: 双11 goodwill", risk)
    assert dict(credit.entries.values_list("account__code", "amount_fen")) == {
        f"wallet:{mch_a.public_id}": 2_000, "platform:adjustments": -2_000}
    services.wallet_adjust(merchant=mch_a, amount_fen=-500, reason="duplicate credit", actor=risk)
    assert wallet_for(mch_a).balance_fen == 2_500
    assert list(AuditLog.objects.filter(action="wallet.adjust").order_by("id").values_list("actor", "data")) == [
        (risk.pk, {"amount_fen": 2_000, "reason": "红包: 双11 goodwill"}),
        (risk.pk, {"amount_fen": -500, "reason": "duplicate credit"})]
    assert_ledger_consistent()


@pytest.mark.parametrize(("amount", "reason", "code"), [
    (0, "why", "invalid_amount"), (100, "", "reason_required"), (100, "   ", "reason_required"),
    (100_000_001, "too much", "invalid_amount"),
])
def test_an_adjustment_needs_an_amount_and_a_reason(mch_a, risk, amount, reason, code):
    with pytest.raises(DomainError) as raised:
        services.wallet_adjust(merchant=mch_a, amount_fen=amount, reason=reason, actor=risk)
    assert raised.value.code == code
    assert LedgerTransaction.objects.count() == 0


def test_a_debit_cannot_take_the_balance_past_the_credit_limit(mch_a, risk):
    fund(mch_a, 1_000)
    with pytest.raises(services.InsufficientFunds):
        services.wallet_adjust(merchant=mch_a, amount_fen=-1_001, reason="claw back", actor=risk)
    assert wallet_for(mch_a).balance_fen == 1_000
    services.wallet_adjust(merchant=mch_a, amount_fen=-1_000, reason="claw back", actor=risk)
    assert wallet_for(mch_a).balance_fen == 0


def test_credit_limit_is_set_and_audited(mch_a, risk):
    wallet = services.wallet_set_credit_limit(merchant=mch_a, credit_limit_fen=50_000, actor=risk)
    assert (wallet.credit_limit_fen, wallet.available_fen) == (50_000, 50_000)
    services.wallet_set_credit_limit(merchant=mch_a, credit_limit_fen=20_000, actor=risk)
    assert list(AuditLog.objects.filter(action="wallet.credit_limit").order_by("id").values_list("data", flat=True)) == [
        {"from_fen": 0, "to_fen": 50_000}, {"from_fen": 50_000, "to_fen": 20_000}]
    assert wallet_for(mch_a).credit_limit_fen == 20_000


def test_credit_limit_cannot_drop_below_what_is_owed(mch_a, risk):
    services.wallet_set_credit_limit(merchant=mch_a, credit_limit_fen=1_000, actor=risk)
    services.wallet_charge(merchant=mch_a, amount_fen=700, cost_fen=600, carrier_code="zto", reference="s")
    with pytest.raises(DomainError) as raised:
        services.wallet_set_credit_limit(merchant=mch_a, credit_limit_fen=699, actor=risk)
    assert (raised.value.code, raised.value.status) == ("credit_limit_below_debt", 409)
    assert wallet_for(mch_a).credit_limit_fen == 1_000
    assert services.wallet_set_credit_limit(merchant=mch_a, credit_limit_fen=700, actor=risk).credit_limit_fen == 700


@pytest.mark.parametrize("limit", [-1, 100_000_001, 10.0])
def test_credit_limit_must_be_whole_fen_within_bounds(mch_a, risk, limit):
    with pytest.raises(DomainError) as raised:
        services.wallet_set_credit_limit(merchant=mch_a, credit_limit_fen=limit, actor=risk)
    assert raised.value.code == "invalid_amount"
    assert wallet_for(mch_a).credit_limit_fen == 0
