"""The Django side of delivery estimates: history from delivered trackings, one fitted model per process and
day, estimates for quotes and for parcels on their way, and Tracking.eta_* kept up to date.

The model is fitted on first use and again on the first use of each new day (delivered history grows);
`reset()` drops it (tests, or after a bulk import of history)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from parcelhub.core import clock
from parcelhub.tracking.eta import Estimate, EtaModel, Sample
from parcelhub.tracking.models import Tracking
from parcelhub.tracking.services import changes_committed, status_changed
from parcelhub.tracking.status import TERMINAL, Status


def province(adcode: str) -> str:
    return adcode[:2] + "0000"


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


@dataclass(frozen=True)
class History:
    from_pickup: list[Sample]
    from_purchase: list[Sample]
    ids: list[int]            # tracking ids, in the same order (for holdout by shipment)


def history() -> History:
    """Every delivered parcel: days from pickup and from label purchase to delivery."""
    rows = (Tracking.objects.filter(status=Status.DELIVERED, delivered_at__isnull=False)
            .order_by("pk")
            .values_list("pk", "carrier_code", "shipment__sender_region_id", "shipment__recipient_region_id",
                         "shipment__purchased_at", "picked_up_at", "delivered_at"))
    pickup, purchase, ids = [], [], []
    for pk, carrier, origin, destination, purchased_at, picked_up_at, delivered_at in rows.iterator(chunk_size=5000):
        o, d, end = province(origin), province(destination), local_date(delivered_at)
        if picked_up_at is None or purchased_at is None:
            continue
        ids.append(pk)
        pickup.append(Sample(carrier, o, d, max(0, (end - local_date(picked_up_at)).days)))
        purchase.append(Sample(carrier, o, d, max(0, (end - local_date(purchased_at)).days)))
    return History(pickup, purchase, ids)


@dataclass
class _Models:
    day: dt.date
    from_pickup: EtaModel
    from_purchase: EtaModel
    delivered_since: int = 0     # deliveries seen by this process since the fit


_cache: _Models | None = None
REFIT_AFTER = 30


def reset() -> None:
    global _cache
    _cache = None


def models() -> _Models:
    global _cache
    today = local_date(clock.now())
    if _cache is None or _cache.day != today:
        data = history()
        _cache = _Models(today, EtaModel(data.from_pickup), EtaModel(data.from_purchase))
    return _cache


@dataclass(frozen=True)
class Eta:
    earliest: dt.date
    latest: dt.date
    basis: str                 # history | rate_card
    days_low: int
    days_high: int

    def as_dict(self) -> dict:
        return {"earliest": self.earliest.isoformat(), "latest": self.latest.isoformat(), "basis": self.basis}


def quote_eta(*, carrier: str, origin: str, destination: str, transit_days: int | None,
              today: dt.date | None = None) -> Eta | None:
    """At quote time: days from buying the label today, from the carrier's history; else the rate card's
    transit days. Other carriers' history (the model's last fallback) is used only without a rate card."""
    today = today or local_date(clock.now())
    estimate = models().from_purchase.estimate(carrier, province(origin), province(destination))
    if estimate is not None and not (estimate.basis == "all" and transit_days):
        earliest, latest = estimate.dates(today)
        return Eta(earliest, latest, "history", estimate.low, estimate.high)
    if transit_days:
        day = today + dt.timedelta(days=transit_days)
        return Eta(day, day, "rate_card", transit_days, transit_days)
    return None


def quote_etas(request, quotes, *, merchant=None) -> dict[str, Eta]:
    """Delivery estimates for the eligible quotes of one rating request (a rating.quoting.ParcelRequest),
    keyed by service ("zto.standard")."""
    from parcelhub.rating import quoting

    eligible = [q for q in quotes if q.eligible]
    if not eligible:
        return {}
    if request.origin is None or request.origin.is_empty:
        origin = merchant.origin_region_id if merchant is not None else None
    else:
        origin = quoting.resolve_place(request.origin).adcode
    if origin is None:
        return {}
    destination = quoting.resolve_place(request.destination).adcode
    etas = {}
    for quote in eligible:
        eta = quote_eta(carrier=quote.carrier, origin=origin, destination=destination, transit_days=quote.transit_days)
        if eta is not None:
            etas[f"{quote.carrier}.{quote.service}"] = eta
    return etas


def tracking_estimate(tracking: Tracking, *, now: dt.datetime | None = None) -> tuple[dt.date, dt.date] | None:
    """The delivery window for a parcel in its current state, or None when there is nothing to say
    (delivered, returning, cancelled, waiting for the consignee, no history)."""
    now = now or clock.now()
    today = local_date(now)
    status = Status(tracking.status)
    shipment = tracking.shipment
    carrier = tracking.carrier_code
    origin, destination = province(shipment.sender_region_id), province(shipment.recipient_region_id)
    if status == Status.DELIVERED and tracking.delivered_at:
        day = local_date(tracking.delivered_at)
        return day, day
    if status in (Status.RETURNING, Status.RETURNED, Status.CANCELLED, Status.AVAILABLE_FOR_PICKUP):
        return None
    if status == Status.OUT_FOR_DELIVERY:
        return today, today
    if tracking.picked_up_at is None:
        start, model = shipment.purchased_at, models().from_purchase
    else:
        start, model = tracking.picked_up_at, models().from_pickup
    if start is None:
        return None
    elapsed = max(0, (today - local_date(start)).days)
    estimate: Estimate | None = model.estimate(carrier, origin, destination, elapsed=elapsed)
    if estimate is None or (estimate.basis == "all" and shipment.transit_days):
        if shipment.transit_days:
            day = max(today, local_date(start) + dt.timedelta(days=shipment.transit_days))
            return day, day
        return None
    return estimate.dates(today)


def tracking_eta_refresh(*, trackings: list[Tracking], now: dt.datetime | None = None) -> int:
    """Recompute and store eta_earliest/eta_latest; returns how many changed."""
    changed = []
    for tracking in trackings:
        window = tracking_estimate(tracking, now=now)
        if window is None and tracking.status == Status.EXCEPTION:
            continue  # keep the last promise while the carrier sorts the problem out
        earliest, latest = window if window else (None, None)
        if (tracking.eta_earliest, tracking.eta_latest) != (earliest, latest):
            tracking.eta_earliest, tracking.eta_latest = earliest, latest
            changed.append(tracking)
    Tracking.objects.bulk_update(changed, ["eta_earliest", "eta_latest"])
    return len(changed)


@receiver(status_changed, dispatch_uid="tracking.eta_on_status_change")
def _on_status_changed(sender, changes, **kwargs) -> None:
    """Counts deliveries for the refit; no query, it runs inside the push's transaction."""
    if _cache is not None:
        # A bulk load of history (the demo, an import) would otherwise leave the day's model fitted on its
        # first batch: refit once the deliveries seen since the fit reach a tenth of the history.
        _cache.delivered_since += sum(change.new == Status.DELIVERED for change in changes)
        if _cache.delivered_since > max(REFIT_AFTER, _cache.from_pickup.size // 10):
            reset()


@receiver(changes_committed, dispatch_uid="tracking.eta_on_changes_committed")
def _on_changes_committed(sender, tracking_ids, **kwargs) -> None:
    # In the worker, after the commit: the push receiver's transaction stays short (bench/tracking.py).
    refresh_etas_for(tracking_ids)


def refresh_etas_for(tracking_ids: list[int]) -> None:
    with transaction.atomic():
        # Locked in pk order, as the ingest locks them: an ingest and this job never wait on each other in a
        # circle (deadlock) over the same parcels.
        trackings = list(Tracking.objects.filter(pk__in=tracking_ids).select_related("shipment")
                         .select_for_update(of=("self",), no_key=True).order_by("pk"))
        tracking_eta_refresh(trackings=trackings)


def etas_refresh(*, only_missing: bool = False, batch: int = 2000) -> int:
    """Recompute the estimate of every parcel still on its way (or only of those without one yet)."""
    qs = Tracking.objects.exclude(status__in=TERMINAL).select_related("shipment").order_by("pk")
    if only_missing:
        qs = qs.filter(eta_latest__isnull=True)
    changed, last = 0, 0
    while True:
        with transaction.atomic():
            rows = list(qs.filter(pk__gt=last)[:batch])
            if not rows:
                return changed
            changed += tracking_eta_refresh(trackings=rows)
            last = rows[-1].pk


@db_periodic_task(crontab(minute="*/15"))
def refresh_new_etas() -> int:
    """New labels get their first estimate within 15 minutes."""
    return etas_refresh(only_missing=True)


@db_periodic_task(crontab(hour="2", minute="40"))
def refresh_all_etas() -> int:
    """Each night: another day on the way narrows (or moves) every estimate; history has grown too."""
    reset()
    return etas_refresh()
