"""Writes for tracking: start tracking a bought label, and ingest carrier events in batches.

Ingesting is the hot path (pushes arrive by the thousand): one query locks and reads the trackings, one insert
stores the new events and names them (what it does not store is a duplicate), one update moves the statuses —
whatever the batch size; on PostgreSQL each is one fixed statement fed one JSON document. Status changes are
announced twice:
* `status_changed`, inside the transaction, so whatever a receiver writes (the notification outbox's bare
  rows) commits or rolls back with the change itself — receivers must be quick, they hold the push;
* `changes_committed`, after the commit, in one worker job per ingest: the follow-ups (issue detection, ETA
  refresh, composing the messages) that need not hold the push's transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import orjson
from django.db import connection, transaction
from django.dispatch import Signal
from huey.contrib.djhuey import db_task

from parcelhub.core import clock
from parcelhub.tracking.models import Tracking, TrackingEvent
from parcelhub.tracking.status import Status, next_status
from parcelhub.tracking.subscriptions import subscribe_after_commit

logger = logging.getLogger(__name__)

# Sent with `changes: list[StatusChange]` inside the ingest transaction.
status_changed = Signal()
# Sent with `tracking_ids: list[int]` in the worker once an ingest that changed them has committed.
changes_committed = Signal()

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

    def as_json(self) -> dict[str, object]:
        return {"tracking_id": self.tracking_id, "shipment_id": self.shipment_id, "old": str(self.old),
                "new": str(self.new), "exception_kind": self.exception_kind,
                "occurred_at": self.occurred_at.isoformat(), "description": self.description}

    @classmethod
    def from_json(cls, data: dict) -> StatusChange:
        return cls(tracking_id=data["tracking_id"], shipment_id=data["shipment_id"], old=Status(data["old"]),
                   new=Status(data["new"]), exception_kind=data["exception_kind"],
                   occurred_at=dt.datetime.fromisoformat(data["occurred_at"]), description=data["description"])


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
EVENT_COLUMNS = ("tracking_id", "occurred_at", "status", "exception_kind", "raw_code", "description", "location",
                 "source", "dedupe_key", "received_at")


@dataclass(slots=True)
class _State:
    """One tracking's state columns as read under its row lock: plain attributes, not a model instance (building
    a hundred Tracking objects per push cost more than the query)."""

    pk: int
    shipment_id: int
    carrier_code: str
    waybill_no: str
    status: str
    progress: str
    exception_kind: str
    last_event_at: dt.datetime | None
    status_changed_at: dt.datetime | None
    picked_up_at: dt.datetime | None
    delivered_at: dt.datetime | None

    def columns(self) -> tuple:
        # STATE_FIELDS, in order (spelt out: this runs twice per parcel and push).
        return (self.status, self.progress, self.exception_kind, self.last_event_at, self.status_changed_at,
                self.picked_up_at, self.delivered_at)


_STATE_COLUMNS = ("id", "shipment_id", "carrier_code", "waybill_no", *STATE_FIELDS)
_INCOMING = {"n": "int", "carrier_code": "text", "waybill_no": "text", "occurred_at": "timestamptz", "status": "text",
             "exception_kind": "text", "raw_code": "text", "description": "text", "location": "text",
             "source": "text", "dedupe_key": "text"}
_STATE = ", ".join(f"t.{c}" for c in _STATE_COLUMNS)
_STORED = ", ".join(f"i.{c}" for c in EVENT_COLUMNS[1:-1])
# PostgreSQL: lock and read the trackings and store the events that are new, in one statement of fixed text
# fed one JSON document (orjson writes it in C; psycopg caches the statement's conversion). Locks are taken in
# pk order, so two pushes never deadlock, and are NO KEY UPDATE, the lock the update takes anyway, so rows
# that point at a tracking (its events, its issues) are not held up. The insert joins the locked rows, so an
# event is only stored under its parcel's lock; ON CONFLICT … RETURNING names what was stored, so anything
# else is a duplicate — also one a concurrent push stored first. Events get their ids in the order received
# (the timeline's tie-break).
_LOCK_AND_STORE = f"""
WITH incoming AS MATERIALIZED (
    SELECT * FROM json_to_recordset(%s::json) AS r({", ".join(f"{c} {t}" for c, t in _INCOMING.items())})),
