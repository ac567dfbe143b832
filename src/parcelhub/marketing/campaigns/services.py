"""Campaign writes: create, launch (assign arms, deliver to treatment, tell its owners), stop, finish; regional
pushes. Arms come from `evaluation.arm_for` and are stored, so nothing ever reshuffles."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import transaction

from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.crm.models import Activity, Segment
from parcelhub.crm.segments import segment_merchants
from parcelhub.crm.services import activity_log
from parcelhub.marketing.campaigns import evaluation
from parcelhub.marketing.campaigns.models import Assignment, Campaign, OfferKind, RegionalPush
from parcelhub.marketing.campaigns.offers import OfferText, offer_check, offer_deliver, offer_text
from parcelhub.notify.models import Channel, Outbox
from parcelhub.notify.outbox import enqueue_after_commit, owner_emails

MAX_PERIOD_DAYS = 366
_ADCODE = re.compile(r"^\d{6}$")


def _invalid(field: str, en: str, zh: str) -> DomainError:
    return DomainError("invalid_campaign", f"{field}: {en}", f"{field}：{zh}", status=422, details={"field": field})


def _check_days(value: object, field: str, minimum: int) -> int:
    if type(value) is not int or not minimum <= value <= MAX_PERIOD_DAYS:
        raise _invalid(field, f"a whole number of days between {minimum} and {MAX_PERIOD_DAYS}",
                       f"须为 {minimum} 至 {MAX_PERIOD_DAYS} 之间的整数天")
    return value


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise _invalid("name", "required, at most 120 characters", "必填，最多 120 个字符")
    return name


def _check_dates(starts_on: dt.date, ends_on: dt.date) -> None:
    if not isinstance(starts_on, dt.date) or not isinstance(ends_on, dt.date) or ends_on < starts_on:
        raise _invalid("ends_on", "the campaign must end on or after its first day", "结束日期不能早于开始日期")
    if (ends_on - starts_on).days >= MAX_PERIOD_DAYS:
        raise _invalid("ends_on", "a campaign runs at most a year", "活动最长一年")


def campaign_create(*, name: str, segment: Segment, offer_ref: str, starts_on: dt.date, ends_on: dt.date,
                    offer_kind: str = OfferKind.COUPON, offer_amount_fen: int = 0, control_bp: int = 1000,
                    pre_days: int = 28, post_days: int = 28, description: str = "", actor=None, idempotency_key: str = "",
                    request_hash: str = "") -> Campaign:
    """A draft campaign. Nothing is delivered until it is launched."""
    name = _check_name(name)
    if not isinstance(segment, Segment):
        raise _invalid("segment", "choose a saved segment", "请选择已保存的分群")
    if type(control_bp) is not int or not 0 <= control_bp <= 5000:
        raise _invalid("control_bp", "a control share between 0 and 50 %", "对照组比例须在 0 至 50% 之间")
    _check_dates(starts_on, ends_on)
    _check_days(pre_days, "pre_days", 7)
    _check_days(post_days, "post_days", 0)
    offer_ref = (offer_ref or "").strip()
    offer_check(offer_kind, offer_ref, offer_amount_fen)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name, description=(description or "").strip()[:300], segment=segment, offer_kind=offer_kind,
            offer_ref=offer_ref, offer_amount_fen=offer_amount_fen, control_bp=control_bp, starts_on=starts_on,
            ends_on=ends_on, pre_days=pre_days, post_days=post_days, created_by=actor, idempotency_key=idempotency_key[:255],
            request_hash=request_hash)
        audit(action="campaign.create", actor=actor, target=campaign,
              data={"segment": segment.public_id, "offer_kind": offer_kind, "offer": offer_ref,
                    "offer_amount_fen": offer_amount_fen, "control_bp": control_bp})
    return campaign


def _locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def campaign_launch(*, campaign: Campaign, actor=None) -> int:
    """Start delivering: assign every merchant of the segment (now), deliver the offer to treatment and email its
    owners after the commit. A stopped campaign may be relaunched while its end date has not passed; merchants
    assigned before keep their arm. Returns the number of merchants newly assigned."""
    with transaction.atomic():
        locked = _locked(campaign)
        if locked.state not in (Campaign.State.DRAFT, Campaign.State.STOPPED):
            raise DomainError("campaign_not_launchable", "Only a draft or stopped campaign can be launched.",
                              "只有草稿或已停止的活动可以启动。", status=409)
        if locked.ends_on < clock.today():
            raise DomainError("campaign_over", "This campaign's end date has passed.", "该活动的结束日期已过。",
                              status=409)
        offer_check(locked.offer_kind, locked.offer_ref, locked.offer_amount_fen)
        locked.state, locked.launched_at, locked.stopped_at = Campaign.State.LAUNCHED, clock.now(), None
        locked.save(update_fields=["state", "launched_at", "stopped_at"])
        added = _enrol(locked, actor=actor)
        audit(action="campaign.launch", actor=actor, target=locked, data={"assigned": added})
    campaign.refresh_from_db()
    return added


def campaign_enrol(*, campaign: Campaign, actor=None) -> int:
    """Assign merchants that joined the segment since the launch (the daily job); only while running."""
    with transaction.atomic():
        locked = _locked(campaign)
        if locked.state != Campaign.State.LAUNCHED:
            return 0
        added = _enrol(locked, actor=actor)
        if added:
            audit(action="campaign.enrol", actor=actor, target=locked, data={"assigned": added})
    return added


def _enrol(campaign: Campaign, *, actor) -> int:
    assigned = set(campaign.assignments.values_list("merchant_id", flat=True))
    merchants = [m for m in segment_merchants(campaign.segment.definition).only("pk", "public_id")
                 if m.pk not in assigned]
    if not merchants:
        return 0
    now = clock.now()
    rows = [Assignment(campaign=campaign, merchant=m, assigned_at=now,
                       arm=evaluation.arm_for(campaign.public_id, m.public_id, campaign.control_bp))
            for m in merchants]
    treated = [row.merchant for row in rows if row.arm == Assignment.Arm.TREATMENT]
    # Only treatment is handed to the offer: control receives nothing, ever.
    delivered = offer_deliver(campaign=campaign, merchants=treated, actor=actor) if treated else {}
    for row in rows:
        row.delivered_ref = delivered.get(row.merchant_id, "")
    Assignment.objects.bulk_create(rows, batch_size=500)
    if delivered:
        text = offer_text(campaign, site_url=settings.SITE_URL)
        _notify(text, list(delivered), now)
        _log_offers(campaign, text, [m for m in treated if m.pk in delivered], delivered, actor)
    return len(rows)


def _log_offers(campaign: Campaign, text: OfferText, merchants: list, delivered: dict[int, str], actor) -> None:
    """The offer on each treatment merchant's CRM timeline, so account managers see what it was sent."""
    summary = f"{campaign.name}: {text.zh} / {text.en}"
    for merchant in merchants:
        activity_log(merchant=merchant, kind=Activity.Kind.OFFER, summary=summary, actor=actor,
                     ref=campaign.public_id, details={"offer_kind": campaign.offer_kind,
                                                      "grant": delivered[merchant.pk]})


