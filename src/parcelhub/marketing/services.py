"""Writes of the tier programme: tier changes (upgrade, review, grace), downgrade-risk notices, the operators'
configuration, and what a purchase and a void do to promotions and the margin report."""

from __future__ import annotations

import datetime as dt

from django.conf import settings as django_settings
from django.db import transaction

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.marketing import selectors
from parcelhub.marketing import tiers as rules
from parcelhub.marketing.models import (
    DowngradeRisk,
    GuardrailEvent,
    MarginRule,
    MerchantTier,
    Tier,
    TierOverride,
    TierSettings,
)
from parcelhub.marketing.offers import OfferKind
from parcelhub.marketing.stacking import StackResult

MAX_DISCOUNT_BP = 5000  # a tier discount above 50 % is a typo, not a programme


# Tier changes -------------------------------------------------------------------------------------------------

def _tier_row(code: str) -> Tier:
    return Tier.objects.get(code=code)


def tier_change(*, merchant: Merchant, tier: Tier, reason: str, today: dt.date, average: int = 0,
                actor=None) -> MerchantTier:
    """Close the open history row and open one for `tier`, from `today`."""
    with transaction.atomic():
        locked = Merchant.objects.select_for_update().get(pk=merchant.pk)  # one change per merchant at a time
        previous = MerchantTier.objects.filter(merchant=locked, ended_on__isnull=True).select_related("tier").first()
        if previous is not None:
            if previous.tier_id == tier.pk:
                return previous
            MerchantTier.objects.filter(pk=previous.pk).update(ended_on=today)
        row = MerchantTier.objects.create(merchant=locked, tier=tier, since=today, reason=reason,
                                          average_monthly_shipments=average)
        audit(action="tier.change", actor=actor, merchant=locked, target=row,
              data={"from": previous.tier.code if previous else None, "to": tier.code, "reason": reason,
                    "average_monthly_shipments": average})
    return row


def tier_check(*, merchant: Merchant, today: dt.date | None = None) -> MerchantTier | None:
    """Upgrade now when the average or this month so far earns a better tier (after a purchase, daily)."""
    today = today or clock.today()
    prog = selectors.programme()
    volume = selectors.volumes([merchant], today=today, prog=prog)[merchant.pk]
    current = prog.tiers[selectors.tier_of(merchant).code]
    target = rules.upgrade_to(prog.tiers.values(), current, average=volume.average,
                              month_to_date=volume.month_to_date)
    if target is None:
        return None
    return tier_change(merchant=merchant, tier=_tier_row(target.code), reason=MerchantTier.Reason.UPGRADE,
                       today=today, average=max(volume.average, volume.month_to_date))


def tier_upgrade_all(*, today: dt.date) -> int:
    """`tier_check` for every active merchant, with the volumes and current tiers read in a few queries."""
    prog = selectors.programme()
    merchants = list(Merchant.objects.filter(is_active=True).order_by("pk"))
    vols = selectors.volumes(merchants, today=today, prog=prog)
    held = dict(MerchantTier.objects.filter(ended_on__isnull=True).values_list("merchant_id", "tier__code"))
    upgraded = 0
    for merchant in merchants:
        volume = vols[merchant.pk]
        current = prog.tiers[held.get(merchant.pk, prog.entry.code)]
        target = rules.upgrade_to(prog.tiers.values(), current, average=volume.average,
                                  month_to_date=volume.month_to_date)
        if target is not None:
            tier_change(merchant=merchant, tier=_tier_row(target.code), reason=MerchantTier.Reason.UPGRADE,
                        today=today, average=max(volume.average, volume.month_to_date))
            upgraded += 1
    return upgraded


