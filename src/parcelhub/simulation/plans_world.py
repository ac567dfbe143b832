"""Demo world: SaaS plans and the demo merchants' subscriptions and trials, and recharge bonus rules.

义乌 is on Pro monthly with a few days left (its renewal reminder is due), 广州 on Enterprise annual, 深圳 in the
middle of its Pro trial. The plan purchases go through the real services with the clock moved back, so the
wallets' ledgers show them where they happened.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from parcelhub.accounts.models import Merchant
from parcelhub.plans import services
from parcelhub.plans.defaults import ensure_default_plans
from parcelhub.plans.models import Plan, RechargeBonusRule, Subscription
from parcelhub.simulation.timeline import clock_at

# (merchant index, plan, billing cycle or "trial", days ago it started)
DEMO_SUBSCRIPTIONS = [(0, "pro", "monthly", 25), (1, "enterprise", "annual", 100), (2, "pro", "trial", 5)]

BONUS_RULES = [
    # name, minimum recharge, bonus credit, plan, months
    ("充500送20", 50_000, 2_000, None, 0),
    ("充1000送60", 100_000, 6_000, None, 0),
    ("充邮费送软件：充3000送专业版3个月", 300_000, 0, "pro", 3),
]


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 30), tzinfo=timezone.get_default_timezone())


def build(*, merchants: list[Merchant], today: dt.date) -> dict[str, int]:
    """`merchants` are the hand-made demo merchants; returns counts for the demo command's summary."""
    ensure_default_plans(Plan)
    subscribed = 0
    for index, plan_code, cycle, days_ago in DEMO_SUBSCRIPTIONS:
        if index >= len(merchants) or Subscription.objects.filter(merchant=merchants[index]).exists():
            continue
        with clock_at(_at(today - dt.timedelta(days=days_ago))):
            if cycle == "trial":
                services.trial_start(merchant=merchants[index])
            else:
                services.subscription_change(merchant=merchants[index], plan_code=plan_code, billing_cycle=cycle)
        subscribed += 1
    rules = 0
    for name, minimum, bonus, plan_code, months in BONUS_RULES:
        _, created = RechargeBonusRule.objects.get_or_create(name=name, defaults={
            "min_recharge_fen": minimum, "kind": "plan" if plan_code else "credit", "bonus_fen": bonus,
            "plan": Plan.objects.get(code=plan_code) if plan_code else None, "months": months})
        rules += created
    # A Double 11 rule that has ended, so the list shows a window.
    double11 = dt.date(today.year - (1 if today < dt.date(today.year, 11, 12) else 0), 11, 1)
    _, created = RechargeBonusRule.objects.get_or_create(name="双11充2000送150", defaults={
        "min_recharge_fen": 200_000, "bonus_fen": 15_000, "starts_at": _at(double11),
        "ends_at": _at(double11 + dt.timedelta(days=11))})
    rules += created
    return {"subscriptions": subscribed, "recharge_bonus_rules": rules}
