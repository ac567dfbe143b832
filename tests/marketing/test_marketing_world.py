"""The demo's tier world replays the programme's rules over the rollup."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from parcelhub.insights.models import MerchantDay
from parcelhub.marketing import selectors
from parcelhub.marketing.models import MarginRule, MerchantTier, TierSettings
from parcelhub.simulation import marketing_world

TODAY = dt.date(2026, 11, 23)


def test_tiers_are_replayed_from_the_rollup(merchant_a, merchant_b):
    big, small = merchant_a[0], merchant_b[0]
    type(big).objects.update(created_at=timezone.make_aware(dt.datetime(2025, 1, 1, 9)))
    for month in range(1, 11):
        MerchantDay.objects.create(merchant=big, day=dt.date(2026, month, 10), shipments=3500)
        MerchantDay.objects.create(merchant=small, day=dt.date(2026, month, 10), shipments=100)
    counts = marketing_world.build(merchants=[big, small], today=TODAY)
    assert counts["tier_history_rows"] >= 1
    assert selectors.tier_of(big).code == "gold"
    assert selectors.tier_of(small).code == "standard"
    assert not MerchantTier.objects.filter(merchant=small).exists()   # never off the entry tier: no history
    assert TierSettings.objects.get(pk=1).holiday_months == marketing_world.HOLIDAY_MONTHS
    assert MarginRule.objects.count() == len(marketing_world.MARGIN_RULES)
    # Idempotent.
    assert marketing_world.build(merchants=[big, small], today=TODAY) == {"tier_history_rows": 0}


def test_a_merchant_slowing_down_gets_a_risk_for_the_coming_review(merchant_a):
    merchant = merchant_a[0]
    type(merchant).objects.update(created_at=timezone.make_aware(dt.datetime(2025, 1, 1, 9)))
    for month in range(3, 11):
        MerchantDay.objects.create(merchant=merchant, day=dt.date(2026, month, 10), shipments=700)
    MerchantDay.objects.create(merchant=merchant, day=dt.date(2026, 11, 10), shipments=50)
    marketing_world.build(merchants=[merchant], today=TODAY)
    assert selectors.tier_of(merchant).code == "silver"
    from parcelhub.marketing.models import DowngradeRisk

    risk = DowngradeRisk.objects.get(merchant=merchant)
    # Sep 700 + Oct 700 + November at 50 in 22 days → 68 a month: (700 + 700 + 68) // 3 = 489 < 500.
    assert (risk.tier.code, risk.would_fall_to.code, risk.review_date, risk.projected_average) == (
        "silver", "standard", dt.date(2026, 12, 1), 489)