def tier_grace_grant(*, today: dt.date) -> int:
    """New merchants (within the grace weeks, no tier history yet) start on the grace tier."""
    prog = selectors.programme()
    if prog.grace_code is None:
        return 0
    grace = _tier_row(prog.grace_code)
    since = clock.start_of_day(today - dt.timedelta(weeks=prog.grace_weeks))
    granted = 0
    for merchant in Merchant.objects.filter(created_at__gte=since, is_active=True, tier_history__isnull=True):
        tier_change(merchant=merchant, tier=grace, reason=MerchantTier.Reason.GRACE, today=today)
        granted += 1
    return granted


def _held(prog: selectors.Programme, review: dt.date) -> list[MerchantTier]:
    """Open tiers above the entry tier that the review on `review` may lower."""
    entry = prog.entry.code
    rows = (MerchantTier.objects.filter(ended_on__isnull=True).exclude(tier__code=entry)
            .select_related("tier", "merchant").order_by("merchant_id"))
    upgraded = (MerchantTier.Reason.UPGRADE, MerchantTier.Reason.OPERATOR)
    return [row for row in rows
            if not (row.reason in upgraded and rules.protected_from_review(row.since, review))]


def tier_review(*, today: dt.date) -> dict[str, int]:
    """The monthly review (run on the 1st): at most one tier down, never below the grace tier in grace."""
    prog = selectors.programme()
    held = _held(prog, today)
    vols = selectors.volumes([row.merchant for row in held], today=today, prog=prog)
    grace = prog.tiers.get(prog.grace_code) if prog.grace_code else None
    result = {"reviewed": len(held), "downgraded": 0}
    for row in held:
        merchant, current = row.merchant, prog.tiers[row.tier.code]
        in_grace = rules.in_grace(selectors.clock_date(merchant.created_at), today, weeks=prog.grace_weeks)
        target = rules.review_to(prog.tiers.values(), current, average=vols[merchant.pk].average,
                                 floor=grace if in_grace else None)
        outcome = "kept"
        if target.code != current.code:
            reason = MerchantTier.Reason.GRACE_END if row.reason == MerchantTier.Reason.GRACE \
                else MerchantTier.Reason.REVIEW
            tier_change(merchant=merchant, tier=_tier_row(target.code), reason=reason, today=today,
                        average=vols[merchant.pk].average)
            result["downgraded"] += 1
            outcome = "downgraded"
        DowngradeRisk.objects.filter(merchant=merchant, review_date=today, outcome="").update(outcome=outcome)
    return result


def downgrade_risk_scan(*, today: dt.date) -> int:
    """Tell merchants, once per review and at most 30 days ahead, that the review would lower their tier if
    the coming weeks ship at the pace of the last 30 days."""
    review = rules.risk_notice_due(today)
    if review is None:
        return 0
    prog = selectors.programme()
    held = [row for row in _held(prog, review)
            if not DowngradeRisk.objects.filter(merchant_id=row.merchant_id, review_date=review).exists()]
    vols = selectors.volumes([row.merchant for row in held], today=today, prog=prog)
    grace = prog.tiers.get(prog.grace_code) if prog.grace_code else None
    written = 0
    for row in held:
        merchant, current, volume = row.merchant, prog.tiers[row.tier.code], vols[row.merchant_id]
        joined = min([rules.month_of(selectors.clock_date(merchant.created_at)), *volume.monthly])
        projected = rules.projected_review_average(
            volume.monthly, review=review, size=prog.window_months, holidays=prog.holidays,
            pace_last_30_days=volume.last_30_days, joined=joined)
        in_grace = rules.in_grace(selectors.clock_date(merchant.created_at), review, weeks=prog.grace_weeks)
        target = rules.review_to(prog.tiers.values(), current, average=projected,
                                 floor=grace if in_grace else None)
        if target.code == current.code:
            continue
        downgrade_risk_record(merchant=merchant, tier=row.tier, would_fall_to=_tier_row(target.code),
                              review_date=review, projected=projected)
        written += 1
    return written


