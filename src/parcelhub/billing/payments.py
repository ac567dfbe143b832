"""Payment providers for recharges: where the merchant pays, and how we know a payment notice is genuine.

Only a sandbox provider exists for now. It behaves like a real one: its checkout page (ours, clearly
labelled) sends a notification signed with HMAC-SHA256 over the canonical JSON payload, and the
platform's notification endpoint credits nothing it cannot verify.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.urls import reverse

from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.core.ids import new_id

if TYPE_CHECKING:
    from parcelhub.billing.models import Recharge

SIGNATURE_HEADER = "X-Sandbox-Signature"


class PaymentProvider(Protocol):
    name: str

    def start(self, recharge: Recharge) -> str:
        """Register the payment with the provider; the URL (or path on this site) to send the payer to."""
        ...

    def verify_notification(self, payload: dict[str, Any], signature: str) -> bool:
        ...


def canonical_json(payload: dict[str, Any]) -> bytes:
    """One byte string per payload, whatever order or spacing the sender used."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sandbox_secret() -> bytes:
    # Settings may name a secret; otherwise derive one from SECRET_KEY so no two installations share it.
    secret = getattr(settings, "PAYMENT_SANDBOX_SECRET", None)
    if secret:
        return str(secret).encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"parcelhub.billing.sandbox", hashlib.sha256).digest()


class SandboxProvider:
    name = "sandbox"

    def start(self, recharge: Recharge) -> str:
        # The sandbox's checkout is served by this site, so a path keeps the payer on the host (and session)
        # they came from; the API makes it absolute for its callers.
        return reverse("billing:sandbox_checkout", args=[recharge.public_id])

    def sign(self, payload: dict[str, Any]) -> str:
        return hmac.new(sandbox_secret(), canonical_json(payload), hashlib.sha256).hexdigest()

    def verify_notification(self, payload: dict[str, Any], signature: str) -> bool:
        return hmac.compare_digest(self.sign(payload), signature or "")

    def notification(self, recharge: Recharge, *, paid: bool) -> tuple[dict[str, Any], str]:
        """What the sandbox sends when the payer pays or cancels: the payload and its signature."""
        payload = {
            "event": "payment.succeeded" if paid else "payment.cancelled",
            "provider_txn_id": new_id("sbx"),
            "recharge_id": recharge.public_id,
            "amount_fen": recharge.amount_fen,
            "occurred_at": clock.now().isoformat(),
        }
        return payload, self.sign(payload)


PROVIDERS: dict[str, PaymentProvider] = {"sandbox": SandboxProvider()}
# Where new recharges are paid; the only provider until a real one is contracted.
DEFAULT_PROVIDER = "sandbox"


def sandbox_enabled() -> bool:
    # Paying at the sandbox credits a wallet without any money moving: on for development and demos (DEBUG),
    # off in production unless the setting says otherwise.
    return bool(getattr(settings, "PAYMENT_SANDBOX_ENABLED", settings.DEBUG))


def provider_available(name: str = DEFAULT_PROVIDER) -> bool:
    return name in PROVIDERS and (name != "sandbox" or sandbox_enabled())


def payments_unavailable() -> DomainError:
    return DomainError("payments_unavailable", "Online recharge is not available at the moment.",
                       "暂不支持在线充值。", status=503)


def provider_for(name: str) -> PaymentProvider:
    return PROVIDERS[name]
