"""Writes for tracking: start tracking a bought label, and ingest carrier events in batches.

Ingesting is the hot path (pushes arrive by the thousand): one query finds the shipments, one finds the
events already stored, one bulk insert stores the new ones, one bulk update moves the statuses — whatever the
batch size. Status changes are announced with the `status_changed` signal inside the same transaction, so
whatever a receiver writes (the notification outbox) commits or rolls back with the change itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.dispatch import Signal

from parcelhub.core import clock
from parcelhub.tracking.models import Tracking, TrackingEvent
from parcelhub.tracking.status import Status, next_status
from parcelhub.tracking.subscriptions import subscribe_after_commit

# Sent with `changes: list[StatusChange]` inside the ingest transaction.
status_changed = Signal()

FIRST_POLL_AFTER = dt.timedelta(hours=1)


@dataclass(frozen=True)
class IncomingEvent:
    carrier: str
    waybill_no: str
    occurred_at: dt.datetime
    status: Status
    description: str
    location: str = ""
    raw_code: str = ""
    exception_kind: str = ""
    source: str = "sandbox"

    def dedupe_key(self) -> str:
        text = f"{self.carrier}|{self.waybill_no}|{self.occurred_at.isoformat()}|{self.raw_code}|{self.description}"
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class StatusChange:
    tracking_id: int
    shipment_id: int
    old: Status
    new: Status
    exception_kind: str
    occurred_at: dt.datetime
    description: str


@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    unknown: list[tuple[str, str]] = field(default_factory=list)   # (carrier, waybill) we do not track
    changes: list[StatusChange] = field(default_factory=list)


def tracking_start(*, shipment) -> Tracking:
    """Called when a label is bought: the parcel exists for the carrier from now on."""
    tracking, _ = Tracking.objects.update_or_create(
        shipment=shipment,
        defaults={"carrier_code": shipment.carrier_code, "waybill_no": shipment.waybill_no,
                  "status": Status.CREATED, "progress": Status.CREATED, "status_changed_at": clock.now(),
                  "next_poll_at": clock.now() + FIRST_POLL_AFTER, "stopped_at": None},
    )
    subscribe_after_commit(tracking)
    return tracking


STATE_FIELDS = ("status", "progress", "exception_kind", "last_event_at", "status_changed_at", "picked_up_at",
                "delivered_at")


def _locked_trackings(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Tracking]:
    # Two IN lists on the (carrier_code, waybill_no) index instead of one OR term per pair: building and
    # compiling a hundred OR'ed Q objects cost more than the query. The IN lists match a superset only when
    # one waybill number exists at two carriers of the same batch; those extra rows are locked (harmlessly,
    # in pk order) and left out of the answer.
    if not pairs:
        return {}
    rows = (Tracking.objects.select_for_update().only("shipment_id", "carrier_code", "waybill_no", *STATE_FIELDS)
            .filter(carrier_code__in={carrier for carrier, _ in pairs}, waybill_no__in={waybill for _, waybill in pairs})
            .order_by("pk"))
    return {(t.carrier_code, t.waybill_no): t for t in rows if (t.carrier_code, t.waybill_no) in pairs}


def _apply(tracking: Tracking, events: list[TrackingEvent]) -> StatusChange | None:
    """Move one tracking through its new events in event-time order; the net change, if any."""
    old = Status(tracking.status)
    for event in sorted(events, key=lambda e: e.occurred_at):
        if tracking.last_event_at is not None and event.occurred_at < tracking.last_event_at:
            continue  # late: it joins the timeline but never moves the status
        tracking.last_event_at = event.occurred_at
        moved = next_status(Status(tracking.status), Status(tracking.progress), Status(event.status))
        if moved is None:
            continue
        tracking.status, tracking.progress = moved
        tracking.exception_kind = event.exception_kind if moved[0] == Status.EXCEPTION else ""
        tracking.status_changed_at = event.occurred_at
        if moved[0] == Status.PICKED_UP and tracking.picked_up_at is None:
            tracking.picked_up_at = event.occurred_at
        if moved[0] == Status.DELIVERED:
            tracking.delivered_at = event.occurred_at
        last = event
    if Status(tracking.status) == old:
        return None
    return StatusChange(tracking_id=tracking.pk, shipment_id=tracking.shipment_id, old=old,
                        new=Status(tracking.status), exception_kind=tracking.exception_kind,
                        occurred_at=last.occurred_at, description=last.description)


def _save_states(trackings: list[Tracking]) -> None:
    """What bulk_update(trackings, STATE_FIELDS) does: on PostgreSQL one UPDATE … FROM unnest(arrays) — one
    short statement whatever the batch size, so the driver's query conversion is cached — and one
    executemany UPDATE elsewhere.

    bulk_update builds a CASE WHEN per field and row, and resolving those expressions cost ten times the
    rest of an ingest (bench/tracking.py)."""
    if not trackings:
        return
    quote = connection.ops.quote_name
    table, pk = quote(Tracking._meta.db_table), Tracking._meta.pk
    fields = [Tracking._meta.get_field(name) for name in STATE_FIELDS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = [pk, *fields]
            # Plain str (not the Status enum) and aware datetimes: what the array columns are cast to.
            arrays = [[t.pk for t in trackings]] + [
                [getattr(t, f.attname) if f.get_internal_type() == "DateTimeField" else str(getattr(t, f.attname))
                 for t in trackings] for f in fields]
            sql = (f"UPDATE {table} AS t SET "
                   + ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
                   + " FROM unnest(" + ", ".join(f"%s::{f.db_type(connection)}[]" for f in columns) + ") AS v("
                   + ", ".join(quote(f.column) for f in columns)
                   + f") WHERE t.{quote(pk.column)} = v.{quote(pk.column)}")
            cursor.execute(sql, arrays)
        else:
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {quote(pk.column)} = %s",
                               [[f.get_db_prep_save(getattr(t, f.attname), connection) for f in fields] + [t.pk]
                                for t in trackings])


def tracking_ingest(*, events: Sequence[IncomingEvent]) -> IngestResult:
    """Store new events (duplicates ignored), move statuses forward, announce the changes."""
    result = IngestResult(received=len(events))
    with transaction.atomic():
        trackings = _locked_trackings({(e.carrier, e.waybill_no) for e in events})
        keys = {e.dedupe_key(): e for e in events}
        seen = set(TrackingEvent.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True))
        fresh: dict[int, list[TrackingEvent]] = defaultdict(list)
        rows = []
        for key, event in keys.items():
            tracking = trackings.get((event.carrier, event.waybill_no))
            if tracking is None:
                result.unknown.append((event.carrier, event.waybill_no))
                continue
            if key in seen:
                continue
            row = TrackingEvent(tracking=tracking, occurred_at=event.occurred_at, status=event.status,
                                exception_kind=event.exception_kind, raw_code=event.raw_code[:32],
                                description=event.description[:300], location=event.location[:100],
                                source=event.source, dedupe_key=key)
            rows.append(row)
            fresh[tracking.pk].append(row)
        TrackingEvent.objects.bulk_create(rows, ignore_conflicts=True)
        result.stored = len(rows)
        result.duplicates = result.received - result.stored - len(result.unknown)
        touched = [t for t in trackings.values() if t.pk in fresh]
        for tracking in touched:
            change = _apply(tracking, fresh[tracking.pk])
            if change is not None:
                result.changes.append(change)
        _save_states(touched)
        if result.changes:
            status_changed.send(sender=Tracking, changes=result.changes)
    return result
