"""Demo world: profiles and saved segments with eight weeks of sizes, onboarding milestones, notes, calls and
upsell offers. Runs after the population's history, plans and tiers; before the account managers' world."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from parcelhub.accounts.models import Industry, Merchant
from parcelhub.core import clock
from parcelhub.crm.models import Activity, OnboardingMark, Segment, UpsellOffer
from parcelhub.crm.onboarding import onboarding_stalled_scan
from parcelhub.crm.services import activity_log, profiles_refresh, segment_sizes_snapshot
from parcelhub.crm.upsell import upsell_decide, upsell_offer
from parcelhub.insights.models import MerchantDay

SEGMENTS = [
    ("义乌长尾商家", "义乌产业带的长尾商家：地推与满减活动的主要对象",
     {"belt": ["yiwu"], "volume_band": ["long_tail"]}),
    ("头部客户", "近 30 天 3000 单以上，由客户经理维护", {"volume_band": ["head"]}),
    ("腰部客户", "近 30 天 300–2999 单", {"volume_band": ["waist"]}),
    ("流失风险", "活跃商家中出现风险信号的", {"lifecycle": ["at_risk"]}),
    ("沉睡商家", "30 天以上没有发货", {"lifecycle": ["dormant"]}),
    ("高价值活跃（RFM ≥ 4）", "近期、频次、金额均为 4 分以上", {"rfm": {"r_min": 4, "f_min": 4, "m_min": 4}}),
    ("广深电子与服饰", "广州、深圳产业带的服饰和电子商家",
     {"belt": ["guangzhou", "shenzhen"], "industry": ["apparel", "electronics"]}),
    ("生鲜食品", "冷链推荐对象", {"industry": ["food"]}),
]

# Recent sign-ups at every onboarding step, so the funnel and the stalled list have something to show:
# (name, industry, origin adcode, channel, days since sign-up, milestones reached in order).
NEW_SIGNUPS = [
    ("义乌星辰饰品商行", Industry.SMALL_COMMODITIES, "330782", "ground_team", 4, 0),
    ("义乌佳和日用百货", Industry.SMALL_COMMODITIES, "330782", "ground_team", 12, 1),
    ("义乌梦想玩具厂", Industry.SMALL_COMMODITIES, "330782", "ground_team", 19, 2),
    ("义乌锦绣围巾商行", Industry.APPAREL, "330782", "ground_team", 26, 4),
    ("义乌永顺五金", Industry.HOME, "330782", "ground_team", 33, 5),
    ("广州白云鞋业", Industry.APPAREL, "440111", "erp_plugin", 9, 1),
    ("广州十三行女装", Industry.APPAREL, "440103", "erp_plugin", 16, 2),
    ("广州美妆优选", Industry.BEAUTY, "440106", "erp_plugin", 23, 3),
    ("广州荔湾茶叶", Industry.FOOD, "440103", "erp_plugin", 41, 5),
    ("深圳华强电子配件", Industry.ELECTRONICS, "440304", "marketplace_plugin", 6, 0),
    ("深圳南山智能家居", Industry.HOME, "440305", "marketplace_plugin", 14, 2),
    ("深圳跨境精品", Industry.CROSS_BORDER, "440307", "marketplace_plugin", 29, 4),
    ("杭州四季青童装", Industry.APPAREL, "330102", "organic", 8, 1),
    ("杭州西湖龙井茶庄", Industry.FOOD, "330106", "organic", 21, 3),
    ("泉州晋江运动鞋", Industry.APPAREL, "350582", "referral", 11, 0),
    ("临沂商城百货", Industry.HOME, "371302", "search_ads", 17, 2),
    ("临沂生鲜果园", Industry.FOOD, "371302", "search_ads", 38, 4),
]

NOTES = [
    ("note", "老板王芳：双十一预计单量翻倍，希望提前锁定揽收时间。"),
    ("call", "回访：确认面单打印机已换新，月结账期需求已记录。"),
    ("meeting", "上门拜访义乌仓库，演示批量导入和智能比价。"),
]


def _at(today: dt.date, days_ago: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour)))


def _segments() -> list[Segment]:
    return [Segment.objects.get_or_create(name=name, defaults={"description": description,
                                                               "definition": definition})[0]
            for name, description, definition in SEGMENTS]


def _size_history(today: dt.date) -> None:
    # Weekly back-dated profiles give the sizes-over-time chart eight weeks of history; today's refresh (with the
    # churn detector's risk) runs last so the stored profiles are current.
    for weeks_ago in range(8, 0, -1):
        day = today - dt.timedelta(weeks=weeks_ago)
        profiles_refresh(today=day, with_risk=False)
        segment_sizes_snapshot(day=day)
    profiles_refresh(today=today)
    segment_sizes_snapshot(day=today)


def _onboarding_marks(today: dt.date) -> int:
    """Pickups and integrations the population's rollup cannot show: every third merchant that shipped booked a
    pickup two days after signing up, every fifth (and every ERP-plugin one) connected a week after. The recent
    sign-ups have their own steps."""
    marks = []
    shipped = Merchant.objects.filter(days__shipments__gt=0).exclude(name__in=[row[0] for row in NEW_SIGNUPS])
    for merchant in shipped.distinct().order_by("pk"):
        start = merchant.created_at + dt.timedelta(days=2)
        if merchant.pk % 3 == 0:
            marks.append(OnboardingMark(merchant=merchant, milestone="first_pickup", reached_at=start))
        if merchant.pk % 5 == 0 or merchant.acquisition_channel.startswith("erp"):
            marks.append(OnboardingMark(merchant=merchant, milestone="integrated",
                                        reached_at=start + dt.timedelta(days=5)))
    return len(OnboardingMark.objects.bulk_create(marks, ignore_conflicts=True))


def _new_signups(today: dt.date) -> int:
    """Recent sign-ups part way through onboarding; each step came three days after the one before."""
    made = 0
    for n, (name, industry, adcode, channel, age, steps) in enumerate(NEW_SIGNUPS):
        merchant, created = Merchant.objects.get_or_create(name=name, defaults={
            "contact_name": "店主", "phone": f"1390000{n:04d}", "industry": industry, "origin_region_id": adcode,
            "acquisition_channel": channel})
        if not created:
            continue
        signed_up = _at(today, age, 9 + n % 8)
        Merchant.objects.filter(pk=merchant.pk).update(created_at=signed_up)
        reached = [signed_up + dt.timedelta(days=3 * (i + 1)) for i in range(steps)]
        if steps >= 1:
            OnboardingMark.objects.create(merchant=merchant, milestone="first_quote", reached_at=reached[0])
        if steps >= 2:   # three labels on the day of the first one, seven more on the day of the fourth step
            days = [(timezone.localdate(reached[1]), 3)] + ([(timezone.localdate(reached[3]), 7)] if steps >= 4 else [])
            MerchantDay.objects.bulk_create([MerchantDay(merchant=merchant, day=day, shipments=count,
                                                         revenue_fen=count * 800, cost_fen=count * 450)
                                             for day, count in days])
        if steps >= 3:
            OnboardingMark.objects.create(merchant=merchant, milestone="first_pickup", reached_at=reached[2])
        if steps >= 5:
            OnboardingMark.objects.create(merchant=merchant, milestone="integrated", reached_at=reached[4])
        made += 1
    return made


def _activities(merchants: list[Merchant], today: dt.date) -> int:
    written = 0
    for n, merchant in enumerate(merchants):
        for i, (kind, summary) in enumerate(NOTES[n:] + NOTES[:n]):
            activity_log(merchant=merchant, kind=kind, summary=summary, at=_at(today, 20 - 6 * i))
            written += 1
    return written


def _offers(today: dt.date) -> int:
    """A few recorded upsell offers and their answers, so the report has numbers."""
    food = list(Merchant.objects.filter(industry=Industry.FOOD).order_by("pk")[:6])
    cross = list(Merchant.objects.filter(industry=Industry.CROSS_BORDER).order_by("pk")[:4])
    made = 0
    for n, merchant in enumerate(food + cross):
        kind = "cold_chain" if merchant.industry == Industry.FOOD else "cross_border"
        offer = upsell_offer(merchant=merchant, kind=kind, reasons=["行业匹配"])
        UpsellOffer.objects.filter(pk=offer.pk).update(offered_at=_at(today, 30 - 2 * n))
        if n % 3 != 2:
            upsell_decide(offer=offer, accepted=n % 3 == 0)
        made += 1
    return made


def build(*, merchants: list[Merchant], today: dt.date) -> dict[str, int]:
    """`merchants` are the hand-made demo merchants; returns counts for the demo command's summary."""
    if Segment.objects.filter(name=SEGMENTS[0][0]).exists():
        return {"segments": 0}   # built by an earlier run
    signups = _new_signups(today)
    segments = _segments()
    _size_history(today)
    marks = _onboarding_marks(today)
    activities = _activities(merchants, today)
    offers = _offers(today)
    stalled = onboarding_stalled_scan(now=clock.now())
    return {"segments": len(segments), "new_signups": signups, "onboarding_marks": marks, "crm_activities": activities,
            "upsell_offers": offers, "stalled_onboarding": stalled, "timeline_entries": Activity.objects.count()}
