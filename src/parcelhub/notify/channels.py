"""How messages leave: SMS through a provider, email through Django's backend, webhooks over HTTP(S).

Each function either returns normally (sent), raises `Skip` (never to be sent: not retried), or raises any
other exception (a failure: retried with back-off).
"""

from __future__ import annotations

import hashlib
import hmac
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string

from parcelhub.core.ids import new_id

SIGNATURE_HEADER = "ParcelHub-Signature"


class Skip(Exception):
    """The message will not be sent, for a reason that another attempt would not change."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SmsProvider(Protocol):
    name: str

    def send(self, *, phone: str, text: str) -> str:
        """Hand the message over; return the provider's message id or raise on failure."""


class SandboxSmsProvider:
    """Sends nothing: the message is recorded as sent (SmsMessage) and shown in the console's SMS log."""

    name = "sandbox"

    def send(self, *, phone: str, text: str) -> str:
        return new_id("sms")


def sms_provider() -> SmsProvider:
    path = getattr(settings, "NOTIFY_SMS_PROVIDER", "parcelhub.notify.channels.SandboxSmsProvider")
    return import_string(path)()


def email_send(*, to: str, subject: str, text: str, html: str) -> None:
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    if html:
        message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `ParcelHub-Signature` header value: HMAC-SHA256 of `f"{timestamp}.{body}"` with the endpoint's secret."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer outside 2xx: following it would turn the POST into a GET to somewhere else."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True)
class HttpResult:
    status_code: int | None
    duration_ms: int
    error: str
    response_body: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def webhook_post(*, url: str, secret: str, body: bytes, event_id: str, event_type: str) -> HttpResult:
    timeout = float(getattr(settings, "NOTIFY_WEBHOOK_TIMEOUT_S", 5))
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "ParcelHub-Webhooks/1",
               SIGNATURE_HEADER: sign(secret, int(time.time()), body), "ParcelHub-Event-Id": event_id,
               "ParcelHub-Event-Type": event_type}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.monotonic()
    try:
        with _opener.open(request, timeout=timeout) as response:
            text = response.read(500).decode("utf-8", "replace")
            code, error = response.status, ""
    except urllib.error.HTTPError as exc:
        text = exc.read(500).decode("utf-8", "replace") if exc.fp else ""
        code, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        text, code, error = "", None, f"{type(exc).__name__}: {reason}"[:300]
    return HttpResult(code, int((time.monotonic() - started) * 1000), error, text)
