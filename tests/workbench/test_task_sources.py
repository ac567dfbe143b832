"""The daily job: renewal, tier downgrade and business-review tasks for managed accounts, opened once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from parcelhub.core import clock
from parcelhub.crm.workbench.models import Task
from parcelhub.crm.workbench.services import task_close
from parcelhub.crm.workbench.sources import daily_tasks_open, review_slot, review_tasks_open
from parcelhub.marketing.models import DowngradeRisk, MerchantTier, Tier
from parcelhub.plans.models import Plan, Subscription

pytestmark = pytest.mark.django_db


def test_renewal_downgrade_and_review_tasks_for_a_managed_account(managed, merchant_b, am):
    today = clock.today()
    other, _ = merchant_b
    end = today + dt.timedelta(days=10)
    pro = Plan.objects.get(code="pro")
    sub = Subscription.objects.create(merchant=managed, plan=pro, status="active", billing_cycle="monthly",
                                      period_start=today - dt.timedelta(days=20), period_end=end, paid_fen=9_900)
    # The unmanaged merchant's plan also expires, but long-tail renewals are emailed, not called.
    Subscription.objects.create(merchant=other, plan=pro, status="active", billing_cycle="monthly",
                                period_start=today - dt.timedelta(days=20), period_end=end, paid_fen=9_900)
    gold, silver = Tier.objects.get(code="gold"), Tier.objects.get(code="silver")
    MerchantTier.objects.create(merchant=managed, tier=gold, since=today - dt.timedelta(days=90), reason="upgrade")
    review = today + dt.timedelta(days=20)
    DowngradeRisk.objects.create(merchant=managed, tier=gold, would_fall_to=silver, review_date=review)

    counts = daily_tasks_open(today=review_slot(managed.pk, today))
    assert (counts.renewals, counts.downgrade_risks, counts.business_reviews) == (1, 1, 1)
    renewal = Task.objects.get(kind="renewal")
    assert (renewal.merchant, renewal.assignee, renewal.due_on, renewal.value_at_risk_fen, renewal.source_ref) == (
        managed, am, end, 9_900, f"{sub.public_id}:{end.isoformat()}")
    assert renewal.title == f"Plan renewal: Pro ends {end.isoformat()}"
    assert renewal.reason == "10 days left in the current period"
    downgrade = Task.objects.get(kind="downgrade_risk")
    assert (downgrade.due_on, downgrade.title) == (review, f"Tier review {review.isoformat()}: 金牌 would fall to 银牌")
    quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    assert Task.objects.get(kind="business_review").source_ref == f"review:{quarter}"

    # A second run opens nothing new.
    daily_tasks_open(today=review_slot(managed.pk, today))
    assert Task.objects.count() == 3


def test_chinese_wording_is_stored_for_chinese_readers(managed):
    review_tasks_open(today=review_slot(managed.pk, clock.today()))
    task = Task.objects.get(kind="business_review")
    with translation.override("zh-hans"):
        assert task.display_title != task.title and task.display_title == task.title_zh
    assert task.display_title == task.title


def test_reviews_open_two_weeks_before_the_slot(managed):
    slot = review_slot(managed.pk, dt.date(2026, 11, 15))
    assert dt.date(2026, 10, 1) <= slot <= dt.date(2026, 12, 31)
    # Spread over the quarter by merchant: consecutive merchants land 37 days apart (mod the quarter's 92 days).
    assert (review_slot(managed.pk + 1, slot) - slot).days % 92 == 37
    assert review_tasks_open(today=slot - dt.timedelta(days=15)) == 0
    assert Task.objects.count() == 0
    assert review_tasks_open(today=slot - dt.timedelta(days=14)) == 1
    task = Task.objects.get()
    assert (task.due_on, task.source_ref) == (slot, "review:2026Q4")



def test_a_review_done_recently_is_not_due_again(managed, am):
    slot = review_slot(managed.pk, clock.today())
    review_tasks_open(today=slot)
    task_close(task=Task.objects.get(kind="business_review"), actor=am)
    Task.objects.filter(kind="business_review").update(source_ref="review:earlier")
    assert review_tasks_open(today=slot) == 0
    assert Task.objects.filter(kind="business_review", state="open").count() == 0
