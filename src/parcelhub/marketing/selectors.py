"""Reads of the tier programme, merchants' tiers and volumes, downgrade risks and the margin report.

Other apps use `current_tier(merchant)` and `downgrade_risks()`; their shapes are a contract with
the CRM and workbench apps.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import translation

from parcelhub.core import clock
from parcelhub.marketing import tiers as rules
from parcelhub.marketing.models import (
    DowngradeRisk,
    GuardrailEvent,
    MarginRule,
    MerchantTier,
    QuoteGuardrailDay,
    Tier,
    TierOverride,
    TierSettings,
)
from parcelhub.marketing.stacking import margin_floor

DEFAULT_TIERS = [
    # code, name, English name, rank, average monthly shipments, discount bp (also migration 0002)
    ("standard", "普通", "Standard", 0, 0, 0),
    ("silver", "银牌", "Silver", 1, 500, 300),
    ("gold", "金牌", "Gold", 2, 3000, 600),
    ("platinum", "铂金", "Platinum", 3, 10000, 1000),
]


def ensure_programme() -> TierSettings:
    """The default tiers and settings; migration 0002 creates them, this brings them back after a flush."""
    settings = TierSettings.objects.filter(pk=1).select_related("grace_tier").first()
    if settings is not None and Tier.objects.exists():
        return settings
    with transaction.atomic():
        if not Tier.objects.exists():
            # Many first purchases may get here at once: ON CONFLICT DO NOTHING lets all but one insert nothing.
            Tier.objects.bulk_create([Tier(code=code, name=name, name_en=name_en, rank=rank,
                                           min_monthly_shipments=threshold, discount_bp=bp)
                                      for code, name, name_en, rank, threshold, bp in DEFAULT_TIERS],
                                     ignore_conflicts=True)
        settings, _ = TierSettings.objects.get_or_create(
            pk=1, defaults={"grace_tier": Tier.objects.filter(code="silver").first()})
    return settings


@dataclass(frozen=True)
class Programme:
    """Everything pricing needs from the tier and guardrail configuration, loaded in a few queries."""

    tiers: dict[str, rules.TierRule]
    names: dict[str, str]
    overrides: dict[str, dict[tuple[str, str], int]]
    margins: dict[tuple[str, str], tuple[int, int]]
    default_margin: tuple[int, int]
    window_months: int
    grace_code: str | None
    grace_weeks: int
    holidays: tuple[rules.Month, ...]

    @property
    def entry(self) -> rules.TierRule:
        return rules.sorted_tiers(self.tiers.values())[0]

    def discount_bp(self, tier_code: str, carrier: str, service: str) -> int:
        return rules.discount_for(self.tiers[tier_code].discount_bp, self.overrides.get(tier_code, {}),
                                  carrier=carrier, service=service)

    def floor(self, carrier: str, service: str, cost_fen: int) -> int:
        bp, fen = self.margins.get((carrier, service)) or self.margins.get((carrier, "")) or self.default_margin
        return margin_floor(cost_fen, min_margin_bp=bp, min_margin_fen=fen)


def parse_month(text: str) -> rules.Month | None:
    try:
        year, month = (int(part) for part in str(text).split("-"))
    except ValueError:
        return None
    return (year, month) if 2000 <= year <= 2100 and 1 <= month <= 12 else None


def programme() -> Programme:
    settings = ensure_programme()
    tiers = list(Tier.objects.all())
    language = translation.get_language() or "zh"
    overrides: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for row in TierOverride.objects.select_related("tier"):
        overrides[row.tier.code][(row.carrier_code, row.service_code)] = row.discount_bp
    return Programme(
        tiers={t.code: rules.TierRule(t.code, t.rank, t.min_monthly_shipments, t.discount_bp) for t in tiers},
        names={t.code: t.display_name(language) for t in tiers},
        overrides=dict(overrides),
        margins={(m.carrier_code, m.service_code): (m.min_margin_bp, m.min_margin_fen)
                 for m in MarginRule.objects.all()},
        default_margin=(settings.min_margin_bp, settings.min_margin_fen),
        window_months=settings.window_months,
        grace_code=settings.grace_tier.code if settings.grace_tier_id else None,
        grace_weeks=settings.grace_weeks,
        holidays=tuple(m for m in (parse_month(text) for text in settings.holiday_months) if m),
    )


def open_tier_row(merchant) -> MerchantTier | None:
    return MerchantTier.objects.select_related("tier").filter(merchant=merchant, ended_on__isnull=True).first()


def tier_of(merchant) -> Tier:
    """The merchant's tier now; a merchant with no tier history is on the entry tier (no discount)."""
    row = open_tier_row(merchant)
    if row is not None:
        return row.tier
    ensure_programme()
    return Tier.objects.order_by("rank").first()


