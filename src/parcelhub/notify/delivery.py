"""Sending outbox rows: claim, send, record; retry with exponential back-off; dead-letter after N failures.

A row is claimed by a compare-and-set update (pending → sending, attempts n → n+1, where state and
attempts still are what the worker read), so two workers that pick the same row never both send it: the
second update matches no row. The result is written with the same guard.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import F

from parcelhub.core import clock
from parcelhub.notify import channels
from parcelhub.notify.models import (
    Channel,
    Outbox,
    SmsMessage,
    SmsUsage,
    Suppression,
    WebhookDelivery,
    WebhookEndpoint,
)
from parcelhub.notify.outbox import outbox_expand_pending

log = logging.getLogger(__name__)

BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=2)
# A row left in "sending" this long belonged to a worker that died mid-send; it is tried again.
CLAIM_LEASE = dt.timedelta(minutes=10)
SWEEP_BATCH = 500


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFY_MAX_ATTEMPTS", 8))


def endpoint_failure_limit() -> int:
    return int(getattr(settings, "NOTIFY_WEBHOOK_DISABLE_AFTER", 10))


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure: 1, 2, 4, 8 … minutes, at most two hours."""
    return min(BACKOFF_BASE * (2 ** (attempts - 1)), BACKOFF_CAP)


def outbox_claim(row_id: int) -> Outbox | None:
    """The row, now ours to send, or None when it is not due or another worker took it first."""
    now = clock.now()
    seen = Outbox.objects.filter(pk=row_id).values("state", "attempts", "next_attempt_at").first()
    if seen is None or seen["state"] != Outbox.State.PENDING or seen["next_attempt_at"] > now:
        return None
    won = Outbox.objects.filter(pk=row_id, state=Outbox.State.PENDING, attempts=seen["attempts"]).update(
        state=Outbox.State.SENDING, attempts=seen["attempts"] + 1, claimed_at=now)
    if not won:
        return None
    return Outbox.objects.select_related("merchant", "endpoint").get(pk=row_id)


def _finish(row: Outbox, **fields) -> bool:
    return bool(Outbox.objects.filter(pk=row.pk, state=Outbox.State.SENDING, attempts=row.attempts)
                .update(**fields))


def _month(now: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localtime(now).date().replace(day=1)


def sms_quota_for(merchant) -> int:
    """An operator's per-merchant quota, else the plan's (plans app), else NOTIFY_SMS_MONTHLY_QUOTA."""
    from parcelhub.notify.messages import sms_quota_default
    from parcelhub.plans.selectors import plan_limit

    config = getattr(merchant, "notify_settings", None)
    if config is not None and config.sms_monthly_quota is not None:
        return config.sms_monthly_quota
    from_plan = plan_limit(merchant, "sms_monthly_quota")
    return from_plan if from_plan is not None else sms_quota_default()


def _take_sms_quota(merchant, now: dt.datetime) -> bool:
    month = _month(now)
    SmsUsage.objects.get_or_create(merchant=merchant, month=month)
    return bool(SmsUsage.objects.filter(merchant=merchant, month=month, count__lt=sms_quota_for(merchant))
                .update(count=F("count") + 1))


def _give_back_sms_quota(merchant, now: dt.datetime) -> None:
    SmsUsage.objects.filter(merchant=merchant, month=_month(now), count__gt=0).update(count=F("count") - 1)


def _suppressed(row: Outbox) -> str:
    reasons = set(Suppression.objects.filter(merchant=row.merchant, channel=row.channel, address=row.recipient)
                  .values_list("reason", flat=True))
    if Suppression.Reason.BLACKLISTED in reasons:
        return "blacklisted"
    if Suppression.Reason.UNSUBSCRIBED in reasons:
        return "unsubscribed"
    return ""


def _send_sms(row: Outbox, now: dt.datetime) -> None:
    reason = _suppressed(row)
    if reason:
        raise channels.Skip(reason)
    if not _take_sms_quota(row.merchant, now):
        raise channels.Skip("over_quota")
    provider = channels.sms_provider()
    try:
        provider_id = provider.send(phone=row.recipient, text=row.body)
    except Exception:
        _give_back_sms_quota(row.merchant, now)
        raise
    SmsMessage.objects.create(merchant=row.merchant, outbox=row, phone=row.recipient, text=row.body,
                              provider=provider.name, provider_id=provider_id, sent_at=now)


def _send_email(row: Outbox) -> None:
    reason = _suppressed(row) if row.event_type.startswith("shipment.") else ""
    if reason:
        raise channels.Skip(reason)
    channels.email_send(to=row.recipient, subject=row.subject, text=row.body, html=row.html)


def _send_webhook(row: Outbox, now: dt.datetime) -> None:
    endpoint = row.endpoint
    if endpoint is None or endpoint.deleted_at is not None:
        raise channels.Skip("endpoint_deleted")
    if not endpoint.is_active:
        raise channels.Skip("endpoint_disabled")
    result = channels.webhook_post(url=endpoint.url, secret=endpoint.secret, body=row.body.encode(),
                                   event_id=row.public_id, event_type=row.event_type)
    WebhookDelivery.objects.create(endpoint=endpoint, outbox=row, attempt=row.attempts,
                                   status_code=result.status_code, duration_ms=result.duration_ms,
                                   error=result.error, response_body=result.response_body, attempted_at=now)
    if result.ok:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        return
    _endpoint_failed(endpoint, now)
    raise RuntimeError(result.error or f"HTTP {result.status_code}")


def _endpoint_failed(endpoint: WebhookEndpoint, now: dt.datetime) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    disabled = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True,
                                              consecutive_failures__gte=endpoint_failure_limit()).update(
        is_active=False, disabled_at=now)
    if disabled:
        from parcelhub.notify.services import endpoint_disabled_notice

        endpoint_disabled_notice(endpoint=endpoint)


