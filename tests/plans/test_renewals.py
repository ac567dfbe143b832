"""The daily job with a moved clock: reminders 7, 3 and 1 days before (each once), renewal from the wallet,
a failed renewal's grace period, the fall back to Free, trials ending."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.billing.selectors import wallet_for
from parcelhub.core.models import AuditLog
from parcelhub.notify.models import Outbox
from parcelhub.plans import selectors, services
from parcelhub.plans.models import PlanInvoice, Subscription, SubscriptionReminder
from tests.plans.conftest import assert_ledger_consistent, fund

pytestmark = pytest.mark.django_db


def run_days(clock_at, first: dt.date, last: dt.date) -> list[tuple[dt.date, dict]]:
    """The daily job once a day (twice on each day, to show a repeat does nothing)."""
    results = []
    day = first
    while day <= last:
        clock_at(day.year, day.month, day.day, 0, 30)
        results.append((day, services.plans_daily()))
        assert services.plans_daily() == {"renewed": 0, "failed": 0, "expired": 0, "reminded": 0}
        day += dt.timedelta(days=1)
    return results


def reminders() -> list[tuple[str, str]]:
    return [(row.event_type, row.subject) for row in Outbox.objects.filter(event_type__startswith="plan.")
            .order_by("id")]


def test_reminders_then_renewal_from_the_wallet(mch_a, clock_at):
    clock_at(2026, 11, 1, 9, 0)
    fund(mch_a, 19_800)
    services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")   # … 11-30
    results = run_days(clock_at, dt.date(2026, 11, 20), dt.date(2026, 12, 1))
    reminded_on = [day for day, counts in results if counts["reminded"]]
    assert reminded_on == [dt.date(2026, 11, 23), dt.date(2026, 11, 27), dt.date(2026, 11, 29)]
    assert [r[1] for r in reminders()] == [
        "Your Pro plan renews in 7 days / Pro 套餐 7 天后续费", "Your Pro plan renews in 3 days / Pro 套餐 3 天后续费",
        "Your Pro plan renews in 1 days / Pro 套餐 1 天后续费"]
    assert Outbox.objects.filter(event_type="plan.reminder").values_list("recipient", flat=True).distinct().get() \
        == "owner@a.example"
    assert [day for day, counts in results if counts["renewed"]] == [dt.date(2026, 12, 1)]
    renewal = PlanInvoice.objects.get(kind="renewal")
    assert (renewal.period_start, renewal.period_end, renewal.amount_fen) == (
        dt.date(2026, 12, 1), dt.date(2026, 12, 31), 9_900)
    assert renewal.reference == f"{Subscription.objects.get().public_id}:2026-12-01"
    assert wallet_for(mch_a).balance_fen == 0
    status = selectors.current_plan(mch_a)
    assert (status.status, status.period_end) == ("active", dt.date(2026, 12, 31))
    assert_ledger_consistent()


def test_a_missed_day_still_sends_each_reminder_once(mch_a, clock_at):
    clock_at(2026, 11, 1, 9, 0)
    fund(mch_a, 9_900)
    services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")
    for day in (25, 26, 29):       # 5, 4 and 1 days left
        clock_at(2026, 11, day, 0, 30)
        services.plans_daily()
    assert sorted(SubscriptionReminder.objects.values_list("days_before", flat=True)) == [1, 7]


def test_no_money_means_grace_then_free(mch_a, clock_at):
    clock_at(2026, 11, 1, 9, 0)
    fund(mch_a, 9_900)
    services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")
    results = dict(run_days(clock_at, dt.date(2026, 12, 1), dt.date(2026, 12, 7)))
    assert results[dt.date(2026, 12, 1)]["failed"] == 1
    assert results[dt.date(2026, 12, 7)]["failed"] == 1
    status = selectors.current_plan(mch_a)
    assert (status.code, status.status) == ("pro", "grace")     # the last day of grace
    results = dict(run_days(clock_at, dt.date(2026, 12, 8), dt.date(2026, 12, 8)))
    assert results[dt.date(2026, 12, 8)]["expired"] == 1
    # One "renewal failed" email on the first failure, then the "ended" one.
    assert [r[0] for r in reminders() if r[0] != "plan.reminder"] == ["plan.renewal_failed", "plan.ended"]
    status = selectors.current_plan(mch_a)
    assert (status.code, status.status, status.subscribed_code) == ("free", "expired", "pro")
    assert Subscription.objects.get().status == "expired"
    assert PlanInvoice.objects.filter(kind="renewal").count() == 0
    assert AuditLog.objects.filter(action="plan.renewal_failed").count() == 7


def test_a_recharge_during_grace_renews_from_the_old_end(mch_a, clock_at):
    clock_at(2026, 11, 1, 9, 0)
    fund(mch_a, 9_900)
    services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")
    run_days(clock_at, dt.date(2026, 12, 1), dt.date(2026, 12, 3))
    clock_at(2026, 12, 3, 12, 0)
    status = selectors.current_plan(mch_a)
    assert (status.code, status.status) == ("pro", "grace")
    assert selectors.feature_enabled(mch_a, "custom_tracking_page")
    fund(mch_a, 9_900)
    (_, counts), = run_days(clock_at, dt.date(2026, 12, 4), dt.date(2026, 12, 4))
    assert counts["renewed"] == 1
    assert selectors.current_plan(mch_a).period_end == dt.date(2026, 12, 31)
    assert Subscription.objects.get().renewal_failed_on is None


def test_the_trial_ends_on_free_with_reminders(mch_a, clock_at):
    clock_at(2026, 11, 23, 10, 0)
    services.trial_start(merchant=mch_a)                       # … 12-06
    results = dict(run_days(clock_at, dt.date(2026, 11, 24), dt.date(2026, 12, 7)))
    assert [d for d, c in results.items() if c["reminded"]] == [dt.date(2026, 11, 29), dt.date(2026, 12, 3),
                                                                 dt.date(2026, 12, 5)]
    assert results[dt.date(2026, 12, 7)]["expired"] == 1
    assert Subscription.objects.get().status == "free"
    assert reminders()[-1] == ("plan.ended", "Your Pro trial has ended / Pro 试用已结束")
    assert wallet_for(mch_a).balance_fen == 0


def test_a_plan_that_does_not_renew_ends_without_grace(mch_a, clock_at):
    clock_at(2026, 11, 1, 9, 0)
    fund(mch_a, 19_800)
    services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")
    services.subscription_set_auto_renew(merchant=mch_a, auto_renew=False)
    (_, counts), = run_days(clock_at, dt.date(2026, 12, 1), dt.date(2026, 12, 1))
    assert counts == {"renewed": 0, "failed": 0, "expired": 1, "reminded": 0}
    assert selectors.current_plan(mch_a).status == "expired"
    assert wallet_for(mch_a).balance_fen == 9_900


def test_subscriptions_expiring_for_the_renewal_tasks(mch_a, mch_b, clock_at):
    clock_at(2026, 11, 1, 9, 0)
    fund(mch_a, 9_900)
    services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")   # … 11-30
    clock_at(2026, 11, 25, 9, 0)
    services.trial_start(merchant=mch_b)                                                    # … 12-08
    rows = selectors.subscriptions_expiring(within_days=7)
    assert [(r.merchant, r.days_left, r.effective_status) for r in rows] == [(mch_a, 5, "active")]
    rows = selectors.subscriptions_expiring(within_days=14)
    assert [(r.merchant, r.days_left) for r in rows] == [(mch_a, 5), (mch_b, 13)]
    clock_at(2026, 12, 2, 9, 0)     # mch_a unpaid, in grace
    assert [(r.merchant, r.days_left, r.effective_status) for r in selectors.subscriptions_expiring(within_days=0)] \
        == [(mch_a, -2, "grace")]


def test_the_periodic_task_runs_the_daily_job(mch_a, clock_at):
    from parcelhub.plans.tasks import plans_daily_job

    clock_at(2026, 11, 1, 9, 0)
    fund(mch_a, 19_800)
    services.subscription_change(merchant=mch_a, plan_code="pro", billing_cycle="monthly")
    clock_at(2026, 12, 1, 0, 30)
    assert plans_daily_job.call_local() == {"renewed": 1, "failed": 0, "expired": 0, "reminded": 0}
