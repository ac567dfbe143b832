from __future__ import annotations

import hashlib
import hmac
import json
import logging

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from parcelhub.billing import services
from parcelhub.billing.models import LedgerTransaction, Recharge, RechargeStatus
from parcelhub.billing.payments import SIGNATURE_HEADER, SandboxProvider, canonical_json
from parcelhub.billing.selectors import wallet_for
from parcelhub.core.errors import DomainError
from parcelhub.core.models import AuditLog
from tests.billing.conftest import assert_ledger_consistent

pytestmark = pytest.mark.django_db

NOTIFY = "/billing/notify/sandbox"


@pytest.fixture
def recharge(mch_a):
    return services.recharge_create(merchant=mch_a, amount_fen=500_000, actor=mch_a.users.get())


def notification(recharge, *, txn: str = "sbx_0001", amount: int | None = None,
                 event: str = "payment.succeeded") -> dict:
    return {"event": event, "provider_txn_id": txn, "recharge_id": recharge.public_id,
            "amount_fen": recharge.amount_fen if amount is None else amount, "occurred_at": "2027-03-01T10:00:00+08:00"}


def post(payload: dict, signature: str | None = None, body: bytes | None = None):
    signature = SandboxProvider().sign(payload) if signature is None else signature
    return Client().post(NOTIFY, data=body if body is not None else json.dumps(payload, indent=2),
                         content_type="application/json", **{f"HTTP_{SIGNATURE_HEADER.upper().replace('-', '_')}":
                                                             signature})


def test_recharge_create_is_pending_with_a_sandbox_checkout(mch_a, recharge):
    assert recharge.public_id.startswith("rch_")
    assert (recharge.status, recharge.amount_fen, recharge.provider) == ("pending", 500_000, "sandbox")
    assert recharge.checkout_url == f"/billing/sandbox/checkout/{recharge.public_id}/"
    assert AuditLog.objects.get(action="recharge.create").data == {"amount_fen": 500_000, "provider": "sandbox"}
    assert wallet_for(mch_a).balance_fen == 0


@pytest.mark.parametrize("amount", [99, 0, -100, 100_000_001, 100.0])
def test_recharge_amount_limits(mch_a, amount):
    with pytest.raises(DomainError) as raised:
        services.recharge_create(merchant=mch_a, amount_fen=amount, actor=None)
    assert (raised.value.code, raised.value.status) == ("invalid_amount", 422)
    assert Recharge.objects.count() == 0


@pytest.mark.parametrize("amount", [100, 100_000_000])
def test_recharge_amount_bounds_are_inclusive(mch_a, amount):
    assert services.recharge_create(merchant=mch_a, amount_fen=amount, actor=None).amount_fen == amount


def test_a_valid_notification_credits_the_wallet_from_payment_clearing(mch_a, recharge):
    response = post(notification(recharge))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "recharge": recharge.public_id, "status": "paid"}
    recharge.refresh_from_db()
    assert (recharge.status, recharge.provider_txn_id) == ("paid", "sbx_0001")
    assert recharge.transaction.kind == "recharge"
    assert recharge.transaction.reference == recharge.public_id
    assert dict(recharge.transaction.entries.values_list("account__code", "amount_fen")) == {
        f"wallet:{mch_a.public_id}": 500_000, "clearing:sandbox": -500_000}
    assert wallet_for(mch_a).balance_fen == 500_000
    assert_ledger_consistent()


def test_a_wrong_signature_is_400_logged_and_credits_nothing(mch_a, recharge, caplog):
    payload = notification(recharge)
    with caplog.at_level(logging.WARNING, logger="parcelhub.billing"):
        response = post(payload, signature="0" * 64)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_signature"
    assert "bad signature" in caplog.text and recharge.public_id in caplog.text
    # A payload altered after signing fails too.
    tampered = post({**payload, "amount_fen": 900_000}, signature=SandboxProvider().sign(payload))
    assert tampered.status_code == 400
    with override_settings(PAYMENT_SANDBOX_SECRET="someone-elses-secret"):
        forged = SandboxProvider().sign(payload)
    assert post(payload, signature=forged).status_code == 400
    assert post(payload, signature="").status_code == 400
    recharge.refresh_from_db()
    assert recharge.status == "pending"
    assert wallet_for(mch_a).balance_fen == 0
    assert LedgerTransaction.objects.count() == 0


