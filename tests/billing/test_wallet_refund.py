from __future__ import annotations

import pytest

from parcelhub.billing import services
from parcelhub.billing.models import LedgerEntry, LedgerTransaction
from parcelhub.billing.selectors import wallet_for
from parcelhub.core.errors import DomainError
from parcelhub.core.models import AuditLog
from tests.billing.conftest import assert_ledger_consistent, fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def charged(mch_a):
    fund(mch_a, 5_000)
    return services.wallet_charge(merchant=mch_a, amount_fen=1_442, cost_fen=1_100, carrier_code="sf",
                                  reference="shp_01", lines=[("first_weight", 1_000), ("fuel_surcharge", 442)])


def test_a_refund_reverses_the_charge_entry_by_entry(mch_a, charged):
    user = mch_a.users.get()
    refund = services.wallet_refund(reference="shp_01", reason="label voided", actor=user)
    assert (refund.kind, refund.reference, refund.memo, refund.reverses, refund.actor) == (
        "refund", "shp_01", "label voided", charged, user)
    assert dict(refund.entries.values_list("account__code", "amount_fen")) == {
        f"wallet:{mch_a.public_id}": 1_442, "carrier_payable:sf": -1_100, "platform:revenue": -342}
    assert refund.lines == [{"code": "first_weight", "amount_fen": -1_000},
                            {"code": "fuel_surcharge", "amount_fen": -442}]
    assert wallet_for(mch_a).balance_fen == 5_000
    assert AuditLog.objects.get(action="wallet.refund").data == {
        "reference": "shp_01", "charge": charged.public_id, "reason": "label voided"}
    assert_ledger_consistent()


def test_refunding_twice_is_refused_and_changes_nothing(mch_a, charged):
    services.wallet_refund(reference="shp_01", reason="voided")
    before = (LedgerTransaction.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(DomainError) as raised:
        services.wallet_refund(reference="shp_01", reason="voided again")
    assert (raised.value.code, raised.value.status) == ("already_refunded", 409)
    assert (LedgerTransaction.objects.count(), LedgerEntry.objects.count()) == before
    assert wallet_for(mch_a).balance_fen == 5_000


def test_an_unknown_reference_is_404(mch_a, charged):
    with pytest.raises(DomainError) as raised:
        services.wallet_refund(reference="shp_unknown", reason="voided")
    assert (raised.value.code, raised.value.status) == ("charge_not_found", 404)
    assert wallet_for(mch_a).balance_fen == 3_558


def test_a_refund_restores_a_wallet_that_went_into_credit(mch_a, operator_factory):
    services.wallet_set_credit_limit(merchant=mch_a, credit_limit_fen=1_000, actor=operator_factory("risk"))
    services.wallet_charge(merchant=mch_a, amount_fen=800, cost_fen=700, carrier_code="sto", reference="shp_9")
    assert wallet_for(mch_a).balance_fen == -800
    services.wallet_refund(reference="shp_9", reason="carrier never collected")
    assert wallet_for(mch_a).balance_fen == 0
    assert_ledger_consistent()
