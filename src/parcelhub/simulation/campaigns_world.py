"""Demo world: campaigns with holdouts run over the merchant population, with a known true uplift (and one with
none), and a regional ground-team push evaluated by difference-in-differences.

The truth is written into the data: treatment merchants of the uplift campaign ship `UPLIFT` more during it, the
pushed region's merchants ship `PUSH_UPLIFT` more during the push (extra parcels drawn binomially from each day's
count, with that day's revenue and cost per parcel). `run()` returns what was added, so tests can check that the
reports' 95 % intervals contain it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.db.models import F, Sum

from parcelhub.accounts.models import Industry, Merchant
from parcelhub.core import clock
from parcelhub.crm.models import Segment
from parcelhub.geo.models import Region
from parcelhub.insights.models import MerchantDay
from parcelhub.marketing.campaigns import services
from parcelhub.marketing.campaigns.models import Assignment, Campaign, RegionalPush
from parcelhub.marketing.campaigns.selectors import region_merchant_ids, region_prefix
from parcelhub.marketing.promotions.models import Coupon, CouponGrant, GrantState
from parcelhub.marketing.promotions.services import coupon_create

UPLIFT = 0.15
PUSH_UPLIFT = 0.20
REDEEMED_SHARE = 0.6
SEED = 20261111
# Fixed ids, so the demo's arms (a hash of campaign and merchant ids) are the same on every run.
UPLIFT_ID, NULL_ID, PUSH_ID = "cmp_DEMOUPLIFT", "cmp_DEMONULL", "rgp_DEMOYIWU"
HEAD_QUANTILE = 0.9
FALLBACK_REGIONS = ("330782", "330782", "440100", "440300", "440300", "330100")
MIN_POPULATION = 60


@dataclass
class DemoTruth:
    """What the world added: shipments per treatment merchant over each campaign; per merchant per day for the
    push."""

    campaign_effect: dict[str, float] = field(default_factory=dict)
    push_effect_per_day: float = 0.0
    push_id: str = ""


def synthetic_population(*, count: int, first: dt.date, last: dt.date, seed: int = SEED,
                         prefix: str = "mch_POP") -> list[Merchant]:
    """Merchants with daily volume from a heavy-tailed base rate, a weekly cycle and a few churners. Used when the
    population world has not written one (and by the tests)."""
    rng = np.random.default_rng(seed)
    regions = {code: Region.objects.get(adcode=code) for code in set(FALLBACK_REGIONS)}
    industries = [Industry.SMALL_COMMODITIES, Industry.APPAREL, Industry.ELECTRONICS, Industry.HOME]
    merchants = Merchant.objects.bulk_create([
        Merchant(public_id=f"{prefix}{i:04d}", name=f"演示商户{i:03d}", contact_name="演示", phone="13800000000",
                 industry=industries[i % len(industries)], origin_region=regions[FALLBACK_REGIONS[i % 6]])
        for i in range(count)])
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    weekly = np.array([1.05, 1.1, 1.05, 1.0, 0.95, 0.85, 0.8])
    rows = []
    for merchant in merchants:
        rate = float(rng.lognormal(mean=2.3, sigma=0.9))
        price = int(rng.integers(420, 720))
        churn_at = int(rng.integers(len(days) // 2, len(days))) if rng.random() < 0.08 else len(days)
        volumes = rng.poisson(rate * weekly[[d.weekday() for d in days]])
        for index, (day, volume) in enumerate(zip(days, volumes, strict=True)):
            if volume and index < churn_at:
                rows.append(MerchantDay(merchant=merchant, day=day, shipments=int(volume),
                                        revenue_fen=int(volume) * price, cost_fen=int(volume) * price * 84 // 100))
    MerchantDay.objects.bulk_create(rows, batch_size=2000)
    # They signed up long before their history starts (created_at is auto_now_add).
    Merchant.objects.filter(pk__in=[m.pk for m in merchants]).update(
        created_at=clock.start_of_day(first - dt.timedelta(days=365)))
    return merchants


def _uplift(merchant_ids: list[int], first: dt.date, last: dt.date, share: float, rng) -> int:
    """Add binomial(shipments, share) parcels to each of these merchants' days in the range; returns how many."""
    days = list(MerchantDay.objects.filter(merchant_id__in=merchant_ids, day__gte=first, day__lte=last)
                .order_by("merchant_id", "day"))
    added, changed = 0, []
    for row in days:
        extra = int(rng.binomial(row.shipments, share))
        if extra:
            per_revenue, per_cost = row.revenue_fen // row.shipments, row.cost_fen // row.shipments
            row.shipments += extra
            row.revenue_fen += extra * per_revenue
            row.cost_fen += extra * per_cost
            added += extra
            changed.append(row)
    # An upsert on (merchant, day) is far faster than bulk_update's CASE expressions on either database.
    MerchantDay.objects.bulk_create(changed, batch_size=1000, update_conflicts=True, unique_fields=["merchant", "day"],
                                    update_fields=["shipments", "revenue_fen", "cost_fen"])
    return added