def test_the_secret_comes_from_settings(mch_a, recharge):
    payload = notification(recharge)
    with override_settings(PAYMENT_SANDBOX_SECRET="configured-secret"):
        expected = hmac.new(b"configured-secret", canonical_json(payload), hashlib.sha256).hexdigest()
        assert post(payload, signature=expected).status_code == 200
    assert wallet_for(mch_a).balance_fen == 500_000


def test_a_repeated_notification_credits_once(mch_a, recharge):
    payload = notification(recharge)
    assert post(payload).status_code == 200
    again = post(payload)
    assert again.status_code == 200
    assert again.json() == {"ok": True, "recharge": recharge.public_id, "status": "paid"}
    assert wallet_for(mch_a).balance_fen == 500_000
    assert LedgerTransaction.objects.filter(kind="recharge").count() == 1
    assert AuditLog.objects.filter(action="recharge.paid").count() == 1


def test_a_second_payment_for_a_paid_recharge_is_refused(mch_a, recharge):
    assert post(notification(recharge, txn="sbx_1")).status_code == 200
    response = post(notification(recharge, txn="sbx_2"))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_paid"
    assert wallet_for(mch_a).balance_fen == 500_000


def test_a_wrong_amount_is_refused(mch_a, recharge):
    response = post(notification(recharge, amount=1))
    assert (response.status_code, response.json()["error"]["code"]) == (400, "amount_mismatch")
    assert wallet_for(mch_a).balance_fen == 0
    assert Recharge.objects.get().status == "pending"


def test_an_unknown_recharge_is_404(recharge):
    payload = {**notification(recharge), "recharge_id": "rch_NOPE"}
    response = post(payload)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "recharge_not_found")


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]"])
def test_unreadable_bodies_are_400(recharge, body):
    assert post({}, signature="x", body=body).status_code == 400


def test_a_signed_payload_without_the_fields_is_400(recharge):
    payload = {"event": "payment.succeeded", "recharge_id": recharge.public_id}
    response = post(payload)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "bad_payload")


def test_the_endpoint_takes_only_post(recharge):
    assert Client().get(NOTIFY).status_code == 405


def test_a_cancel_notification_fails_the_recharge_and_a_late_payment_still_credits(mch_a, recharge):
    response = post(notification(recharge, txn="sbx_c", event="payment.cancelled"))
    assert response.json() == {"ok": True, "recharge": recharge.public_id, "status": "failed"}
    assert wallet_for(mch_a).balance_fen == 0
    # The payer paid after all (e.g. on a second device): the money arrived, so it is credited.
    assert post(notification(recharge, txn="sbx_p")).status_code == 200
    assert Recharge.objects.get().status == RechargeStatus.PAID
    assert wallet_for(mch_a).balance_fen == 500_000


def test_one_provider_transaction_pays_one_recharge(mch_a, recharge):
    other = services.recharge_create(merchant=mch_a, amount_fen=500_000, actor=None)
    assert post(notification(recharge, txn="sbx_same")).status_code == 200
    response = post(notification(other, txn="sbx_same"))
    assert (response.status_code, response.json()["error"]["code"]) == (409, "provider_txn_reused")
    assert wallet_for(mch_a).balance_fen == 500_000


# The console's path: wallet page -> recharge form -> sandbox checkout -> back with the new balance.

