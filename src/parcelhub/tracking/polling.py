"""Polling the carriers that do not push: ask each tracked parcel's carrier for its events when it is due.

Schedule per tracker: the first poll an hour after the label (tracking_start); then every hour while events
keep coming, doubling the wait after each poll that brings nothing new (1 h → 2 → 4 → … at most 24 h) and back
to 1 h when something new arrives. A tracker stops (stopped_at set, next_poll_at cleared) once its parcel is
delivered, returned or cancelled, or when nothing has changed for 60 days.

Two workers never poll the same tracker: each claims a due row with a compare-and-set update of its
next_poll_at (to a lease a few minutes ahead, so a crashed worker's rows come back by themselves); only the
worker whose update matched polls it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from parcelhub.carriers.adapters.base import TrackingEvent as CarrierEvent
from parcelhub.carriers.adapters.base import adapter_for
from parcelhub.core import clock
from parcelhub.tracking.models import Tracking, TrackingEvent
from parcelhub.tracking.services import IncomingEvent, tracking_ingest
from parcelhub.tracking.status import TERMINAL, ExceptionKind, Status

logger = logging.getLogger(__name__)

MIN_INTERVAL_S = 3600
MAX_INTERVAL_S = 24 * 3600
IDLE_STOP_AFTER = dt.timedelta(days=60)
CLAIM_LEASE = dt.timedelta(minutes=15)

# Adapter event codes that are not a Status value themselves.
_CODE_STATUS: dict[str, Status] = {"collected": Status.PICKED_UP, "exception": Status.EXCEPTION}
_EXCEPTION_KINDS = frozenset(ExceptionKind)


def incoming_from_carrier(carrier: str, event: CarrierEvent, *, source: str = "poll") -> IncomingEvent | None:
    """An adapter's event as the ingest takes it; None for a code we do not know (logged, skipped).

    Codes: "collected", a Status value ("in_transit", "delivered" …), or an ExceptionKind value
    ("refused", "lost" …) for an exception of that kind."""
    code = event.code
    if code in _EXCEPTION_KINDS:
        status, kind = Status.EXCEPTION, code
    elif code in _CODE_STATUS:
        status, kind = _CODE_STATUS[code], ""
    elif code in Status.__members__.values():
        status, kind = Status(code), ""
    else:
        logger.warning("unknown tracking event code %r from %s", code, carrier)
        return None
    return IncomingEvent(carrier=carrier, waybill_no=event.waybill_no, occurred_at=event.occurred_at,
                         status=status, description=event.description, location=event.location,
                         raw_code=code, exception_kind=kind, source=source)


@dataclass
class PollResult:
    claimed: int = 0
    polled: int = 0
    failed: int = 0
    with_news: int = 0
    stopped: int = 0
    stored: int = 0
    changes: int = 0
    claimed_ids: list[int] = field(default_factory=list)


def _claim(limit: int, now: dt.datetime) -> list[Tracking]:
    due = list(Tracking.objects.filter(next_poll_at__lte=now, stopped_at__isnull=True)
               .order_by("next_poll_at", "pk").values_list("pk", "next_poll_at")[:limit])
    lease = now + CLAIM_LEASE
    claimed = [pk for pk, at in due
               if Tracking.objects.filter(pk=pk, next_poll_at=at, stopped_at__isnull=True)
               .update(next_poll_at=lease)]
    return list(Tracking.objects.filter(pk__in=claimed).order_by("pk"))


def next_schedule(tracking: Tracking, *, now: dt.datetime, news: bool) -> None:
    """Set the tracker's next poll (or stop it) after a poll that did or did not bring new events."""
    if tracking.status in TERMINAL:
        tracking.stopped_at, tracking.next_poll_at = now, None
        return
    if not news:
        # The parcel's own clock (event times, status changes), not created_at, which is wall-clock time.
        marks = [t for t in (tracking.last_event_at, tracking.status_changed_at) if t is not None]
        if marks and now - max(marks) >= IDLE_STOP_AFTER:
            tracking.stopped_at, tracking.next_poll_at = now, None
            return
    interval = MIN_INTERVAL_S if news else min(MAX_INTERVAL_S, max(MIN_INTERVAL_S, tracking.poll_interval_s * 2))
    tracking.poll_interval_s = interval
    tracking.next_poll_at = now + dt.timedelta(seconds=interval)


def poll_due_trackings(limit: int = 500) -> PollResult:
    """Poll up to `limit` due trackers: claim, fetch each from its carrier, ingest all in one batch,
    reschedule."""
    now = clock.now()
    result = PollResult()
    trackings = _claim(limit, now)
    result.claimed = len(trackings)
    result.claimed_ids = [t.pk for t in trackings]
    if not trackings:
        return result
    events: list[IncomingEvent] = []
    keys: dict[int, set[str]] = defaultdict(set)
    for tracking in trackings:
        try:
            fetched = adapter_for(tracking.carrier_code).fetch_tracking(carrier=tracking.carrier_code,
                                                                       waybill_no=tracking.waybill_no)
        except Exception:
            # One carrier's outage must not stop the others; the tracker backs off like an empty answer.
            logger.exception("polling %s %s failed", tracking.carrier_code, tracking.waybill_no)
            result.failed += 1
            continue
        result.polled += 1
        for raw in fetched:
            incoming = incoming_from_carrier(tracking.carrier_code, raw)
            if incoming is not None:
                events.append(incoming)
                keys[tracking.pk].add(incoming.dedupe_key())
    every_key = [k for ks in keys.values() for k in ks]
    known = set(TrackingEvent.objects.filter(dedupe_key__in=every_key).values_list("dedupe_key", flat=True))
    if events:
        ingested = tracking_ingest(events=events)
        result.stored, result.changes = ingested.stored, len(ingested.changes)
    fresh = Tracking.objects.in_bulk([t.pk for t in trackings])
    for tracking in fresh.values():
        news = bool(keys[tracking.pk] - known)
        result.with_news += news
        next_schedule(tracking, now=now, news=news)
        result.stopped += tracking.stopped_at is not None
    Tracking.objects.bulk_update(list(fresh.values()), ["next_poll_at", "poll_interval_s", "stopped_at"])
    return result


@db_periodic_task(crontab(minute="*/10"))
def poll_trackings_task() -> int:
    """Every 10 minutes: the carriers without push are asked about the parcels due for a look."""
    return poll_due_trackings().polled