# Volumes --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Volume:
    monthly: dict[rules.Month, int]   # complete months from MerchantDay
    average: int                      # over the rolling window before this month
    month_to_date: int                # this month's rollup days before today + today's live labels
    last_30_days: int


def monthly_volumes(merchant_ids: list[int] | None, *, since: dt.date, until: dt.date) -> dict[int, dict]:
    """{merchant id: {(year, month): shipments}} from the daily rollup, days in [since, until)."""
    from parcelhub.insights.models import MerchantDay

    rows = MerchantDay.objects.filter(day__gte=since, day__lt=until)
    if merchant_ids is not None:
        rows = rows.filter(merchant_id__in=merchant_ids)
    out: dict[int, dict] = defaultdict(dict)
    for row in rows.annotate(month=TruncMonth("day")).values("merchant_id", "month").annotate(n=Sum("shipments")):
        month = row["month"]
        out[row["merchant_id"]][(month.year, month.month)] = row["n"] or 0
    return out


def labels_today(merchant_ids: list[int] | None, today: dt.date) -> dict[int, int]:
    """Live labels bought today and not voided: the rollup only has them from tomorrow."""
    from parcelhub.shipping.models import Shipment

    start = clock.start_of_day(today)
    rows = Shipment.objects.filter(test_mode=False, purchased_at__gte=start, voided_at__isnull=True,
                                   purchased_at__lt=start + dt.timedelta(days=1))
    if merchant_ids is not None:
        rows = rows.filter(merchant_id__in=merchant_ids)
    return {row["merchant_id"]: row["n"] for row in rows.values("merchant_id").annotate(n=Count("pk"))}


def volumes(merchants, *, today: dt.date, prog: Programme) -> dict[int, Volume]:
    ids = [m.pk for m in merchants]
    window = rules.window_months(rules.month_of(today), size=prog.window_months, holidays=prog.holidays)
    since = min([rules.first_day(window[-1]) if window else today, today - dt.timedelta(days=30)])
    this_month = rules.first_day(rules.month_of(today))
    monthly = monthly_volumes(ids, since=since, until=today)
    recent = _days_sum(ids, since=today - dt.timedelta(days=30), until=today)
    live = labels_today(ids, today)
    out = {}
    for merchant in merchants:
        months = monthly.get(merchant.pk, {})
        # Synthetic and imported merchants may have shipped before their account row was created.
        joined = min([rules.month_of(clock_date(merchant.created_at)), *months])
        complete = {m: n for m, n in months.items() if rules.first_day(m) < this_month}
        out[merchant.pk] = Volume(
            monthly=complete, average=rules.average_monthly(complete, window, joined=joined),
            month_to_date=months.get(rules.month_of(today), 0) + live.get(merchant.pk, 0),
            last_30_days=recent.get(merchant.pk, 0) + live.get(merchant.pk, 0))
    return out


def _days_sum(ids: list[int], *, since: dt.date, until: dt.date) -> dict[int, int]:
    from parcelhub.insights.models import MerchantDay

    rows = MerchantDay.objects.filter(merchant_id__in=ids, day__gte=since, day__lt=until)
    return {row["merchant_id"]: row["n"] or 0 for row in rows.values("merchant_id").annotate(n=Sum("shipments"))}


def clock_date(moment: dt.datetime | dt.date) -> dt.date:
    if isinstance(moment, dt.datetime):
        from django.utils import timezone

        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


# The contract for other apps ------------------------------------------------------------------------------

@dataclass(frozen=True)
class TierStatus:
    code: str
    name: str
    discount_bp: int
    since: dt.date
    next_code: str | None
    next_name: str | None
    shipments_needed_per_month: int | None   # more per month than the current average to reach the next tier
    average_monthly_shipments: int


