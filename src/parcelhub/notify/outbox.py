"""Writing the outbox: status changes become messages, in two steps.

1. `outbox_record_changes`, from the `status_changed` receiver inside the ingest transaction: the changes go
   into one bare `ChangeBatch` row, so a rolled-back change leaves nothing behind and a committed one cannot
   be lost — and the push receiver writes one row instead of reading templates and composing every text.
2. `outbox_expand_pending`, in the worker after the commit (the `changes_committed` job, and the outbox
   sweep every minute for a job that was lost): each batch becomes one composed `Outbox` row per change ×
   channel × recipient, and is deleted in the same transaction; a batch is locked while it is expanded and
   skipped by anyone else, so each change is expanded once. Delivery is queued after that commit.

`outbox_write_for_changes` composes the rows with a fixed number of queries whatever the batch size.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from parcelhub.accounts.models import MerchantRole, User
from parcelhub.carriers.models import Carrier
from parcelhub.core import clock
from parcelhub.core.ids import new_id
from parcelhub.notify import messages
from parcelhub.notify.models import (
    ChangeBatch,
    Channel,
    MessageTemplate,
    NotifySettings,
    Outbox,
    WebhookEndpoint,
)
from parcelhub.shipping.models import Shipment
from parcelhub.shipping.selectors import tracking_url
from parcelhub.tracking.models import Tracking, TrackingPageDesign
from parcelhub.tracking.services import StatusChange
from parcelhub.tracking.status import Status

EVENT_STATUS_CHANGED = "shipment.status_changed"
EVENT_DELIVERED = "shipment.delivered"
EVENT_EXCEPTION = "shipment.exception"
EVENT_TYPES = (EVENT_STATUS_CHANGED, EVENT_DELIVERED, EVENT_EXCEPTION)
EVENT_TEST = "test"
# What messages need from a shipment (its label data and JSON breakdown stay unread on this hot path).
SHIPMENT_FIELDS = ("public_id", "merchant", "test_mode", "reference", "recipient_name", "recipient_phone",
                   "carrier_code", "service_name", "waybill_no")


def events_for(status: str) -> list[str]:
    events = [EVENT_STATUS_CHANGED]
    if status == Status.DELIVERED:
        events.append(EVENT_DELIVERED)
    if status == Status.EXCEPTION:
        events.append(EVENT_EXCEPTION)
    return events


def webhook_body(*, event_id: str, event_type: str, created, data: dict, livemode: bool = True) -> str:
    return json.dumps({"id": event_id, "type": event_type, "created": int(created.timestamp()),
                       "livemode": livemode, "data": data}, ensure_ascii=False, separators=(",", ":"))


def shipment_event_data(shipment, change, url: str) -> dict:
    return {"shipment_id": shipment.public_id, "reference": shipment.reference, "carrier": shipment.carrier_code,
            "service": shipment.service_name, "waybill_no": shipment.waybill_no,
            "old_status": str(change.old), "status": str(change.new), "exception_kind": change.exception_kind,
            "occurred_at": change.occurred_at.isoformat(), "description": change.description, "tracking_url": url}


def enqueue_after_commit(ids: list[int]) -> None:
    if not ids:
        return
    from parcelhub.notify.tasks import deliver_outbox

    transaction.on_commit(lambda: deliver_outbox(ids))


def owner_emails(merchant_ids: Iterable[int]) -> dict[int, list[str]]:
    emails: dict[int, list[str]] = defaultdict(list)
    for merchant_id, email in (User.objects.filter(merchant_id__in=list(merchant_ids), is_active=True,
                                                   merchant_role=MerchantRole.OWNER)
                               .order_by("pk").values_list("merchant_id", "email")):
        emails[merchant_id].append(email)
    return emails


# A status reached longer ago than this is not messaged to consignees or merchants any more.
STALE_FOR_PEOPLE = dt.timedelta(hours=24)


# Batches expanded per transaction by the worker.
EXPAND_BATCHES = 20


def outbox_record_changes(*, changes: list[StatusChange]) -> ChangeBatch | None:
    """The bare half, inside the ingest transaction: one row holding the changes."""
    if not changes:
        return None
    return ChangeBatch.objects.create(changes=[change.as_json() for change in changes], created_at=clock.now())


def outbox_expand_pending(*, limit: int | None = None) -> int:
    """Turn pending change batches into composed outbox rows; the number of batches expanded."""
    expanded = 0
    while limit is None or expanded < limit:
        size = EXPAND_BATCHES if limit is None else min(EXPAND_BATCHES, limit - expanded)
        with transaction.atomic():
            batches = list(ChangeBatch.objects.select_for_update(skip_locked=True).order_by("pk")[:size])
            if not batches:
                break
            ChangeBatch.objects.filter(pk__in=[batch.pk for batch in batches]).delete()
            for batch in batches:
                outbox_write_for_changes(changes=[StatusChange.from_json(c) for c in batch.changes],
                                         received_at=batch.created_at)
        expanded += len(batches)
    return expanded


def outbox_write_for_changes(*, changes, received_at: dt.datetime | None = None) -> list[Outbox]:
    """One composed row per change × channel × recipient; delivery is scheduled for after the commit.
    `received_at` (default now) is when the changes came in: the messages' creation time, and what decides
    whether the news is too old for people."""
    if not changes:
        return []
    now = received_at or clock.now()
    due = clock.now()
    shipments = (Shipment.objects.select_related("merchant")
                 .only(*SHIPMENT_FIELDS, "merchant__name", "merchant__public_id")
                 .in_bulk([c.shipment_id for c in changes]))
    merchant_ids = {s.merchant_id for s in shipments.values()}
    configs = {c.merchant_id: c for c in NotifySettings.objects.filter(merchant_id__in=merchant_ids)}
    templates = {(t.merchant_id, t.status, t.channel, t.language): t for t in
                 MessageTemplate.objects.filter(merchant_id__in=merchant_ids).select_related("marketing_block")}
    designs = dict(TrackingPageDesign.objects.filter(merchant_id__in=merchant_ids)
                   .values_list("merchant_id", "display_name"))
    endpoints: dict[int, list[WebhookEndpoint]] = defaultdict(list)
    for endpoint in WebhookEndpoint.objects.filter(merchant_id__in=merchant_ids, is_active=True, deleted_at=None):
        endpoints[endpoint.merchant_id].append(endpoint)
    etas = dict(Tracking.objects.filter(pk__in=[c.tracking_id for c in changes]).values_list("pk", "eta_latest"))
    carriers = dict(Carrier.objects.values_list("code", "name"))
    carriers_en = dict(Carrier.objects.values_list("code", "name_en"))
    emails = owner_emails(merchant_ids)

    rows: list[Outbox] = []
    for change in changes:
        shipment = shipments.get(change.shipment_id)
        if shipment is None:
            continue
        merchant = shipment.merchant
        url = tracking_url(shipment)
        for endpoint in endpoints.get(merchant.pk, []):
            for event_type in events_for(change.new):
                if event_type not in endpoint.events:
                    continue
                event_id = new_id("evt")
                body = webhook_body(event_id=event_id, event_type=event_type, created=now,
                                    data=shipment_event_data(shipment, change, url), livemode=not shipment.test_mode)
                rows.append(Outbox(public_id=event_id, merchant=merchant, shipment=shipment, endpoint=endpoint,
                                   channel=Channel.WEBHOOK, event_type=event_type, status_from=change.old,
                                   status_to=change.new, recipient=endpoint.url, body=body, next_attempt_at=due,
                                   created_at=now))
        if shipment.test_mode:
            continue  # test-mode parcels reach the merchant's webhooks only, never a person
        if change.occurred_at < now - STALE_FOR_PEOPLE:
            continue  # old news (a tracker catching up, history being loaded): systems hear it, people do not
        config = configs.get(merchant.pk)
        rule = messages.rules_for(config).get(str(change.new))
        if rule is None:
            continue
        language = config.language if config else "zh"
        shop_name = designs.get(merchant.pk) or merchant.name
        carrier_name = (carriers if language == "zh" else carriers_en).get(shipment.carrier_code,
                                                                             shipment.carrier_code)
        recipients = []
        if rule["sms"] and shipment.recipient_phone:
            recipients.append((Channel.SMS, shipment.recipient_phone))
        if rule["email"]:
            recipients += [(Channel.EMAIL, email) for email in emails.get(merchant.pk, [])]
        for channel, address in recipients:
            template = templates.get((merchant.pk, str(change.new), channel, language))
            block = template.marketing_block if template is not None else None
            values = messages.values_for(shipment=shipment, status=change.new, exception_kind=change.exception_kind,
                                         language=language, shop_name=shop_name, carrier_name=carrier_name,
                                         eta=etas.get(change.tracking_id), block=block, tracking_url=url)
            composed = messages.compose(template=template, status=change.new, channel=channel, language=language,
                                        values=values, unsubscribe=messages.unsubscribe_url(
                                            merchant_id=merchant.pk, channel=channel, address=address))
            rows.append(Outbox(merchant=merchant, shipment=shipment, channel=channel,
                               event_type=EVENT_STATUS_CHANGED, status_from=change.old, status_to=change.new,
                               recipient=address, subject=composed.subject, body=composed.body, html=composed.html,
                               next_attempt_at=due, created_at=now))
    Outbox.objects.bulk_create(rows)
    # PostgreSQL returns the new ids from bulk_create; SQLite (3.35+) does too.
    enqueue_after_commit([row.pk for row in rows])
    return rows