locked AS (
    SELECT {_STATE} FROM {Tracking._meta.db_table} t
    WHERE (t.carrier_code, t.waybill_no) IN (SELECT i.carrier_code, i.waybill_no FROM incoming i)
    ORDER BY t.id FOR NO KEY UPDATE),
stored AS (
    INSERT INTO {TrackingEvent._meta.db_table} ({", ".join(EVENT_COLUMNS)})
    SELECT t.id, {_STORED}, %s::timestamptz
    FROM incoming i JOIN locked t ON t.carrier_code = i.carrier_code AND t.waybill_no = i.waybill_no
    ORDER BY i.n
    ON CONFLICT DO NOTHING RETURNING tracking_id, dedupe_key)
SELECT {_STATE}, NULL FROM locked t
UNION ALL SELECT {", ".join(["NULL"] * len(_STATE_COLUMNS))}, s.dedupe_key FROM stored s"""


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _lock_and_store(keys: dict[str, IncomingEvent], received_at: dt.datetime) -> tuple[
        dict[tuple[str, str], _State], set[str]]:
    """Lock and read the trackings the events are for, and store the events not stored before: the states by
    (carrier, waybill), and the dedupe keys stored now."""
    if not keys:
        return {}, set()
    if _postgres():
        document = orjson.dumps([
            {"n": n, "carrier_code": e.carrier, "waybill_no": e.waybill_no, "occurred_at": e.occurred_at,
             "status": str(e.status), "exception_kind": e.exception_kind, "raw_code": e.raw_code[:32],
             "description": e.description[:300], "location": e.location[:100], "source": e.source, "dedupe_key": key}
            for n, (key, e) in enumerate(keys.items())]).decode()
        with connection.cursor() as cursor:
            cursor.execute(_LOCK_AND_STORE, [document, received_at])
            rows = cursor.fetchall()
        # The locked trackings' rows carry no key; the stored events' rows carry only their key.
        return ({(row[2], row[3]): _State(*row[:-1]) for row in rows if row[-1] is None},
                {row[-1] for row in rows if row[-1] is not None})
    trackings = _locked_trackings({(e.carrier, e.waybill_no) for e in keys.values()})
    rows = []
    for key, event in keys.items():
        tracking = trackings.get((event.carrier, event.waybill_no))
        if tracking is not None:
            rows.append(TrackingEvent(tracking_id=tracking.pk, occurred_at=event.occurred_at, status=event.status,
                                      exception_kind=event.exception_kind, raw_code=event.raw_code[:32],
                                      description=event.description[:300], location=event.location[:100],
                                      source=event.source, dedupe_key=key, received_at=received_at))
    # Elsewhere (SQLite) writers are serialised, so reading the known keys first is exact.
    seen = set(TrackingEvent.objects.filter(dedupe_key__in=[row.dedupe_key for row in rows])
               .values_list("dedupe_key", flat=True))
    fresh = [row for row in rows if row.dedupe_key not in seen]
    TrackingEvent.objects.bulk_create(fresh, ignore_conflicts=True)
    return trackings, {row.dedupe_key for row in fresh}


def _locked_trackings(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], _State]:
    # Two IN lists on the (carrier_code, waybill_no) index: they match a superset only when one waybill
    # number exists at two carriers of the same batch; those rows are dropped below.
    rows = (Tracking.objects.select_for_update(no_key=True)
            .filter(carrier_code__in={carrier for carrier, _ in pairs}, waybill_no__in={waybill for _, waybill in pairs})
            .order_by("pk").values_list(*_STATE_COLUMNS))
    states = (_State(*row) for row in rows)
    return {(s.carrier_code, s.waybill_no): s for s in states if (s.carrier_code, s.waybill_no) in pairs}


def _apply(tracking: _State, events: list[IncomingEvent]) -> StatusChange | None:
    """Move one tracking through its new events in event-time order; the net change, if any."""
    old = status = Status(tracking.status)
    progress = Status(tracking.progress)
    last = None
    for event in sorted(events, key=lambda e: e.occurred_at):
        if tracking.last_event_at is not None and event.occurred_at < tracking.last_event_at:
            continue  # late: it joins the timeline but never moves the status
        tracking.last_event_at = event.occurred_at
        moved = next_status(status, progress, Status(event.status))
        if moved is None:
            continue
        status, progress = moved
        tracking.exception_kind = event.exception_kind if status == Status.EXCEPTION else ""
        tracking.status_changed_at = event.occurred_at
        if status == Status.PICKED_UP and tracking.picked_up_at is None:
            tracking.picked_up_at = event.occurred_at
        if status == Status.DELIVERED:
            tracking.delivered_at = event.occurred_at
        last = event
    tracking.status, tracking.progress = str(status), str(progress)
    if last is None or status == old:
        return None
    return StatusChange(tracking_id=tracking.pk, shipment_id=tracking.shipment_id, old=old, new=status,
                        exception_kind=tracking.exception_kind, occurred_at=last.occurred_at,
                        description=last.description)


def _save_states(trackings: list[_State]) -> None:
    """Write the state columns back: on PostgreSQL one UPDATE … FROM a JSON document (one statement text
    whatever the batch), one executemany UPDATE elsewhere. (bulk_update builds a CASE WHEN per field and row,
    and resolving those cost ten times the rest of an ingest: bench/tracking.py.)"""
    if not trackings:
        return
    table = Tracking._meta.db_table
    with connection.cursor() as cursor:
        if _postgres():
            types = {"status": "text", "progress": "text", "exception_kind": "text"}
            sql = (f"UPDATE {table} AS t SET " + ", ".join(f"{f} = v.{f}" for f in STATE_FIELDS)
                   + " FROM json_to_recordset(%s::json) AS v(id bigint, "
                   + ", ".join(f"{f} {types.get(f, 'timestamptz')}" for f in STATE_FIELDS) + ") WHERE t.id = v.id")
            document = orjson.dumps([{"id": t.pk, **{f: getattr(t, f) for f in STATE_FIELDS}}
                                     for t in trackings]).decode()
            cursor.execute(sql, [document])
        else:
            fields = [Tracking._meta.get_field(name) for name in STATE_FIELDS]
            assignments = ", ".join(f"{name} = %s" for name in STATE_FIELDS)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s",
                               [[f.get_db_prep_save(getattr(t, f.attname), connection) for f in fields] + [t.pk]
                                for t in trackings])


def tracking_ingest(*, events: Sequence[IncomingEvent]) -> IngestResult:
    """Store new events (duplicates ignored), move statuses forward, announce the changes."""
    result = IngestResult(received=len(events))
    keys = {e.dedupe_key(): e for e in events}
    with transaction.atomic():
        trackings, stored = _lock_and_store(keys, clock.now())
        fresh: dict[int, list[IncomingEvent]] = defaultdict(list)
        touched: dict[int, _State] = {}
        for key, event in keys.items():
            tracking = trackings.get((event.carrier, event.waybill_no))
            if tracking is None:
                result.unknown.append((event.carrier, event.waybill_no))
            elif key in stored:
                fresh[tracking.pk].append(event)
                touched[tracking.pk] = tracking
        result.stored = len(stored)
        result.duplicates = result.received - result.stored - len(result.unknown)
        moved = []
        for tracking in touched.values():
            before = tracking.columns()
            change = _apply(tracking, fresh[tracking.pk])
            if change is not None:
                result.changes.append(change)
            if tracking.columns() != before:
                moved.append(tracking)   # a late event alone changes nothing: no new row version to write
        _save_states(moved)
        if result.changes:
            status_changed.send(sender=Tracking, changes=result.changes)
            ids = [change.tracking_id for change in result.changes]
            # One job for all follow-ups: each queued job is a write to the queue while the push waits.
            transaction.on_commit(lambda: after_status_changes(ids))
    return result


@db_task()
def after_status_changes(tracking_ids: list[int]) -> None:
    """The follow-ups of one committed ingest. Each receiver runs even if another fails; what a failure leaves
    undone is caught up by that receiver's periodic job."""
    for receiver, outcome in changes_committed.send_robust(sender=Tracking, tracking_ids=tracking_ids):
        if isinstance(outcome, Exception):
            logger.error("changes_committed receiver %r failed for %d trackings", receiver, len(tracking_ids),
                         exc_info=outcome)
