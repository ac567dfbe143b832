"""Tier transitions with exact numbers: upgrade at once, review one step down, grace, holiday months, risk notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from parcelhub.core import clock
from parcelhub.core.models import AuditLog
from parcelhub.insights.models import MerchantDay
from parcelhub.marketing import selectors, services
from parcelhub.marketing.models import DowngradeRisk, MerchantTier, Tier, TierSettings
from parcelhub.notify.models import Outbox
from tests.conftest import make_merchant


def joined(merchant, day: dt.date) -> None:
    type(merchant).objects.filter(pk=merchant.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))))
    merchant.refresh_from_db()


def ship(merchant, day: dt.date, n: int) -> None:
    MerchantDay.objects.update_or_create(merchant=merchant, day=day, defaults={"shipments": n})


def put_on(merchant, code: str, since: dt.date, reason: str = "upgrade") -> None:
    MerchantTier.objects.create(merchant=merchant, tier=Tier.objects.get(code=code), since=since, reason=reason)


def history(merchant) -> list[tuple]:
    return [(r.tier.code, r.since, r.ended_on, r.reason) for r in selectors.tier_history(merchant)]


@pytest.fixture
def today(monkeypatch):
    def set_today(day: dt.date) -> dt.date:
        monkeypatch.setattr(clock, "today", lambda: day)
        return day
    return set_today


@pytest.fixture
def merchant(merchant_a):
    joined(merchant_a[0], dt.date(2026, 1, 10))
    return merchant_a[0]


def test_no_history_means_standard_without_discount(merchant, today):
    today(dt.date(2026, 11, 23))
    status = selectors.current_tier(merchant)
    assert (status.code, status.discount_bp, status.since, status.next_code, status.shipments_needed_per_month,
            status.average_monthly_shipments) == ("standard", 0, dt.date(2026, 1, 10), "silver", 500, 0)


def test_upgrade_as_soon_as_this_month_crosses_the_threshold(merchant, today):
    day = today(dt.date(2026, 11, 23))
    for month in (8, 9, 10):
        ship(merchant, dt.date(2026, month, 5), 300)
    ship(merchant, dt.date(2026, 11, 3), 449)
    assert services.tier_check(merchant=merchant, today=day) is None
    assert selectors.current_tier(merchant).average_monthly_shipments == 300
    ship(merchant, dt.date(2026, 11, 22), 51)                       # 500 this month: silver at once
    row = services.tier_check(merchant=merchant, today=day)
    assert (row.tier.code, row.since, row.reason, row.average_monthly_shipments) == (
        "silver", day, "upgrade", 500)
    status = selectors.current_tier(merchant)
    assert (status.code, status.discount_bp, status.next_code, status.shipments_needed_per_month) == (
        "silver", 300, "gold", 2700)
    assert AuditLog.objects.filter(action="tier.change", merchant=merchant).count() == 1
    assert services.tier_check(merchant=merchant, today=day) is None  # nothing more to do
    assert MerchantTier.objects.filter(merchant=merchant).count() == 1


def test_review_downgrades_one_tier_only(merchant, today):
    put_on(merchant, "platinum", dt.date(2026, 6, 1))
    for month in (9, 10, 11):
        ship(merchant, dt.date(2026, month, 5), 100)               # earns standard
    review = today(dt.date(2026, 12, 1))
    assert services.tier_review(today=review) == {"reviewed": 1, "downgraded": 1}
    assert history(merchant) == [("gold", review, None, "review"),
                                 ("platinum", dt.date(2026, 6, 1), review, "upgrade")]
    nxt = today(dt.date(2027, 1, 1))
    services.tier_review(today=nxt)
    assert selectors.tier_of(merchant).code == "silver"


def test_review_keeps_a_tier_the_average_still_earns(merchant, today):
    put_on(merchant, "gold", dt.date(2026, 6, 1))
    for month in (9, 10, 11):
        ship(merchant, dt.date(2026, month, 5), 3000)
    assert services.tier_review(today=today(dt.date(2026, 12, 1))) == {"reviewed": 1, "downgraded": 0}
    assert selectors.tier_of(merchant).code == "gold"


def test_new_merchants_get_the_grace_tier_for_eight_weeks(merchant_a, merchant_b, today):
    new, old = merchant_a[0], merchant_b[0]
    joined(new, dt.date(2026, 11, 2))
    joined(old, dt.date(2026, 9, 1))
    day = today(dt.date(2026, 11, 23))
    assert services.tier_grace_grant(today=day) == 1
    assert history(new) == [("silver", day, None, "grace")]
    assert history(old) == []
    assert services.tier_grace_grant(today=day) == 0                 # once
    # No volume at all: the December review keeps silver (grace lasts until 28 December) …
    services.tier_review(today=today(dt.date(2026, 12, 1)))
    assert selectors.tier_of(new).code == "silver"
    # … the January review ends it.
    services.tier_review(today=today(dt.date(2027, 1, 1)))
    assert history(new)[0] == ("standard", dt.date(2027, 1, 1), None, "grace_end")


def test_holiday_months_are_left_out_of_the_window(merchant, today):
    put_on(merchant, "silver", dt.date(2026, 3, 1))
    for month, n in ((7, 600), (8, 600), (9, 600), (10, 60)):
        ship(merchant, dt.date(2026, month, 5), n)
    review = today(dt.date(2026, 11, 1))
    TierSettings.objects.filter(pk=1).update(holiday_months=["2026-10"])
    services.tier_review(today=review)
    assert selectors.tier_of(merchant).code == "silver"               # Jul–Sep: 600 a month
    TierSettings.objects.filter(pk=1).update(holiday_months=[])
    MerchantTier.objects.filter(merchant=merchant).delete()
    put_on(merchant, "silver", dt.date(2026, 3, 1))
    services.tier_review(today=review)
    assert selectors.tier_of(merchant).code == "standard"             # Aug–Oct: 420 a month


def test_downgrade_risk_notice_thirty_days_before_the_review(merchant, merchant_b, today):
    put_on(merchant, "gold", dt.date(2026, 6, 1))
    ship(merchant, dt.date(2026, 8, 5), 3000)
    ship(merchant, dt.date(2026, 9, 5), 3000)
    ship(merchant, dt.date(2026, 10, 1), 1500)                        # before the last 30 days
    ship(merchant, dt.date(2026, 10, 20), 1500)
    steady = merchant_b[0]
    joined(steady, dt.date(2026, 1, 10))
    put_on(steady, "silver", dt.date(2026, 6, 1))
    for month in (8, 9, 10):
        ship(steady, dt.date(2026, month, 20), 600)
    # 31 October is 31 days before the 1 December review: too early.
    assert services.downgrade_risk_scan(today=today(dt.date(2026, 10, 31))) == 0
    day = today(dt.date(2026, 11, 1))
    # The review would see Sep 3000, Oct 3000 and November at the last 30 days' pace (1500): 2500 < 3000.
    assert services.downgrade_risk_scan(today=day) == 1
    risk = DowngradeRisk.objects.get()
    assert (risk.merchant, risk.tier.code, risk.would_fall_to.code, risk.review_date, risk.projected_average,
            risk.shipments_to_keep) == (merchant, "gold", "silver", dt.date(2026, 12, 1), 2500, 3000)
    mail = Outbox.objects.get(event_type="tier.downgrade_risk")
    assert mail.recipient == "owner@a.example" and "2026-12-01" in mail.body and "金牌" in mail.subject
    assert [(r.merchant, r.tier.code, r.would_fall_to.code, r.review_date) for r in selectors.downgrade_risks()] \
        == [(merchant, "gold", "silver", dt.date(2026, 12, 1))]
    assert services.downgrade_risk_scan(today=today(dt.date(2026, 11, 2))) == 0   # once per review
    # The review closes the notice with its outcome.
    ship(merchant, dt.date(2026, 11, 10), 1500)
    services.tier_review(today=today(dt.date(2026, 12, 1)))
    risk.refresh_from_db()
    assert risk.outcome == "downgraded" and selectors.downgrade_risks() == []


def test_tiers_daily_runs_grace_upgrades_review_and_notices(merchant, today):
    other, _ = make_merchant("深圳电子", "owner@c.example")
    joined(other, dt.date(2026, 11, 20))
    ship(merchant, dt.date(2026, 11, 21), 3100)
    counts = services.tiers_daily(today=today(dt.date(2026, 11, 23)))
    # The new gold is kept through the 1 December review (upgraded since the previous one): no risk notice.
    assert counts == {"grace": 1, "upgraded": 1, "reviewed": 0, "downgraded": 0, "risk_notices": 0}
    assert selectors.tier_of(merchant).code == "gold"
    assert selectors.tier_of(other).code == "silver"
    assert services.tiers_daily(today=today(dt.date(2026, 12, 1)))["downgraded"] == 0
    assert selectors.tier_of(merchant).code == "gold"
    # The January review sees Oct 0, Nov 3100, Dec 0: one step down.
    services.tiers_daily(today=today(dt.date(2027, 1, 1)))
    assert selectors.tier_of(merchant).code == "silver"
