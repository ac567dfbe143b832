"""Tracking API: a shipment's tracking state, delivery estimate and timeline."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema

from parcelhub.accounts.auth import merchant_auth
from parcelhub.tracking import selectors

router = Router(tags=["tracking"], auth=merchant_auth)


class EtaOut(Schema):
    earliest: date
    latest: date


class EventOut(Schema):
    occurred_at: datetime
    status: str
    exception_kind: str
    description: str
    location: str


class IssueOut(Schema):
    kind: str
    detail: str
    opened_at: datetime


class TrackingOut(Schema):
    shipment_id: str
    carrier: str
    waybill_no: str
    status: str
    exception_kind: str | None
    eta: EtaOut | None
    picked_up_at: datetime | None
    delivered_at: datetime | None
    open_issues: list[IssueOut]
    events: list[EventOut]


@router.get("/shipments/{shipment_id}/tracking", response=TrackingOut,
            summary="A shipment's tracking status, delivery estimate and events")
def shipment_tracking(request, shipment_id: str):
    """`eta` is an 80 % interval of delivery dates (local time), or null when there is nothing to estimate.
    Events come in event-time order. Shipments of other merchants, and drafts, are 404."""
    tracking = selectors.tracking_for_shipment(request.auth.merchant, shipment_id)
    eta = ({"earliest": tracking.eta_earliest, "latest": tracking.eta_latest}
           if tracking.eta_earliest and tracking.eta_latest else None)
    return {
        "shipment_id": tracking.shipment.public_id, "carrier": tracking.carrier_code,
        "waybill_no": tracking.waybill_no, "status": tracking.status,
        "exception_kind": tracking.exception_kind or None, "eta": eta,
        "picked_up_at": tracking.picked_up_at, "delivered_at": tracking.delivered_at,
        "open_issues": [{"kind": i.kind, "detail": i.detail, "opened_at": i.opened_at}
                        for i in tracking.issues.filter(resolved_at=None).order_by("opened_at", "pk")],
        "events": [{"occurred_at": e.occurred_at, "status": e.status, "exception_kind": e.exception_kind,
                    "description": e.description, "location": e.location} for e in selectors.timeline(tracking)],
    }
