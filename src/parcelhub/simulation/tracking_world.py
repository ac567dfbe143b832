"""Months of tracking history for the demo's past shipments: what polling the sandbox would have stored.

Each past parcel's events up to now (its label, the pickup scan recorded by the shipping history, then the
journey the sandbox network generates) go through `tracking_ingest` in batches, exactly as the poller would
store them (same codes, texts and dedupe keys), so the poller carries on from there without duplicates.
Trackers whose parcels finished are stopped; the others are due for their next poll. Parcels that already
have events are left alone, which makes the build idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from parcelhub.accounts.models import Merchant
from parcelhub.carriers.adapters.sandbox import collected_at
from parcelhub.carriers.adapters.sandbox_tracking import place_names, waybill_events
from parcelhub.carriers.sandbox_models import SandboxWaybill
from parcelhub.core import clock
from parcelhub.tracking.models import Tracking
from parcelhub.tracking.polling import IDLE_STOP_AFTER, incoming_from_carrier, next_schedule
from parcelhub.tracking.services import tracking_ingest

BATCH = 250


def build_tracking_history(*, merchants: Sequence[Merchant], today: dt.date) -> dict[str, int]:
    now = clock.now()
    pending = list(Tracking.objects.filter(shipment__merchant__in=list(merchants), last_event_at__isnull=True,
                                           stopped_at__isnull=True, shipment__purchased_at__date__lt=today)
                   .order_by("pk").values_list("pk", "waybill_no"))
    parcels = stored = 0
    for start in range(0, len(pending), BATCH):
        chunk = pending[start:start + BATCH]
        rows = list(SandboxWaybill.objects.filter(waybill_no__in=[no for _, no in chunk]))
        names = place_names(rows)
        events = []
        for row in rows:
            # The history's parcels carry their pickup scan on the row: no per-parcel pickup query.
            collected = row.picked_up_at if row.picked_up_at is not None else collected_at(row, now)
            for raw in waybill_events(row, collected=collected, names=names, now=now):
                incoming = incoming_from_carrier(row.carrier, raw)
                if incoming is not None:
                    events.append(incoming)
        stored += tracking_ingest(events=events).stored
        trackings = list(Tracking.objects.filter(pk__in=[pk for pk, _ in chunk]))
        for tracking in trackings:
            recent = tracking.last_event_at is not None and now - tracking.last_event_at < IDLE_STOP_AFTER
            next_schedule(tracking, now=now, news=recent)
        # Most of the history has finished: one plain update stops those, the few still moving get their own.
        stopped = [t.pk for t in trackings if t.stopped_at is not None]
        Tracking.objects.filter(pk__in=stopped).update(stopped_at=now, next_poll_at=None)
        Tracking.objects.bulk_update([t for t in trackings if t.stopped_at is None],
                                     ["next_poll_at", "poll_interval_s", "stopped_at"])
        parcels += len(trackings)
    return {"tracked_parcels": parcels, "tracking_events": stored}