def test_recharge_through_the_sandbox_checkout(console_a, mch_a):
    response = console_a.post(reverse("billing:recharge_start"), {"amount": "1,200.50"})
    recharge = Recharge.objects.get()
    assert recharge.amount_fen == 120_050
    assert response.status_code == 302
    assert response["Location"] == f"/billing/sandbox/checkout/{recharge.public_id}/"
    page = console_a.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "SANDBOX" in html and "¥1200.50" in html and 'value="pay"' in html and 'value="cancel"' in html
    back = console_a.post(response["Location"], {"action": "pay"}, follow=True)
    assert back.redirect_chain == [(reverse("billing:wallet"), 302)]
    assert "Recharge of ¥1200.50 received. Your balance is now ¥1200.50." in back.content.decode()
    assert '<strong id="balance">¥1200.50</strong>' in back.content.decode()
    recharge.refresh_from_db()
    assert recharge.status == "paid" and recharge.provider_txn_id.startswith("sbx_")
    assert wallet_for(mch_a).balance_fen == 120_050
    # Paying the same checkout again does nothing.
    console_a.post(response["Location"], {"action": "pay"})
    assert wallet_for(mch_a).balance_fen == 120_050
    assert LedgerTransaction.objects.count() == 1
    assert_ledger_consistent()


def test_cancel_at_the_sandbox_checkout(console_a, mch_a):
    console_a.post(reverse("billing:recharge_start"), {"amount": "50"})
    recharge = Recharge.objects.get()
    back = console_a.post(recharge.checkout_url, {"action": "cancel"}, follow=True)
    assert "The recharge was cancelled; nothing was charged." in back.content.decode()
    recharge.refresh_from_db()
    assert recharge.status == "failed"
    assert wallet_for(mch_a).balance_fen == 0


@pytest.mark.parametrize("amount", ["0.5", "abc", "1.001", "-5", "1000000.01"])
def test_bad_recharge_amounts_on_the_console(console_a, amount):
    response = console_a.post(reverse("billing:recharge_start"), {"amount": amount})
    assert response.status_code == 422
    assert Recharge.objects.count() == 0


def test_merchant_b_cannot_open_or_pay_as_checkout(console_b, mch_a, recharge):
    assert console_b.get(recharge.checkout_url).status_code == 404
    assert console_b.post(recharge.checkout_url, {"action": "pay"}).status_code == 404
    recharge.refresh_from_db()
    assert recharge.status == "pending"
    assert wallet_for(mch_a).balance_fen == 0
    assert LedgerTransaction.objects.count() == 0


def test_the_checkout_needs_a_signed_in_merchant(recharge, operator_factory):
    assert Client().get(recharge.checkout_url).status_code == 302
    operator = Client()
    operator.force_login(operator_factory())
    assert operator.get(recharge.checkout_url).status_code == 403


def test_without_the_sandbox_there_is_no_way_to_pay(settings, console_a, api_a, mch_a, recharge):
    """Production (DEBUG off) has no sandbox unless asked for: nobody can mint balance with a click."""
    del settings.PAYMENT_SANDBOX_ENABLED
    settings.DEBUG = False
    assert console_a.get(recharge.checkout_url).status_code == 404
    assert console_a.post(recharge.checkout_url, {"action": "pay"}).status_code == 404
    page = console_a.get(reverse("billing:wallet")).content.decode()
    assert "Online recharge is not available at the moment." in page and 'id="recharge"' not in page
    assert console_a.post(reverse("billing:recharge_start"), {"amount": "100"}).status_code == 503
    response = api_a.post("/api/v1/wallet/recharges", {"amount_fen": 10_000}, content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (503, "payments_unavailable")
    assert Recharge.objects.count() == 1
    assert wallet_for(mch_a).balance_fen == 0
    settings.DEBUG = True
    assert console_a.get(recharge.checkout_url).status_code == 200


def test_a_notification_cannot_confirm_another_providers_recharge(mch_a, recharge):
    Recharge.objects.filter(pk=recharge.pk).update(provider="alipay")
    response = post(notification(recharge))
    assert (response.status_code, response.json()["error"]["code"]) == (400, "provider_mismatch")
    assert wallet_for(mch_a).balance_fen == 0
