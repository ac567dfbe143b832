"""Reads for the merchant's tracking console, the exception board and carriers' lane scores."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.geo.models import Region
from parcelhub.shipping.models import Shipment
from parcelhub.tracking.eta_data import local_date, models, province
from parcelhub.tracking.models import Tracking, TrackingEvent, TrackingIssue
from parcelhub.tracking.status import ExceptionKind, Status

STATUSES = frozenset(s.value for s in Status)
EXCEPTION_KINDS = frozenset(k.value for k in ExceptionKind)


def trackings_for(merchant: Merchant) -> QuerySet[Tracking]:
    """The merchant's tracked parcels: the one scoping selector for the console and the API."""
    return Tracking.objects.filter(shipment__merchant=merchant)


@dataclass(frozen=True)
class TrackingFilters:
    status: str = ""
    issue: str = ""           # an open issue kind
    exception_kind: str = ""  # the carrier's reason while in exception: refused, address_problem…
    query: str = ""


def trackings_filtered(merchant: Merchant, filters: TrackingFilters) -> QuerySet[Tracking]:
    qs = (trackings_for(merchant).select_related("shipment__recipient_region")
          .order_by("-shipment__purchased_at", "-pk"))
    if filters.status in STATUSES:
        qs = qs.filter(status=filters.status)
    if filters.exception_kind in EXCEPTION_KINDS:
        qs = qs.filter(exception_kind=filters.exception_kind)
    if filters.issue in TrackingIssue.Kind.values:
        qs = qs.filter(issues__kind=filters.issue, issues__resolved_at=None)
    if filters.query:
        q = filters.query
        qs = qs.filter(Q(waybill_no__icontains=q) | Q(shipment__recipient_name__icontains=q)
                       | Q(shipment__recipient_phone__icontains=q) | Q(shipment__reference__icontains=q))
    return qs


def status_counts(merchant: Merchant) -> dict[str, int]:
    rows = trackings_for(merchant).values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}


def open_issue_counts(merchant: Merchant) -> dict[str, int]:
    rows = (TrackingIssue.objects.filter(merchant=merchant, resolved_at=None)
            .values("kind").annotate(n=Count("pk")).order_by())
    return {row["kind"]: row["n"] for row in rows}


def tracking_for_shipment(merchant: Merchant, shipment_public_id: str) -> Tracking:
    try:
        return trackings_for(merchant).select_related("shipment").get(shipment__public_id=shipment_public_id)
    except Tracking.DoesNotExist:
        raise Http404 from None


def timeline(tracking: Tracking) -> list[TrackingEvent]:
    return list(tracking.events.order_by("occurred_at", "pk"))


def open_issues(merchant: Merchant, kind: str = "") -> QuerySet[TrackingIssue]:
    qs = (TrackingIssue.objects.filter(merchant=merchant, resolved_at=None)
          .select_related("tracking__shipment__recipient_region").order_by("-opened_at", "-pk"))
    if kind in TrackingIssue.Kind.values:
        qs = qs.filter(kind=kind)
    return qs


def recent_acted_issues(merchant: Merchant, limit: int = 20) -> list[TrackingIssue]:
    return list(TrackingIssue.objects.filter(merchant=merchant).exclude(action="")
                .select_related("tracking__shipment", "acted_by").order_by("-acted_at", "-pk")[:limit])


@dataclass
class LaneScore:
    carrier: str
    origin: str               # province adcode
    destination: str
    origin_name: str = ""
    destination_name: str = ""
    shipments: int = 0
    delivered: int = 0
    on_time: int = 0          # delivered by the upper bound of the quote-time estimate
    with_issues: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.delivered if self.delivered else None

    @property
    def exception_rate(self) -> float:
        return self.with_issues / self.shipments if self.shipments else 0.0


LANE_WINDOW = dt.timedelta(days=90)


def lane_scores(*, merchant: Merchant | None = None, since: dt.datetime | None = None,
                carrier: str = "") -> list[LaneScore]:
    """Per carrier × origin province → destination province, for labels bought since `since` (default the last
    90 days): shipments, delivered, delivered on time (by the quote-time estimate's upper bound, or the rate
    card's transit days without history), and the share with any tracking issue. Busiest lanes first."""
    since = since or clock.now() - LANE_WINDOW
    qs = Tracking.objects.filter(shipment__purchased_at__gte=since).exclude(status=Status.CANCELLED)
    if merchant is not None:
        qs = qs.filter(shipment__merchant=merchant)
    if carrier:
        qs = qs.filter(carrier_code=carrier)
    rows = qs.annotate(has_issue=Exists(TrackingIssue.objects.filter(tracking=OuterRef("pk")))).values_list(
        "carrier_code", "shipment__sender_region_id", "shipment__recipient_region_id", "shipment__purchased_at",
        "delivered_at", "shipment__transit_days", "has_issue")
    lanes: dict[tuple[str, str, str], LaneScore] = {}
    model = models().from_purchase
    bounds: dict[tuple[str, str, str], int | None] = {}
    for carrier_code, sender, recipient, purchased_at, delivered_at, transit_days, has_issue in rows.iterator():
        key = (carrier_code, province(sender), province(recipient))
        lane = lanes.get(key)
        if lane is None:
            lane = lanes[key] = LaneScore(*key)
            estimate = model.estimate(*key)
            bounds[key] = estimate.high if estimate is not None else None
        lane.shipments += 1
        lane.with_issues += bool(has_issue)
        if delivered_at is not None:
            lane.delivered += 1
            bound = bounds[key] if bounds[key] is not None else transit_days
            if bound is not None and (local_date(delivered_at) - local_date(purchased_at)).days <= bound:
                lane.on_time += 1
    names = dict(Region.objects.filter(adcode__in={code for k in lanes for code in k[1:]})
                 .values_list("adcode", "short_name"))
    for lane in lanes.values():
        lane.origin_name = names.get(lane.origin, lane.origin)
        lane.destination_name = names.get(lane.destination, lane.destination)
    return sorted(lanes.values(), key=lambda s: (-s.shipments, s.carrier, s.origin, s.destination))


def merchant_shipment(merchant: Merchant, public_id: str) -> Shipment:
    try:
        return Shipment.objects.get(merchant=merchant, public_id=public_id)
    except Shipment.DoesNotExist:
        raise Http404 from None


def issue_get(merchant: Merchant, pk: int) -> TrackingIssue:
    try:
        return TrackingIssue.objects.select_related("tracking__shipment").get(merchant=merchant, pk=pk)
    except TrackingIssue.DoesNotExist:
        raise Http404 from None
