"""Parcels that need attention: detection (a periodic scan that opens and resolves TrackingIssue rows) and
the merchant's actions on an issue.

An issue stays open while its condition holds and is resolved by the scan as soon as it clears (picked up,
a new scan, delivered…). A dismissed issue is not reopened for the same state of the parcel: only a new
event brings the same kind back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.dispatch import receiver
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.shipping.models import Shipment
from parcelhub.tracking.models import Tracking, TrackingIssue
from parcelhub.tracking.services import changes_committed
from parcelhub.tracking.status import Status

Kind = TrackingIssue.Kind
Action = TrackingIssue.Action

NOT_PICKED_UP_AFTER = dt.timedelta(hours=24)
NO_UPDATE_AFTER = dt.timedelta(hours=48)
LOCKER_WAITING_AFTER = dt.timedelta(hours=48)
IN_TRANSIT = (Status.PICKED_UP, Status.IN_TRANSIT, Status.ARRIVED_AT_DESTINATION_CITY, Status.OUT_FOR_DELIVERY)

# What the board offers for each kind, most useful first.
SUGGESTED: dict[str, tuple[str, ...]] = {
    Kind.NOT_PICKED_UP: (Action.REMIND_CARRIER, Action.DISMISS),
    Kind.NO_UPDATE: (Action.REMIND_CARRIER, Action.CONTACT_CONSIGNEE, Action.RESHIP, Action.DISMISS),
    Kind.DELIVERY_FAILED: (Action.CONTACT_CONSIGNEE, Action.REMIND_CARRIER, Action.RESHIP, Action.DISMISS),
    Kind.LOCKER_WAITING: (Action.CONTACT_CONSIGNEE, Action.DISMISS),
    Kind.RETURNING: (Action.CONTACT_CONSIGNEE, Action.RESHIP, Action.DISMISS),
}
# Actions that settle the issue; the others are recorded and the issue stays open until the parcel moves.
SETTLING = frozenset({Action.RESHIP, Action.DISMISS})


def _conditions(now: dt.datetime) -> dict[str, Q]:
    """Each kind's condition on Tracking, as of `now`."""
    return {
        Kind.NOT_PICKED_UP: Q(status=Status.CREATED, shipment__status=Shipment.Status.PURCHASED,
                              shipment__purchased_at__lte=now - NOT_PICKED_UP_AFTER),
        Kind.NO_UPDATE: Q(status__in=IN_TRANSIT, last_event_at__lte=now - NO_UPDATE_AFTER),
        Kind.DELIVERY_FAILED: Q(status=Status.EXCEPTION),
        Kind.LOCKER_WAITING: Q(status=Status.AVAILABLE_FOR_PICKUP, status_changed_at__lte=now - LOCKER_WAITING_AFTER),
        Kind.RETURNING: Q(status=Status.RETURNING),
    }


def _detail(kind: str, tracking: Tracking) -> str:
    if kind == Kind.DELIVERY_FAILED and tracking.exception_kind:
        return str(tracking.get_exception_kind_display())
    return ""


@dataclass
class DetectResult:
    opened: int = 0
    resolved: int = 0


def _state_moment(tracking: Tracking) -> dt.datetime | None:
    moments = [m for m in (tracking.last_event_at, tracking.status_changed_at) if m is not None]
    return max(moments) if moments else None


def issues_detect(*, now: dt.datetime | None = None, trackings: Iterable[int] | None = None) -> DetectResult:
    """Open an issue for every parcel that meets a kind's condition and has none open; resolve open issues
    whose condition has cleared. `trackings` limits the scan to some tracking ids."""
    now = now or clock.now()
    result = DetectResult()
    scope = Q() if trackings is None else Q(tracking_id__in=list(trackings))
    with transaction.atomic():
        for kind, condition in _conditions(now).items():
            base = Tracking.objects.filter(condition)
            if trackings is not None:
                base = base.filter(pk__in=list(trackings))
            open_issues = TrackingIssue.objects.filter(scope, kind=kind, resolved_at=None)
            cleared = open_issues.exclude(tracking__in=base.values("pk"))
            result.resolved += cleared.update(resolved_at=now)
            candidates = list(base.exclude(issues__in=open_issues).select_related("shipment")
                              .only("pk", "status", "exception_kind", "last_event_at", "status_changed_at",
                                    "shipment__merchant_id"))
            if not candidates:
                continue
            dismissed: dict[int, dt.datetime] = {}
            for tracking_id, acted_at in (TrackingIssue.objects
                                          .filter(kind=kind, action=Action.DISMISS,
                                                  tracking_id__in=[t.pk for t in candidates])
                                          .values_list("tracking_id", "acted_at")):
                if acted_at and (tracking_id not in dismissed or acted_at > dismissed[tracking_id]):
                    dismissed[tracking_id] = acted_at
            rows = []
            for tracking in candidates:
                moment = _state_moment(tracking)
                if tracking.pk in dismissed and (moment is None or dismissed[tracking.pk] >= moment):
                    continue
                rows.append(TrackingIssue(tracking=tracking, merchant_id=tracking.shipment.merchant_id, kind=kind,
                                          detail=_detail(kind, tracking), opened_at=now))
            # A concurrent scan may have opened the same issue: the partial unique constraint keeps one.
            created = TrackingIssue.objects.bulk_create(rows, ignore_conflicts=True)
            result.opened += len(created)
    return result