def downgrade_risk_record(*, merchant: Merchant, tier: Tier, would_fall_to: Tier, review_date: dt.date,
                          projected: int) -> DowngradeRisk:
    from parcelhub.notify.models import Channel, Outbox
    from parcelhub.notify.outbox import enqueue_after_commit, owner_emails

    now = clock.now()
    with transaction.atomic():
        risk = DowngradeRisk.objects.create(merchant=merchant, tier=tier, would_fall_to=would_fall_to,
                                            review_date=review_date, projected_average=projected,
                                            shipments_to_keep=tier.min_monthly_shipments)
        subject, body = _risk_email(risk)
        rows = Outbox.objects.bulk_create([
            Outbox(merchant=merchant, channel=Channel.EMAIL, event_type="tier.downgrade_risk", recipient=email,
                   subject=subject, body=body, next_attempt_at=now, created_at=now)
            for email in owner_emails([merchant.pk]).get(merchant.pk, [])])
        audit(action="tier.downgrade_risk", merchant=merchant, target=risk,
              data={"tier": tier.code, "would_fall_to": would_fall_to.code, "review_date": review_date.isoformat(),
                    "projected_average": projected})
        enqueue_after_commit([row.pk for row in rows])
    return risk


def _risk_email(risk: DowngradeRisk) -> tuple[str, str]:
    # Both languages in one message, like the platform's other account emails.
    tier, lower, date = risk.tier, risk.would_fall_to, risk.review_date.isoformat()
    subject = f"Your {tier.name_en} tier is at risk / 您的{tier.name}会员等级即将调整"
    body = (f"At the current pace (about {risk.projected_average} parcels a month) the tier review on {date} "
            f"would move your account from {tier.name_en} to {lower.name_en}. Ship at least "
            f"{tier.min_monthly_shipments} parcels a month on average to keep your discount.\n\n"
            f"按目前的发货量（约每月 {risk.projected_average} 件），{date} 的等级评估会将您的账户从{tier.name}调整为"
            f"{lower.name}。月均发货达到 {tier.min_monthly_shipments} 件即可保持当前折扣。\n\n"
            f"{django_settings.SITE_URL}/marketing/tier/")
    return subject, body


