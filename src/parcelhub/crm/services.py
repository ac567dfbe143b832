"""CRM writes: the activity timeline, notes, saved segments, onboarding marks and upsell offers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.crm.churn.selectors import churn_risks
from parcelhub.crm.models import Activity, CrmSettings, MerchantProfile, Segment, SegmentSize
from parcelhub.crm.segments import definition_validate, segment_merchants
from parcelhub.crm.selectors import profiles_compute
from parcelhub.marketing.models import MerchantTier
from parcelhub.marketing.selectors import programme
from parcelhub.plans.defaults import FREE
from parcelhub.plans.models import Subscription
from parcelhub.plans.selectors import current_plan

SUMMARY_MAX = 300


def activity_log(*, merchant: Merchant, kind: str, summary: str, actor=None, at: dt.datetime | None = None,
                 ref: str = "", details: dict[str, Any] | None = None) -> Activity:
    """Add one entry to the merchant's timeline. Other apps call this for calls, offers, alerts, plan changes…"""
    kind = (kind or "").strip()
    summary = (summary or "").strip()
    if not kind or len(kind) > 32:
        raise DomainError("activity_kind_invalid", "An activity needs a kind of at most 32 characters.",
                          "活动类型不能为空且不超过 32 个字符。", status=422)
    if not summary:
        raise DomainError("activity_summary_required", "An activity needs a summary.", "请填写活动摘要。", status=422)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        activity = Activity.objects.create(
            merchant=merchant, kind=kind, summary=summary[:SUMMARY_MAX], actor=actor, at=at or clock.now(),
            ref=(ref or "")[:64], details=details or {},
        )
        audit(action="crm.activity_log", actor=actor, merchant=merchant, target=activity, data={"kind": kind})
    return activity


def note_add(*, merchant: Merchant, text: str, actor) -> Activity:
    """An operator's note on a merchant: an Activity of kind "note"."""
    return activity_log(merchant=merchant, kind=Activity.Kind.NOTE, summary=text, actor=actor)


# --- profiles and segments -------------------------------------------------------------------------------------

def _plan_and_tier_codes(merchants: list[Merchant]) -> dict[int, tuple[str, str]]:
    """Each merchant's plan (plans.selectors.current_plan) and tier code. Merchants without a subscription are on
    Free and those without tier history on the entry tier, so only the others cost a look-up each."""
    entry = programme().entry.code
    tiers = dict(MerchantTier.objects.filter(ended_on__isnull=True, merchant__in=merchants)
                 .values_list("merchant_id", "tier__code"))
    subscribed = set(Subscription.objects.filter(merchant__in=merchants).values_list("merchant_id", flat=True))
    return {m.pk: (current_plan(m).code if m.pk in subscribed else FREE, tiers.get(m.pk, entry)) for m in merchants}


def profiles_refresh(*, today: dt.date | None = None, merchants=None, with_risk: bool = True) -> int:
    """Store every active merchant's profile as of `today` (segment filters and the merchant list read these).
    `with_risk=False` leaves the churn detector out (it scans as of the real today; the demo's back-dated
    snapshots skip it). Returns the number of profiles written."""
    today = today or clock.today()
    merchants = merchants if merchants is not None else Merchant.objects.filter(is_active=True)
    # The detector's "high" risk makes an otherwise active merchant at risk (crm.profile.lifecycle_stage).
    levels = {pk: risk.level for pk, risk in churn_risks(list(merchants)).items()} if with_risk else {}
    profiles = profiles_compute(merchants, today=today, risk_levels=levels)
    codes = _plan_and_tier_codes(list(Merchant.objects.filter(pk__in=[p.merchant_id for p in profiles])))
    rows = []
    for p in profiles:
        plan_code, tier_code = codes[p.merchant_id]
        rows.append(MerchantProfile(
            merchant_id=p.merchant_id, computed_on=p.computed_on, volume_band=p.volume_band, lifecycle=p.lifecycle,
            r=p.r, f=p.f, m=p.m, belt=p.belt, shipments_30d=p.shipments_30d, shipments_90d=p.shipments_90d,
            revenue_30d_fen=p.revenue_30d_fen, revenue_90d_fen=p.revenue_90d_fen,
            last_shipment_on=p.last_shipment_on, plan_code=plan_code, tier_code=tier_code))
    with transaction.atomic():
        MerchantProfile.objects.bulk_create(
            rows, batch_size=500, update_conflicts=True, unique_fields=["merchant"],
            update_fields=[f.name for f in MerchantProfile._meta.concrete_fields if f.name != "merchant"])
    return len(rows)


def _segment_fields(name: str, description: str, definition: dict) -> tuple[str, str]:
    name, description = (name or "").strip(), (description or "").strip()
    if not name or len(name) > 80:
        raise DomainError("segment_name_invalid", "A segment needs a name of at most 80 characters.",
                          "分群名称不能为空且不超过 80 个字符。", status=422)
    if len(description) > 200:
        raise DomainError("segment_description_too_long", "The description is longer than 200 characters.",
                          "描述超过 200 个字符。", status=422)
    definition_validate(definition)
    return name, description


def segment_create(*, name: str, definition: dict, description: str = "", actor=None) -> Segment:
    name, description = _segment_fields(name, description, definition)
    if Segment.objects.filter(name=name).exists():
        raise DomainError("segment_name_taken", "A segment with this name exists.", "已有同名分群。", status=409)
    with transaction.atomic():
        segment = Segment.objects.create(name=name, description=description, definition=definition,
                                         created_by=actor if getattr(actor, "is_authenticated", False) else None)
        audit(action="crm.segment_create", actor=actor, target=segment, data={"definition": definition})
    return segment


def segment_update(*, segment: Segment, name: str, definition: dict, description: str = "", actor=None) -> Segment:
    name, description = _segment_fields(name, description, definition)
    if Segment.objects.filter(name=name).exclude(pk=segment.pk).exists():
        raise DomainError("segment_name_taken", "A segment with this name exists.", "已有同名分群。", status=409)
    with transaction.atomic():
        segment.name, segment.description, segment.definition = name, description, definition
        segment.save(update_fields=["name", "description", "definition"])
        audit(action="crm.segment_update", actor=actor, target=segment, data={"definition": definition})
    return segment


def segment_sizes_snapshot(*, day: dt.date | None = None) -> int:
    """Record every saved segment's size today (the sizes-over-time chart). Idempotent per day."""
    day = day or clock.today()
    rows = [SegmentSize(segment=segment, day=day, size=segment_merchants(segment.definition).count())
            for segment in Segment.objects.all()]
    with transaction.atomic():
        SegmentSize.objects.bulk_create(rows, update_conflicts=True, unique_fields=["segment", "day"],
                                        update_fields=["size"])
    return len(rows)


def crm_settings_save(*, actor, **values: int) -> CrmSettings:
    config = CrmSettings.objects.filter(pk=1).first() or CrmSettings(pk=1)
    for key, value in values.items():
        setattr(config, key, value)
    if not 0 < config.waist_min_30d < config.head_min_30d:
        raise DomainError("crm_settings_invalid", "The waist threshold must be above 0 and below the head's.",
                          "腰部门槛须大于 0 且小于头部门槛。", status=422)
    if not config.at_risk_days < config.dormant_days < config.churned_days:
        raise DomainError("crm_settings_invalid", "Days must grow: at risk < dormant < churned.",
                          "天数须递增：有风险 < 沉睡 < 流失。", status=422)
    with transaction.atomic():
        config.save()
        audit(action="crm.settings_save", actor=actor, target=config, data=values)
    return config