def current_tier(merchant) -> TierStatus:
    prog = programme()
    row = open_tier_row(merchant)
    code = row.tier.code if row else prog.entry.code
    since = row.since if row else clock_date(merchant.created_at)
    volume = volumes([merchant], today=clock.today(), prog=prog)[merchant.pk]
    tier = prog.tiers[code]
    upcoming = rules.next_tier(prog.tiers.values(), tier)
    return TierStatus(
        code=code, name=prog.names[code], discount_bp=tier.discount_bp, since=since,
        next_code=upcoming.code if upcoming else None, next_name=prog.names[upcoming.code] if upcoming else None,
        shipments_needed_per_month=rules.shipments_needed(prog.tiers.values(), tier, average=volume.average),
        average_monthly_shipments=volume.average)


@dataclass(frozen=True)
class RiskRow:
    merchant: object
    tier: Tier
    would_fall_to: Tier
    review_date: dt.date


def downgrade_risks() -> list[RiskRow]:
    """Merchants told that the coming review would lower their tier, still on that tier, soonest review first."""
    today = clock.today()
    rows = (DowngradeRisk.objects.filter(review_date__gte=today, outcome="")
            .select_related("merchant", "tier", "would_fall_to"))
    current = dict(MerchantTier.objects.filter(ended_on__isnull=True, merchant_id__in=[r.merchant_id for r in rows])
                   .values_list("merchant_id", "tier_id"))
    return [RiskRow(r.merchant, r.tier, r.would_fall_to, r.review_date) for r in rows
            if current.get(r.merchant_id) == r.tier_id]


def open_risk(merchant) -> DowngradeRisk | None:
    row = (DowngradeRisk.objects.filter(merchant=merchant, review_date__gte=clock.today(), outcome="")
           .select_related("tier", "would_fall_to").first())
    if row is None:
        return None
    current = open_tier_row(merchant)
    return row if current is not None and current.tier_id == row.tier_id else None


def tier_history(merchant) -> list[MerchantTier]:
    return list(MerchantTier.objects.filter(merchant=merchant).select_related("tier").order_by("-since", "-id"))


def tier_counts() -> dict[str, int]:
    """Merchants per tier code; merchants without history count on the entry tier."""
    from parcelhub.accounts.models import Merchant

    held = dict(MerchantTier.objects.filter(ended_on__isnull=True).values("tier__code")
                .annotate(n=Count("pk")).values_list("tier__code", "n"))
    entry = programme().entry.code
    total = Merchant.objects.count()
    held[entry] = held.get(entry, 0) + total - sum(held.values())
    return held


# Margin report ----------------------------------------------------------------------------------------------

def margin_report(*, first: dt.date, last: dt.date) -> dict:
    """Capped and subsidised labels (bought, not voided) per service and per promotion, and quote counters."""
    start, end = clock.start_of_day(first), clock.start_of_day(last + dt.timedelta(days=1))
    events = GuardrailEvent.objects.filter(created_at__gte=start, created_at__lt=end, voided=False)
    per_service = list(events.values("carrier_code", "service_code", "service_name").annotate(
        capped=Count("pk", filter=Q(kind="capped")), capped_fen=Sum("amount_fen", filter=Q(kind="capped")),
        subsidised=Count("pk", filter=Q(kind="subsidised")),
        subsidised_fen=Sum("amount_fen", filter=Q(kind="subsidised"))).order_by("carrier_code", "service_code"))
    per_promotion = list(events.exclude(promotion_id="").values("promotion_id", "promotion_label").annotate(
        capped=Count("pk", filter=Q(kind="capped")), capped_fen=Sum("amount_fen", filter=Q(kind="capped")),
        subsidised=Count("pk", filter=Q(kind="subsidised")),
        subsidised_fen=Sum("amount_fen", filter=Q(kind="subsidised"))).order_by("promotion_id"))
    quotes = list(QuoteGuardrailDay.objects.filter(day__gte=first, day__lte=last)
                  .values("carrier_code", "service_code")
                  .annotate(capped=Sum("capped_quotes"), capped_fen=Sum("capped_fen"),
                            subsidised=Sum("subsidised_quotes"), subsidised_fen=Sum("subsidised_fen"))
                  .order_by("carrier_code", "service_code"))
    for row in per_service + per_promotion + quotes:
        for key in ("capped_fen", "subsidised_fen"):
            row[key] = row[key] or 0
    return {"per_service": per_service, "per_promotion": per_promotion, "quotes": quotes,
            "recent": list(events.order_by("-created_at", "-id")[:50])}