def outbox_deliver(row_id: int) -> str | None:
    """Send one row if it is due and nobody else is sending it; the row's state afterwards (None: not ours)."""
    row = outbox_claim(row_id)
    if row is None:
        return None
    now = clock.now()
    try:
        if row.channel == Channel.SMS:
            _send_sms(row, now)
        elif row.channel == Channel.EMAIL:
            _send_email(row)
        else:
            _send_webhook(row, now)
    except channels.Skip as skip:
        _finish(row, state=Outbox.State.SKIPPED, skip_reason=skip.reason, claimed_at=None)
        return Outbox.State.SKIPPED
    except Exception as exc:  # any failure of the channel is retried; the message is what we keep
        error = f"{type(exc).__name__}: {exc}"[:500]
        if row.attempts >= max_attempts():
            _finish(row, state=Outbox.State.DEAD, last_error=error, claimed_at=None)
            log.warning("notification %s dead after %s attempts: %s", row.public_id, row.attempts, error)
            return Outbox.State.DEAD
        _finish(row, state=Outbox.State.PENDING, last_error=error, claimed_at=None,
                next_attempt_at=now + backoff(row.attempts))
        return Outbox.State.PENDING
    _finish(row, state=Outbox.State.SENT, sent_at=now, last_error="", claimed_at=None)
    return Outbox.State.SENT


def outbox_sweep(*, limit: int = SWEEP_BATCH) -> int:
    """Send what is due (new rows whose after-commit task was lost, and retries); free stale claims. Change
    batches whose expansion job was lost are composed first."""
    outbox_expand_pending(limit=limit)
    now = clock.now()
    Outbox.objects.filter(state=Outbox.State.SENDING, claimed_at__lt=now - CLAIM_LEASE).update(
        state=Outbox.State.PENDING, claimed_at=None, last_error="interrupted while sending", next_attempt_at=now)
    due = list(Outbox.objects.filter(state=Outbox.State.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    sent = 0
    for row_id in due:
        if outbox_deliver(row_id) is not None:
            sent += 1
    return sent


def outbox_purge(*, older_than: dt.timedelta | None = None) -> int:
    """Finished rows (sent, skipped, dead) older than the retention period go, with their webhook log."""
    days = int(getattr(settings, "NOTIFY_RETENTION_DAYS", 90))
    cutoff = clock.now() - (older_than or dt.timedelta(days=days))
    finished = [Outbox.State.SENT, Outbox.State.SKIPPED, Outbox.State.DEAD]
    deleted, _ = Outbox.objects.filter(state__in=finished, created_at__lt=cutoff).delete()
    return deleted