def _notify(text: OfferText, merchant_ids: list[int], now: dt.datetime) -> None:
    """One email per treatment owner, written to the outbox in this transaction and sent after it commits."""
    subject, body = text.subject, text.body
    emails = owner_emails(merchant_ids)
    rows = Outbox.objects.bulk_create([
        Outbox(merchant_id=merchant_id, channel=Channel.EMAIL, event_type="campaign.offer", recipient=email,
               subject=subject[:200], body=body, next_attempt_at=now, created_at=now)
        for merchant_id in merchant_ids for email in emails.get(merchant_id, [])])
    enqueue_after_commit([row.pk for row in rows])


def campaign_stop(*, campaign: Campaign, actor=None) -> Campaign:
    """End delivery: nobody new is assigned or given the offer. Offers already delivered stay valid on their own
    terms, and the evaluation goes on."""
    with transaction.atomic():
        locked = _locked(campaign)
        if locked.state != Campaign.State.LAUNCHED:
            raise DomainError("campaign_not_running", "Only a running campaign can be stopped.",
                              "只有进行中的活动可以停止。", status=409)
        locked.state, locked.stopped_at = Campaign.State.STOPPED, clock.now()
        locked.save(update_fields=["state", "stopped_at"])
        audit(action="campaign.stop", actor=actor, target=locked)
    campaign.refresh_from_db()
    return campaign


def campaigns_finish_due(*, today: dt.date | None = None) -> int:
    """Running campaigns whose last day has passed are finished (the daily job)."""
    today = today or clock.today()
    with transaction.atomic():
        due = list(Campaign.objects.select_for_update().filter(state=Campaign.State.LAUNCHED, ends_on__lt=today))
        for campaign in due:
            campaign.state = Campaign.State.FINISHED
            campaign.save(update_fields=["state"])
            audit(action="campaign.finish", target=campaign)
    return len(due)


def _check_regions(values: object, field: str) -> list[str]:
    codes = [str(v).strip() for v in values] if isinstance(values, list | tuple) else []
    if not codes or len(codes) > 50 or not all(_ADCODE.match(c) for c in codes):
        raise _invalid(field, "one or more region adcodes such as 330782", "须为一个或多个行政区划代码，如 330782")
    return list(dict.fromkeys(codes))


def regional_push_create(*, name: str, treated_regions: list[str], comparison_regions: list[str],
                         starts_on: dt.date, ends_on: dt.date, pre_days: int = 28, description: str = "",
                         actor=None) -> RegionalPush:
    """Record a push without a holdout (a ground team in an industrial belt) for difference-in-differences."""
    name = _check_name(name)
    treated = _check_regions(treated_regions, "treated_regions")
    comparison = _check_regions(comparison_regions, "comparison_regions")
    from parcelhub.marketing.campaigns.selectors import regions_overlap

    if regions_overlap(treated, comparison):
        raise _invalid("comparison_regions", "comparison regions must lie outside the pushed ones",
                       "对照地区不能与推广地区重叠")
    _check_dates(starts_on, ends_on)
    _check_days(pre_days, "pre_days", 7)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        push = RegionalPush.objects.create(name=name, description=(description or "").strip()[:300],
                                           treated_regions=treated, comparison_regions=comparison,
                                           starts_on=starts_on, ends_on=ends_on, pre_days=pre_days,
                                           created_by=actor)
        audit(action="regional_push.create", actor=actor, target=push,
              data={"treated": treated, "comparison": comparison})
    return push