def tiers_daily(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily job: grace for new merchants, upgrades earned, the review on the 1st, risk notices."""
    today = today or clock.today()
    counts = {"grace": tier_grace_grant(today=today), "upgraded": 0, "reviewed": 0, "downgraded": 0}
    if today.day == 1:
        counts |= tier_review(today=today)
    counts["upgraded"] = tier_upgrade_all(today=today)
    counts["risk_notices"] = downgrade_risk_scan(today=today)
    return counts


# Configuration -------------------------------------------------------------------------------------------------

def _bp(value: object, field: str, maximum: int = MAX_DISCOUNT_BP) -> int:
    if type(value) is not int or not 0 <= value <= maximum:
        raise DomainError("invalid_value", f"{field} must be a whole number from 0 to {maximum}.",
                          f"{field} 必须是 0 到 {maximum} 之间的整数。", status=422)
    return value


def tier_update(*, tier: Tier, name: str, name_en: str, min_monthly_shipments: int, discount_bp: int,
                actor) -> Tier:
    """Thresholds and discounts must rise with the rank, or a better tier would be worth less."""
    _bp(discount_bp, "discount_bp")
    _bp(min_monthly_shipments, "min_monthly_shipments", maximum=10_000_000)
    if not name.strip() or not name_en.strip():
        raise DomainError("name_required", "A tier needs a name in both languages.", "等级需要中英文名称。", status=422)
    others = list(Tier.objects.exclude(pk=tier.pk))
    for other in others:
        lower = other.rank < tier.rank
        if (lower and (other.min_monthly_shipments >= min_monthly_shipments or other.discount_bp > discount_bp)) or \
                (not lower and (other.min_monthly_shipments <= min_monthly_shipments or other.discount_bp < discount_bp)):
            raise DomainError("tier_order", f"{tier.name_en}: thresholds must rise and discounts not fall with the tier.",
                              f"{tier.name}：门槛须随等级升高，折扣不得随等级降低。", status=422)
    if tier.rank == min([tier.rank, *(o.rank for o in others)]) and min_monthly_shipments != 0:
        raise DomainError("entry_tier_threshold", "The entry tier's threshold must stay 0.", "入门等级门槛必须为 0。",
                          status=422)
    with transaction.atomic():
        before = {"min": tier.min_monthly_shipments, "bp": tier.discount_bp}
        Tier.objects.filter(pk=tier.pk).update(name=name.strip(), name_en=name_en.strip(),
                                               min_monthly_shipments=min_monthly_shipments, discount_bp=discount_bp)
        audit(action="tier.update", actor=actor, target=tier,
              data={"before": before, "after": {"min": min_monthly_shipments, "bp": discount_bp}})
    tier.refresh_from_db()
    return tier


def tier_settings_update(*, window_months: int, grace_tier: Tier | None, grace_weeks: int,
                         holiday_months: list[str], min_margin_bp: int, min_margin_fen: int, actor) -> TierSettings:
    if type(window_months) is not int or not 1 <= window_months <= 12:
        raise DomainError("invalid_window", "The window is 1 to 12 months.", "统计窗口为 1 到 12 个月。", status=422)
    if type(grace_weeks) is not int or not 0 <= grace_weeks <= 52:
        raise DomainError("invalid_grace", "The grace period is 0 to 52 weeks.", "保护期为 0 到 52 周。", status=422)
    months = []
    for text in holiday_months:
        month = selectors.parse_month(text.strip())
        if month is None:
            raise DomainError("invalid_month", f"{text!r} is not a month like 2026-02.", f"{text!r} 不是形如 2026-02 的月份。",
                              status=422)
        months.append(f"{month[0]:04d}-{month[1]:02d}")
    _bp(min_margin_bp, "min_margin_bp", maximum=10000)
    _bp(min_margin_fen, "min_margin_fen", maximum=100_000)
    with transaction.atomic():
        config = selectors.ensure_programme()
        config.window_months, config.grace_tier, config.grace_weeks = window_months, grace_tier, grace_weeks
        config.holiday_months = sorted(set(months))
        config.min_margin_bp, config.min_margin_fen = min_margin_bp, min_margin_fen
        config.save()
        audit(action="tier.settings", actor=actor, target=config,
              data={"window_months": window_months, "grace": grace_tier.code if grace_tier else None,
                    "grace_weeks": grace_weeks, "holidays": config.holiday_months, "min_margin_bp": min_margin_bp,
                    "min_margin_fen": min_margin_fen})
    return config


def _carrier(carrier_code: str, service_code: str) -> tuple[str, str]:
    from parcelhub.carriers.models import Service

    carrier_code, service_code = carrier_code.strip(), service_code.strip()
    services = Service.objects.filter(carrier__code=carrier_code)
    if service_code:
        services = services.filter(code=service_code)
    if not services.exists():
        raise DomainError("unknown_service", f"There is no service {carrier_code}.{service_code or '*'}.",
                          f"没有产品 {carrier_code}.{service_code or '*'}。", status=422)
    return carrier_code, service_code


def tier_override_set(*, tier: Tier, carrier_code: str, service_code: str, discount_bp: int, actor) -> TierOverride:
    carrier_code, service_code = _carrier(carrier_code, service_code)
    _bp(discount_bp, "discount_bp")
    with transaction.atomic():
        row, _ = TierOverride.objects.update_or_create(tier=tier, carrier_code=carrier_code,
                                                       service_code=service_code,
                                                       defaults={"discount_bp": discount_bp})
        audit(action="tier.override_set", actor=actor, target=row,
              data={"tier": tier.code, "carrier": carrier_code, "service": service_code, "bp": discount_bp})
    return row


def tier_override_delete(*, override: TierOverride, actor) -> None:
    with transaction.atomic():
        audit(action="tier.override_delete", actor=actor, target=override,
              data={"tier": override.tier.code, "carrier": override.carrier_code, "service": override.service_code})
        override.delete()


def margin_rule_set(*, carrier_code: str, service_code: str, min_margin_bp: int, min_margin_fen: int,
                    actor) -> MarginRule:
    carrier_code, service_code = _carrier(carrier_code, service_code)
    _bp(min_margin_bp, "min_margin_bp", maximum=10000)
    _bp(min_margin_fen, "min_margin_fen", maximum=100_000)
    with transaction.atomic():
        row, _ = MarginRule.objects.update_or_create(
            carrier_code=carrier_code, service_code=service_code,
            defaults={"min_margin_bp": min_margin_bp, "min_margin_fen": min_margin_fen})
        audit(action="margin_rule.set", actor=actor, target=row,
              data={"carrier": carrier_code, "service": service_code, "bp": min_margin_bp, "fen": min_margin_fen})
    return row


def margin_rule_delete(*, rule: MarginRule, actor) -> None:
    with transaction.atomic():
        audit(action="margin_rule.delete", actor=actor, target=rule,
              data={"carrier": rule.carrier_code, "service": rule.service_code})
        rule.delete()


# Purchases -------------------------------------------------------------------------------------------------

def purchase_commit(*, shipment, stack: StackResult | None, list_fen: int, tier_check_after: bool = True) -> None:
    """Inside the purchase transaction: consume the offers the price used (promotions books a funded subsidy against
    its budget), record capped and subsidised prices, and check for an upgrade once the purchase commits."""
    if shipment.test_mode:
        return
    from parcelhub.marketing.promotions.offers import offers_consume

    # Called for every live label, offers or not: the promotions also earn points on what was charged.
    offers_consume(merchant=shipment.merchant, offers=list(stack.used) if stack else [],
                   shipment_public_id=shipment.public_id, charged_fen=shipment.total_fen,
                   subsidy_fen=stack.subsidy_fen if stack else 0,
                   discounts={offer.source_id: stack.coupon_net_fen for offer in (stack.used if stack else ())
                              if offer.kind == OfferKind.COUPON})
    if stack is not None:
        _guardrail_events(shipment, stack, list_fen)
    if tier_check_after:
        merchant_id = shipment.merchant_id
        transaction.on_commit(lambda: _after_purchase(merchant_id))


def _after_purchase(merchant_id: int) -> None:
    from parcelhub.marketing.tasks import tier_check_task

    tier_check_task(merchant_id)


def _guardrail_events(shipment, stack: StackResult, list_fen: int) -> None:
    coupon = stack.used[0] if stack.used else None
    common = {"merchant": shipment.merchant, "shipment_public_id": shipment.public_id,
              "carrier_code": shipment.carrier_code, "service_code": shipment.service_code,
              "service_name": shipment.service_name, "list_fen": list_fen, "floor_fen": stack.floor_fen,
              "final_fen": stack.final_fen, "created_at": clock.now(),
              "promotion_id": coupon.source_id if coupon else "", "promotion_label": coupon.label[:80] if coupon else ""}
    rows = []
    if stack.capped_fen:
        rows.append(GuardrailEvent(kind=GuardrailEvent.Kind.CAPPED, amount_fen=stack.capped_fen, **common))
    if stack.subsidy_fen:
        rows.append(GuardrailEvent(kind=GuardrailEvent.Kind.SUBSIDISED, amount_fen=stack.subsidy_fen, **common))
    GuardrailEvent.objects.bulk_create(rows)


def purchase_release(*, shipment) -> None:
    """Inside the void transaction: give back the offers and take the label out of the margin report."""
    if shipment.test_mode:
        return
    from parcelhub.marketing.promotions.offers import offers_release

    offers_release(merchant=shipment.merchant, shipment_public_id=shipment.public_id)
    GuardrailEvent.objects.filter(shipment_public_id=shipment.public_id).update(voided=True)
