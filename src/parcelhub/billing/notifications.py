"""Payment notifications from providers: verify, then confirm or fail the recharge.

The notification endpoint and the sandbox checkout both hand the raw body and signature to `notification_receive`,
so the sandbox exercises exactly the path a real provider's server-to-server call takes.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from parcelhub.billing import services
from parcelhub.billing.payments import provider_for
from parcelhub.core.errors import DomainError

logger = logging.getLogger("parcelhub.billing")

SUCCEEDED = "payment.succeeded"
ENDED = {"payment.cancelled", "payment.failed"}


@dataclass(frozen=True)
class NotificationResult:
    status: int
    body: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.status == 200


def _refused(status: int, code: str, message: str) -> NotificationResult:
    return NotificationResult(status, {"error": {"code": code, "message": message}})


def notification_receive(*, provider_name: str, body: bytes, signature: str) -> NotificationResult:
    provider = provider_for(provider_name)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        logger.warning("%s notification: body is not JSON", provider_name)
        return _refused(400, "bad_payload", "The body is not JSON.")
    if not isinstance(payload, dict):
        return _refused(400, "bad_payload", "The body is not a JSON object.")
    if not provider.verify_notification(payload, signature):
        logger.warning("%s notification refused: bad signature (recharge %s, provider txn %s)", provider_name,
                       payload.get("recharge_id"), payload.get("provider_txn_id"))
        return _refused(400, "bad_signature", "The signature does not match the payload.")
    event, txn_id = payload.get("event"), payload.get("provider_txn_id")
    recharge_id, amount = payload.get("recharge_id"), payload.get("amount_fen")
    if not (isinstance(txn_id, str) and txn_id and isinstance(recharge_id, str) and type(amount) is int):
        return _refused(400, "bad_payload", "provider_txn_id, recharge_id and amount_fen are required.")
    try:
        if event == SUCCEEDED:
            recharge = services.recharge_confirm(provider_txn_id=txn_id, recharge_public_id=recharge_id,
                                                 amount_fen=amount, provider=provider_name)
        elif event in ENDED:
            recharge = services.recharge_fail(recharge_public_id=recharge_id, reason=f"{event} {txn_id}",
                                              provider=provider_name)
        else:
            return _refused(400, "unknown_event", f"Unknown event {event!r}.")
    except DomainError as exc:
        logger.warning("%s notification for %s refused: %s", provider_name, recharge_id, exc.code)
        return NotificationResult(exc.status, {"error": {"code": exc.code, "message": exc.message}})
    return NotificationResult(200, {"ok": True, "recharge": recharge.public_id, "status": recharge.status})
