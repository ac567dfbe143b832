"""Demo world: membership tiers with six months of history, holiday months, downgrade risks and minimum margins.

Every merchant's tier is replayed month by month from the daily rollup (insights.MerchantDay, written by the
population world) with the same pure rules the live programme uses (marketing.tiers), so the history, the
current tiers and the risks shown are what the programme would have decided."""

from __future__ import annotations

import datetime as dt

from parcelhub.accounts.models import Merchant
from parcelhub.marketing import selectors
from parcelhub.marketing import tiers as rules
from parcelhub.marketing.models import DowngradeRisk, MarginRule, MerchantTier, Tier, TierSettings

# Chinese New Year months: factories and couriers stop for two weeks, so these months say little about volume.
HOLIDAY_MONTHS = ["2025-01", "2026-02", "2027-02"]
REPLAY_MONTHS = 6
MARGIN_RULES = [("sf", "", 800, 100), ("jd", "", 600, 0)]  # carrier, service, bp over cost, at least fen


def build(*, merchants: list[Merchant], today: dt.date) -> dict[str, int]:
    """`merchants` are the hand-made demo merchants; returns counts for the demo command's summary."""
    selectors.ensure_programme()
    if MerchantTier.objects.exists():
        return {"tier_history_rows": 0}
    TierSettings.objects.filter(pk=1).update(holiday_months=HOLIDAY_MONTHS)
    for carrier, service, bp, fen in MARGIN_RULES:
        MarginRule.objects.get_or_create(carrier_code=carrier, service_code=service,
                                         defaults={"min_margin_bp": bp, "min_margin_fen": fen})
    prog = selectors.programme()
    tiers = {t.code: t for t in Tier.objects.all()}
    everyone = list(Merchant.objects.filter(is_active=True).order_by("pk"))
    start = rules.first_day(_months_back(rules.month_of(today), REPLAY_MONTHS + 12))
    monthly = selectors.monthly_volumes(None, since=start, until=today)
    history: list[MerchantTier] = []
    risks: list[DowngradeRisk] = []
    for merchant in everyone:
        rows, risk = _replay(merchant, monthly.get(merchant.pk, {}), prog, today)
        history += [MerchantTier(merchant=merchant, tier=tiers[code], since=since, ended_on=ended, reason=reason,
                                 average_monthly_shipments=average)
                    for code, since, ended, reason, average in rows]
        if risk is not None:
            current, lower, projected = risk
            risks.append(DowngradeRisk(merchant=merchant, tier=tiers[current], would_fall_to=tiers[lower],
                                       review_date=rules.next_review(today), projected_average=projected,
                                       shipments_to_keep=tiers[current].min_monthly_shipments))
    MerchantTier.objects.bulk_create(history, batch_size=1000)
    DowngradeRisk.objects.bulk_create(risks, batch_size=1000)
    return {"tier_history_rows": len(history), "downgrade_risks": len(risks)}


def _months_back(month: rules.Month, n: int) -> rules.Month:
    for _ in range(n):
        month = rules.previous_month(month)
    return month


def _replay(merchant: Merchant, volumes: dict, prog: selectors.Programme, today: dt.date):
    """Tier periods (code, since, ended_on, reason, average) and the coming review's risk, if any."""
    tiers = list(prog.tiers.values())
    joined_day = selectors.clock_date(merchant.created_at)
    joined = min([rules.month_of(joined_day), *volumes])
    grace = prog.tiers.get(prog.grace_code) if prog.grace_code else None
    periods: list[list] = []

    def move(code: str, day: dt.date, reason: str, average: int) -> None:
        if periods and periods[-1][0] == code:
            return
        if periods:
            periods[-1][2] = day
        periods.append([code, day, None, reason, average])

    if rules.in_grace(joined_day, today, weeks=prog.grace_weeks) and grace is not None:
        move(grace.code, max(joined_day, today - dt.timedelta(weeks=prog.grace_weeks)), "grace", 0)
    month = _months_back(rules.month_of(today), REPLAY_MONTHS)
    while rules.first_day(month) <= today:
        day = rules.first_day(month)
        if day >= joined_day or volumes:
            window = rules.window_months(month, size=prog.window_months, holidays=prog.holidays)
            average = rules.average_monthly(volumes, window, joined=joined)
            current = prog.tiers[periods[-1][0]] if periods else prog.entry
            last_month = volumes.get(rules.previous_month(month), 0)
            upgrade = rules.upgrade_to(tiers, current, average=average, month_to_date=last_month)
            if not periods:
                move(rules.earned_tier(tiers, average).code, day, "review", average)
            elif upgrade is not None:
                # Crossed during the month before: dated ten days before its end, never before the last change.
                move(upgrade.code, max(day - dt.timedelta(days=10), periods[-1][1]), "upgrade",
                     max(average, last_month))
            elif not (periods[-1][3] == "upgrade" and rules.protected_from_review(periods[-1][1], day)):
                in_grace = rules.in_grace(joined_day, day, weeks=prog.grace_weeks)
                target = rules.review_to(tiers, current, average=average, floor=grace if in_grace else None)
                move(target.code, day, "review", average)
        month = rules.next_month(month)
    rows = [tuple(p) for p in periods if p[0] != prog.entry.code or p[2] is not None or len(periods) > 1]
    return rows, _risk(periods, volumes, prog, today, joined, joined_day)


def _risk(periods: list[list], volumes: dict, prog: selectors.Programme, today: dt.date, joined, joined_day):
    if not periods or periods[-1][0] == prog.entry.code:
        return None
    code, since, _, reason, _ = periods[-1]
    review = rules.next_review(today)
    if reason == "upgrade" and rules.protected_from_review(since, review):
        return None
    pace = volumes.get(rules.month_of(today), 0) * 30 // max(1, today.day - 1) if today.day > 1 \
        else volumes.get(rules.previous_month(rules.month_of(today)), 0)
    projected = rules.projected_review_average(volumes, review=review, size=prog.window_months,
                                               holidays=prog.holidays, pace_last_30_days=pace, joined=joined)
    grace = prog.tiers.get(prog.grace_code) if prog.grace_code and rules.in_grace(
        joined_day, review, weeks=prog.grace_weeks) else None
    target = rules.review_to(prog.tiers.values(), prog.tiers[code], average=projected, floor=grace)
    return (code, target.code, projected) if target.code != code else None