@receiver(changes_committed, dispatch_uid="tracking.issues_on_status_change")
def _detect_on_status_change(sender, tracking_ids, **kwargs) -> None:
    """A failed delivery or a return shows on the board at once, and issues a scan clears close at once; the
    time-based kinds still wait for the periodic scan. In the worker, after the ingest commits: the push
    receiver's transaction stays short (bench/tracking.py)."""
    issues_detect(trackings=tracking_ids)


@db_periodic_task(crontab(minute="*/15"))
def detect_tracking_issues() -> dict:
    result = issues_detect()
    return {"opened": result.opened, "resolved": result.resolved}


def issues_for(merchant) -> QuerySet[TrackingIssue]:
    """The merchant's issues: the one scoping selector for the board and its actions."""
    return TrackingIssue.objects.filter(merchant=merchant)


def _reship(issue: TrackingIssue, actor) -> Shipment:
    from parcelhub.shipping.services import Party, shipment_create, shipment_from_order

    shipment = issue.tracking.shipment
    if shipment.order is not None:
        return shipment_from_order(order=shipment.order, actor=actor)
    return shipment_create(
        merchant=shipment.merchant, actor=actor, test_mode=shipment.test_mode, reference=shipment.reference,
        sender=Party(shipment.sender_name, shipment.sender_phone, shipment.sender_region, shipment.sender_detail),
        recipient=Party(shipment.recipient_name, shipment.recipient_phone, shipment.recipient_region,
                        shipment.recipient_detail),
        weight_g=shipment.weight_g, length_cm=shipment.length_cm, width_cm=shipment.width_cm,
        height_cm=shipment.height_cm, declared_value_fen=shipment.declared_value_fen,
        items_summary=shipment.items_summary)


@dataclass(frozen=True)
class ActResult:
    issue: TrackingIssue
    reshipment: Shipment | None = None


def issue_act(*, issue: TrackingIssue, action: str, note: str = "", actor=None) -> ActResult:
    """Record what the merchant did about an issue. Reship creates a draft shipment for the same order (or
    the same recipient and parcel) and settles the issue, as does dismiss; reminding the carrier and
    contacting the consignee are recorded and the issue stays open until the parcel moves."""
    if action not in Action.values:
        raise DomainError("action_invalid", "Unknown action.", "未知操作。", status=422)
    if action not in SUGGESTED[issue.kind]:
        raise DomainError("action_not_offered", "This action is not offered for this kind of issue.",
                          "此类问题不提供该操作。", status=422)
    with transaction.atomic():
        locked = TrackingIssue.objects.select_for_update().select_related("tracking__shipment").get(pk=issue.pk)
        if locked.resolved_at is not None:
            raise DomainError("issue_resolved", "This issue is already resolved.", "该问题已解决。", status=409)
        now = clock.now()
        reshipment = _reship(locked, actor) if action == Action.RESHIP else None
        note = note.strip()
        if reshipment is not None:
            note = f"{reshipment.public_id} {note}".strip()
        locked.action, locked.action_note, locked.acted_at = action, note[:200], now
        locked.acted_by = actor if getattr(actor, "is_authenticated", False) else None
        if action in SETTLING:
            locked.resolved_at = now
        locked.save(update_fields=["action", "action_note", "acted_at", "acted_by", "resolved_at"])
        audit(action=f"tracking_issue.{action}", actor=actor, merchant=locked.merchant, target=locked.tracking.shipment,
              data={"issue": locked.pk, "kind": locked.kind, "note": note[:200],
                    "reshipment": reshipment.public_id if reshipment else None})
    return ActResult(issue=locked, reshipment=reshipment)
