"""`Idempotency-Key` for every creating POST of the API: a retry gets the first answer, never a second purchase.

The first request claims the key by inserting a row (the unique constraint makes the claim atomic across
processes), runs, and stores its answer. A retry with the same key and body replays that answer; with a
different body it is refused (422); while the first is still running it is told to wait (409). Server errors
(5xx) release the key so the client can retry. Keys are scoped by merchant.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from parcelhub.core import clock
from parcelhub.core.models import IdempotencyRecord

RETENTION = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _scope(request: HttpRequest) -> str | None:
    """The merchant the request acts for, read the same way the API authenticates it."""
    from parcelhub.accounts.selectors import api_key_authenticate

    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        key = api_key_authenticate(header.removeprefix("Bearer ").strip())
        return key.merchant.public_id if key else None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.merchant_id:
        return user.merchant.public_id
    return None


def _claim(scope: str, key: str, request: HttpRequest, body_hash: str) -> IdempotencyRecord | None:
    """Insert the claim; None when this request owns the key now, else the existing record."""
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(scope=scope, key=key, method=request.method, path=request.path,
                                             request_hash=body_hash)
        return None
    except IntegrityError:
        return IdempotencyRecord.objects.get(scope=scope, key=key)


def _replay(record: IdempotencyRecord, request: HttpRequest, body_hash: str) -> HttpResponse:
    if record.request_hash != body_hash or record.path != request.path:
        return _error(422, "idempotency_key_reused",
                      "This Idempotency-Key was used for a different request; use a new key.")
    if record.status_code is None:
        return _error(409, "idempotency_in_progress", "A request with this Idempotency-Key is still running.")
    response = HttpResponse(bytes(record.response_body or b""), status=record.status_code,
                            content_type=record.content_type or "application/json")
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get("Idempotency-Key", "").strip()
        if request.method != "POST" or not key or not request.path.startswith("/api/"):
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            return _error(400, "idempotency_key_invalid", f"Idempotency-Key is longer than {MAX_KEY_LENGTH}.")
        scope = _scope(request)
        if scope is None:
            return self.get_response(request)  # unauthenticated: the API answers 401 itself
        body_hash = hashlib.sha256(request.body).hexdigest()
        existing = _claim(scope, key, request, body_hash)
        if existing is not None:
            return _replay(existing, request, body_hash)
        response = self.get_response(request)
        if response.status_code >= 500 or response.streaming:
            IdempotencyRecord.objects.filter(scope=scope, key=key).delete()
        else:
            IdempotencyRecord.objects.filter(scope=scope, key=key).update(
                status_code=response.status_code, content_type=response.get("Content-Type", ""),
                response_body=response.content)
        return response


def idempotency_purge(*, older_than: dt.timedelta = RETENTION) -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=clock.now() - older_than).delete()
    return deleted