def _redeem(campaign: Campaign, coupon: Coupon, rng) -> None:
    """Some treatment merchants used their coupon on a day they shipped during the campaign: the grant is marked
    used and that day's revenue carries the discount, as a real purchase would."""
    grants = list(CouponGrant.objects.filter(coupon=coupon, source=campaign.public_id).order_by("merchant_id"))
    used = 0
    for grant in grants:
        if rng.random() >= REDEEMED_SHARE:
            continue
        day = (MerchantDay.objects.filter(merchant_id=grant.merchant_id, day__gte=campaign.starts_on,
                                          day__lte=campaign.ends_on, revenue_fen__gt=coupon.amount_off_fen)
               .order_by("day").first())
        if day is None:
            continue
        MerchantDay.objects.filter(pk=day.pk).update(revenue_fen=F("revenue_fen") - coupon.amount_off_fen)
        CouponGrant.objects.filter(pk=grant.pk).update(
            state=GrantState.USED, discount_fen=coupon.amount_off_fen,
            used_at=clock.start_of_day(day.day) + dt.timedelta(hours=10))
        used += 1
    Coupon.objects.filter(pk=coupon.pk).update(used_count=F("used_count") + used)


def _smb_segment(*, name: str, starts_on: dt.date, pre_days: int = 28) -> Segment:
    """Established long-tail and waist merchants, chosen from what was known before the campaign: signed up at
    least 90 days before its pre-period, shipping in the pre-period, and not among the top 10 % by volume (head
    accounts have account managers and negotiated prices; their swings would drown a coupon's effect). A static
    list, so the choice cannot depend on what happened after the start."""
    pre_first = starts_on - dt.timedelta(days=pre_days)
    volumes = dict(MerchantDay.objects.filter(day__gte=pre_first, day__lt=starts_on, shipments__gt=0,
                                              merchant__is_active=True,
                                              merchant__created_at__lt=clock.start_of_day(
                                                  pre_first - dt.timedelta(days=90)))
                   .values_list("merchant__public_id").annotate(s=Sum("shipments")))
    cap = float(np.quantile(list(volumes.values()), HEAD_QUANTILE)) if volumes else 0
    chosen = sorted(public_id for public_id, volume in volumes.items() if volume <= cap)
    segment, _ = Segment.objects.get_or_create(name=name, defaults={
        "description": f"活动演示：{starts_on:%Y-%m-%d} 前选定的成熟中小商户", "definition": {"merchant": chosen}})
    return segment


def _past_campaign(*, public_id: str, name: str, segment: Segment, coupon: Coupon, starts_on: dt.date,
                   days: int, control_bp: int, today: dt.date) -> Campaign:
    """A campaign that ran in the past: created and enrolled as the launch would have, then finished."""
    campaign = services.campaign_create(name=name, segment=segment, offer_ref=coupon.public_id, starts_on=starts_on,
                                        ends_on=starts_on + dt.timedelta(days=days - 1), control_bp=control_bp)
    Campaign.objects.filter(pk=campaign.pk).update(public_id=public_id)
    campaign.refresh_from_db()
    services._enrol(campaign, actor=None)
    finished = Campaign.State.FINISHED if campaign.ends_on < today else Campaign.State.LAUNCHED
    Campaign.objects.filter(pk=campaign.pk).update(state=finished, launched_at=clock.start_of_day(starts_on))
    campaign.refresh_from_db()
    return campaign


