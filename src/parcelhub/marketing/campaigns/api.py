"""Campaign API for marketing operators (console session): list, create, target preview, launch, stop, report;
regional pushes and their difference-in-differences reports."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from parcelhub.accounts.auth import OperatorSessionAuth
from parcelhub.accounts.models import OperatorRole
from parcelhub.core.errors import DomainError
from parcelhub.marketing.campaigns import presentation, selectors, services
from parcelhub.marketing.campaigns.models import Campaign, OfferKind, RegionalPush
from parcelhub.marketing.campaigns.offers import offer_label, offer_labels

router = Router(tags=["campaigns"], auth=OperatorSessionAuth(OperatorRole.MARKETING))


class CampaignIn(Schema):
    name: str
    description: str = ""
    segment: str = Field(..., description="a saved segment's id (seg_…)")
    offer_kind: str = Field(OfferKind.COUPON, description="`coupon`, `package` or `bonus`")
    offer: str = Field("", description="the coupon's id (cpn_…) or the package's (pkg_…); empty for bonus")
    offer_amount_fen: int = Field(0, description="bonus credit per treated merchant, fen (bonus only; 1 … 100000)")
    control_bp: int = Field(1000, description="share held out, in basis points (1000 = 10 %; 0 … 5000)")
    starts_on: dt.date
    ends_on: dt.date
    pre_days: int = Field(28, description="pre-period for CUPED, days (7 … 366)")
    post_days: int = Field(28, description="after-period measured after the end, days (0 … 366)")


class CampaignOut(Schema):
    id: str
    name: str
    description: str
    state: str = Field(..., description="draft, launched, stopped or finished")
    segment: str
    offer_kind: str
    offer: str
    offer_amount_fen: int
    offer_name: str = Field(..., description="the coupon's or package's name, or the bonus credit and its amount")
    control_bp: int
    starts_on: dt.date
    ends_on: dt.date
    pre_days: int
    post_days: int
    treatment: int = Field(..., description="merchants assigned to treatment")
    control: int
    launched_at: dt.datetime | None
    stopped_at: dt.datetime | None


class PreviewOut(Schema):
    size: int
    treatment: int
    control: int


class PushIn(Schema):
    name: str
    description: str = ""
    treated_regions: list[str] = Field(..., description="adcodes of the pushed regions, e.g. [\"330782\"]")
    comparison_regions: list[str] = Field(..., description="adcodes of comparable regions without the push")
    starts_on: dt.date
    ends_on: dt.date
    pre_days: int = 28


class PushOut(Schema):
    id: str
    name: str
    description: str
    treated_regions: list[str]
    comparison_regions: list[str]
    starts_on: dt.date
    ends_on: dt.date
    pre_days: int


def _campaign_payload(campaign: Campaign, offer_name: str | None = None) -> dict:
    """`campaign` comes from selectors.campaigns(), which counts the arms."""
    if offer_name is None:
        offer_name = offer_label(campaign.offer_kind, campaign.offer_ref, campaign.offer_amount_fen)
    return {"id": campaign.public_id, "name": campaign.name, "description": campaign.description,
            "state": campaign.state, "segment": campaign.segment.public_id, "offer_kind": campaign.offer_kind,
            "offer": campaign.offer_ref, "offer_amount_fen": campaign.offer_amount_fen, "offer_name": offer_name,
            "control_bp": campaign.control_bp, "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on, "pre_days": campaign.pre_days, "post_days": campaign.post_days,
            "treatment": campaign.treatment, "control": campaign.control,
            "launched_at": campaign.launched_at, "stopped_at": campaign.stopped_at}


def _push_payload(push: RegionalPush) -> dict:
    return {"id": push.public_id, "name": push.name, "description": push.description,
            "treated_regions": push.treated_regions, "comparison_regions": push.comparison_regions,
            "starts_on": push.starts_on, "ends_on": push.ends_on, "pre_days": push.pre_days}


@router.get("/campaigns", response=list[CampaignOut], summary="Campaigns, newest first")
def campaign_list(request):
    campaigns = list(selectors.campaigns())
    names = offer_labels([(c.offer_kind, c.offer_ref, c.offer_amount_fen) for c in campaigns])
    return [_campaign_payload(c, names[(c.offer_kind, c.offer_ref, c.offer_amount_fen)]) for c in campaigns]


def _replay(request: HttpRequest, key: str, body_hash: str):
    existing = Campaign.objects.filter(created_by=request.auth, idempotency_key=key).first()
    if existing is None:
        return None
    if existing.request_hash != body_hash:
        raise DomainError("idempotency_key_reused", "This Idempotency-Key was used for a different request; use a "
                          "new key.", "该 Idempotency-Key 已用于另一个请求，请换一个。", status=422)
    return existing


@router.post("/campaigns", response={201: CampaignOut}, summary="Create a draft campaign")
def campaign_create(request, payload: CampaignIn):
    # The /api/ idempotency middleware scopes keys by merchant; an operator's key is kept on the campaign itself.
    key = request.headers.get("Idempotency-Key", "").strip()[:255]
    body_hash = hashlib.sha256(request.body).hexdigest() if key else ""
    if key and (existing := _replay(request, key, body_hash)) is not None:
        return Status(201, _campaign_payload(selectors.campaign_get(existing.public_id)))
    try:
        campaign = services.campaign_create(
            name=payload.name, description=payload.description, segment=selectors.segment_get(payload.segment),
            offer_kind=payload.offer_kind, offer_ref=payload.offer, offer_amount_fen=payload.offer_amount_fen,
            control_bp=payload.control_bp,
            starts_on=payload.starts_on, ends_on=payload.ends_on, pre_days=payload.pre_days,
            post_days=payload.post_days, actor=request.auth, idempotency_key=key, request_hash=body_hash)
    except IntegrityError:
        # Two requests raced with one key: the other one created it.
        existing = _replay(request, key, body_hash)
        if existing is None:
            raise
        campaign = existing
    return Status(201, _campaign_payload(selectors.campaign_get(campaign.public_id)))


@router.get("/campaigns/preview", response=PreviewOut, summary="How many merchants a segment would target now")
def campaign_preview(request, segment: str, control_bp: int = 1000):
    if not 0 <= control_bp <= 5000:
        raise DomainError("invalid_campaign", "control_bp: between 0 and 5000", "control_bp：须在 0 至 5000 之间",
                          status=422)
    return selectors.target_preview(selectors.segment_get(segment), control_bp)


@router.get("/campaigns/{campaign_id}", response=CampaignOut, summary="A campaign")
def campaign_get(request, campaign_id: str):
    return _campaign_payload(selectors.campaign_get(campaign_id))


@router.post("/campaigns/{campaign_id}/launch", response=CampaignOut,
             summary="Launch: assign arms, deliver the offer to treatment, email its owners")
def campaign_launch(request, campaign_id: str):
    campaign = selectors.campaign_get(campaign_id)
    services.campaign_launch(campaign=campaign, actor=request.auth)
    return _campaign_payload(selectors.campaign_get(campaign_id))


@router.post("/campaigns/{campaign_id}/stop", response=CampaignOut, summary="Stop delivering")
def campaign_stop(request, campaign_id: str):
    campaign = selectors.campaign_get(campaign_id)
    services.campaign_stop(campaign=campaign, actor=request.auth)
    return _campaign_payload(selectors.campaign_get(campaign_id))


@router.get("/campaigns/{campaign_id}/report", response=dict[str, Any],
            summary="Evaluation: treatment vs control with CUPED 95 % intervals, cost and ROI")
def campaign_report(request, campaign_id: str):
    report = selectors.campaign_report(selectors.campaign_get(campaign_id))
    summary = presentation.campaign_summary(report)
    rows = [{key: value for key, value in row.items() if key not in ("metric_label", "window_label", "money")}
            for row in presentation.campaign_rows(report)]
    return {"campaign": campaign_id, **summary, "currency": "CNY", "effects": rows}


@router.get("/regional-pushes", response=list[PushOut], summary="Regional pushes")
def push_list(request):
    return [_push_payload(p) for p in selectors.regional_pushes()]


@router.post("/regional-pushes", response={201: PushOut}, summary="Record a regional push (no control group)")
def push_create(request, payload: PushIn):
    push = services.regional_push_create(
        name=payload.name, description=payload.description, treated_regions=payload.treated_regions,
        comparison_regions=payload.comparison_regions, starts_on=payload.starts_on, ends_on=payload.ends_on,
        pre_days=payload.pre_days, actor=request.auth)
    return Status(201, _push_payload(push))


@router.get("/regional-pushes/{push_id}/report", response=dict[str, Any],
            summary="Difference-in-differences per merchant per day against the comparison regions")
def push_report(request, push_id: str):
    report = selectors.regional_push_report(selectors.regional_push_get(push_id))
    rows = [{key: value for key, value in row.items() if key not in ("metric_label", "money")}
            for row in presentation.push_rows(report)]
    return {"push": push_id, "treated": report.n_treated, "comparison": report.n_comparison,
            "currency": "CNY", "effects": rows}
