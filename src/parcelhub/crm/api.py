"""CRM API for operators (console session): saved segments and their members and sizes, merchant profiles,
timeline activities and the onboarding funnel."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from parcelhub.accounts.auth import OperatorSessionAuth
from parcelhub.accounts.models import Merchant, OperatorRole
from parcelhub.core import jsonio
from parcelhub.core.errors import DomainError, NotFound
from parcelhub.core.models import IdempotencyRecord
from parcelhub.crm.models import Activity, Segment, SegmentSize
from parcelhub.crm.onboarding import MILESTONES, onboarding_funnel
from parcelhub.crm.segments import segment_merchants
from parcelhub.crm.selectors import merchant_profile
from parcelhub.crm.services import activity_log, segment_create, segment_update

CRM_ROLES = (OperatorRole.ACCOUNT_MANAGER, OperatorRole.MARKETING, OperatorRole.SALES, OperatorRole.SUPPORT)
router = Router(tags=["crm"], auth=OperatorSessionAuth(*CRM_ROLES))
_editors = OperatorSessionAuth(OperatorRole.MARKETING)


class SegmentIn(Schema):
    name: str
    description: str = ""
    definition: dict[str, Any] = Field(default_factory=dict, description=(
        "filter keys, all of which must match: industry, acquisition_channel, origin_province, merchant, "
        "volume_band, lifecycle, belt, plan, tier (lists match any item) and rfm ({\"r_min\": 4, \"m_max\": 2})"))


class SegmentOut(Schema):
    id: str
    name: str
    description: str
    definition: dict[str, Any]
    size: int = Field(..., description="active merchants matching now")
    created_at: dt.datetime


class PreviewIn(Schema):
    definition: dict[str, Any] = Field(default_factory=dict)


class PreviewOut(Schema):
    size: int


class SizeOut(Schema):
    day: dt.date
    size: int


class MerchantRef(Schema):
    id: str
    name: str


class ProfileOut(Schema):
    merchant: str
    as_of: dt.date
    volume_band: str
    lifecycle: str
    r: int
    f: int
    m: int
    rfm: str
    belt: str
    shipments_30d: int
    shipments_90d: int
    revenue_30d_fen: int
    revenue_90d_fen: int
    currency: str = "CNY"
    last_shipment_on: dt.date | None


class ActivityIn(Schema):
    kind: str = Field(..., description="note, call, meeting, email, offer, alert, … (≤ 32 characters)")
    summary: str
    ref: str = ""
    details: dict[str, Any] = Field(default_factory=dict)


class ActivityOut(Schema):
    id: str
    kind: str
    summary: str
    at: dt.datetime
    actor: str | None
    ref: str
    details: dict[str, Any]


class FunnelRowOut(Schema):
    key: str
    label: str
    counts: dict[str, int]


def _idempotent(request: HttpRequest, create: Callable[[], dict]) -> Status:
    """`Idempotency-Key` for operators' creating POSTs (the middleware scopes keys by merchant, so console
    sessions of operators pass through it): a retry with the same key and body gets the first 201 back."""
    key = request.headers.get("Idempotency-Key", "").strip()[:255]
    if not key:
        return Status(201, create())
    scope, body_hash = f"operator:{request.auth.pk}", hashlib.sha256(request.body).hexdigest()
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(scope=scope, key=key, method="POST", path=request.path,
                                             request_hash=body_hash)
    except IntegrityError:
        record = IdempotencyRecord.objects.get(scope=scope, key=key)
        if record.request_hash != body_hash or record.path != request.path:
            raise DomainError("idempotency_key_reused", "This Idempotency-Key was used for a different request; "
                              "use a new key.", "该 Idempotency-Key 已用于另一个请求，请换一个。", status=422) from None
        if record.status_code is None:
            raise DomainError("idempotency_in_progress", "A request with this Idempotency-Key is still running.",
                              "使用该 Idempotency-Key 的请求仍在处理中。", status=409) from None
        return Status(record.status_code, json.loads(bytes(record.response_body)))
    try:
        payload = create()
    except Exception:
        IdempotencyRecord.objects.filter(scope=scope, key=key).delete()   # a corrected retry may use the key
        raise
    IdempotencyRecord.objects.filter(scope=scope, key=key).update(
        status_code=201, content_type="application/json", response_body=jsonio.dumps(payload))
    return Status(201, payload)


def _segment(public_id: str) -> Segment:
    segment = Segment.objects.filter(public_id=public_id).first()
    if segment is None:
        raise NotFound("segment", "分群")
    return segment


def _merchant(public_id: str) -> Merchant:
    merchant = Merchant.objects.filter(public_id=public_id).first()
    if merchant is None:
        raise NotFound("merchant", "商户")
    return merchant


def _segment_out(segment: Segment) -> dict:
    return {"id": segment.public_id, "name": segment.name, "description": segment.description,
            "definition": segment.definition, "size": segment_merchants(segment.definition).count(),
            "created_at": segment.created_at}


def _activity_out(a: Activity) -> dict:
    return {"id": a.public_id, "kind": a.kind, "summary": a.summary, "at": a.at,
            "actor": a.actor.email if a.actor else None, "ref": a.ref, "details": a.details}


@router.get("/crm/segments", response=list[SegmentOut])
def segment_list(request: HttpRequest):
    return [_segment_out(s) for s in Segment.objects.all()]


@router.post("/crm/segments", response={201: SegmentOut}, auth=_editors)
def segment_create_api(request: HttpRequest, body: SegmentIn):
    return _idempotent(request, lambda: _segment_out(segment_create(
        name=body.name, description=body.description, definition=body.definition, actor=request.auth)))


@router.post("/crm/segments/preview", response=PreviewOut)
def segment_preview(request: HttpRequest, body: PreviewIn):
    return {"size": segment_merchants(body.definition).count()}


@router.get("/crm/segments/{segment_id}", response=SegmentOut)
def segment_get(request: HttpRequest, segment_id: str):
    return _segment_out(_segment(segment_id))


@router.put("/crm/segments/{segment_id}", response=SegmentOut, auth=_editors)
def segment_put(request: HttpRequest, segment_id: str, body: SegmentIn):
    segment = segment_update(segment=_segment(segment_id), name=body.name, description=body.description,
                             definition=body.definition, actor=request.auth)
    return _segment_out(segment)


class Page(Schema):
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)


@router.get("/crm/segments/{segment_id}/merchants", response=list[MerchantRef])
def segment_members(request: HttpRequest, segment_id: str, page: Query[Page]):
    merchants = segment_merchants(_segment(segment_id).definition).order_by("pk")
    return [{"id": m.public_id, "name": m.name} for m in merchants[page.offset:page.offset + page.limit]]


@router.get("/crm/segments/{segment_id}/sizes", response=list[SizeOut])
def segment_sizes(request: HttpRequest, segment_id: str):
    return list(SegmentSize.objects.filter(segment=_segment(segment_id)).order_by("day").values("day", "size"))


@router.get("/crm/merchants/{merchant_id}/profile", response=ProfileOut)
def profile_get(request: HttpRequest, merchant_id: str):
    p = merchant_profile(_merchant(merchant_id))
    return {"merchant": merchant_id, "as_of": p.computed_on, "volume_band": p.volume_band,
            "lifecycle": p.lifecycle, "r": p.r, "f": p.f, "m": p.m, "rfm": p.rfm, "belt": p.belt,
            "shipments_30d": p.shipments_30d, "shipments_90d": p.shipments_90d,
            "revenue_30d_fen": p.revenue_30d_fen, "revenue_90d_fen": p.revenue_90d_fen,
            "last_shipment_on": p.last_shipment_on}


@router.get("/crm/merchants/{merchant_id}/activities", response=list[ActivityOut])
def activity_list(request: HttpRequest, merchant_id: str, page: Query[Page]):
    activities = Activity.objects.filter(merchant=_merchant(merchant_id)).select_related("actor")
    return [_activity_out(a) for a in activities[page.offset:page.offset + page.limit]]


@router.post("/crm/merchants/{merchant_id}/activities", response={201: ActivityOut})
def activity_create(request: HttpRequest, merchant_id: str, body: ActivityIn):
    merchant = _merchant(merchant_id)
    return _idempotent(request, lambda: _activity_out(activity_log(
        merchant=merchant, kind=body.kind, summary=body.summary, actor=request.auth, ref=body.ref,
        details=body.details)))


@router.get("/crm/onboarding/funnel", response=list[FunnelRowOut])
def funnel(request: HttpRequest, by: str = "channel", since: dt.date | None = None):
    return [{"key": row.key, "label": str(row.label), "counts": dict(zip(MILESTONES, row.counts, strict=True))}
            for row in onboarding_funnel(by="cohort" if by == "cohort" else "channel", since=since)]