def _push_regions(population: list[int]) -> tuple[list[str], list[str]]:
    """义乌 against 广州 and 深圳 when the population has merchants there, else the three largest cities."""
    cities = Counter(region_prefix(code)[:4] for code in Merchant.objects.filter(pk__in=population)
                     .exclude(origin_region=None).values_list("origin_region__adcode", flat=True))
    if len(region_merchant_ids(["330782"])) >= 10 and cities["4401"] + cities["4403"] >= 10:
        return ["330782"], ["440100", "440300"]
    top = [f"{city}00" for city, _ in cities.most_common(3)]
    return top[:1], top[1:]


def run(*, today: dt.date, seed: int = SEED) -> DemoTruth:
    truth = DemoTruth()
    if Campaign.objects.filter(public_id=UPLIFT_ID).exists():
        return truth
    rng = np.random.default_rng(seed)
    first_day = today - dt.timedelta(days=130)
    population = list(MerchantDay.objects.filter(day__gte=first_day).values_list("merchant_id", flat=True)
                      .distinct())
    if len(population) < MIN_POPULATION:
        synthetic_population(count=240, first=first_day, last=today - dt.timedelta(days=1), seed=seed)
    start_a, start_b = today - dt.timedelta(days=100), today - dt.timedelta(days=45)
    coupon_a = coupon_create(name="双11 预热红包 ¥3", amount_off_fen=300, valid_from=clock.start_of_day(start_a),
                             valid_until=clock.start_of_day(today + dt.timedelta(days=14)))
    coupon_b = coupon_create(name="回馈红包 ¥2", amount_off_fen=200, valid_from=clock.start_of_day(start_b),
                             valid_until=clock.start_of_day(today + dt.timedelta(days=14)))
    segment_a = _smb_segment(name=f"活动演示：成熟中小商户（{start_a.month} 月）", starts_on=start_a)
    segment_b = _smb_segment(name=f"活动演示：成熟中小商户（{start_b.month} 月）", starts_on=start_b)
    uplift = _past_campaign(public_id=UPLIFT_ID, name="双11 预热红包（演示：真实提升 15%）", segment=segment_a,
                            coupon=coupon_a, starts_on=start_a, days=30, control_bp=3000, today=today)
    null = _past_campaign(public_id=NULL_ID, name="回馈红包（演示：无效果）", segment=segment_b, coupon=coupon_b,
                          starts_on=start_b, days=15, control_bp=3000, today=today)
    treated = list(uplift.assignments.filter(arm=Assignment.Arm.TREATMENT).values_list("merchant_id", flat=True))
    added = _uplift(treated, uplift.starts_on, uplift.ends_on, UPLIFT, rng)
    truth.campaign_effect = {uplift.public_id: added / len(treated), null.public_id: 0.0}
    _redeem(uplift, coupon_a, rng)
    _redeem(null, coupon_b, rng)
    truth.push_effect_per_day, truth.push_id = _regional_push(today, rng)
    return truth


def _regional_push(today: dt.date, rng) -> tuple[float, str]:
    population = list(MerchantDay.objects.values_list("merchant_id", flat=True).distinct())
    treated_regions, comparison_regions = _push_regions(population)
    if not comparison_regions:
        return 0.0, ""
    push = services.regional_push_create(
        name="义乌地推（演示：真实提升 20%）", treated_regions=treated_regions, comparison_regions=comparison_regions,
        starts_on=today - dt.timedelta(days=60), ends_on=today - dt.timedelta(days=31), pre_days=28,
        description="地推团队上门拜访产业带商户")
    RegionalPush.objects.filter(pk=push.pk).update(public_id=PUSH_ID)
    treated = region_merchant_ids(treated_regions)
    added = _uplift(treated, push.starts_on, push.ends_on, PUSH_UPLIFT, rng)
    days = (push.ends_on - push.starts_on).days + 1
    return added / (len(treated) * days), PUSH_ID


def build(*, merchants: list[Merchant], today: dt.date) -> dict[str, int]:
    """`merchants` are the hand-made demo merchants; returns counts for the demo command's summary."""
    with transaction.atomic():
        run(today=today)
    return {"campaigns": Campaign.objects.count(), "regional_pushes": RegionalPush.objects.count()}
