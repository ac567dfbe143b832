"""Reads for plans: what plan a merchant is on today, its features and limits, quotes for a change.

`current_plan`, `feature_enabled` and `subscriptions_expiring` are the contract other apps use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, FilteredRelation, Q, QuerySet

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.plans import periods
from parcelhub.plans.defaults import DEFAULT_PLANS, FREE, GRACE_DAYS, TRIAL_DAYS, TRIAL_PLAN
from parcelhub.plans.models import BillingCycle, Plan, PlanInvoice, RechargeBonusRule, Subscription


@dataclass(frozen=True)
class PlanStatus:
    code: str                      # the plan in force today ("free" after a trial or grace has run out)
    name: str
    status: str                    # free, trial, active, grace or expired
    period_end: dt.date | None     # last covered day (of the lapsed period when expired)
    billing_cycle: str             # monthly, annual, or "" (free, trial)
    features: frozenset[str] = field(default_factory=frozenset)
    subscribed_code: str = ""      # the plan on the subscription, even when it has lapsed
    auto_renew: bool = False
    trial_available: bool = True
    days_left: int | None = None  # days until the last covered day (0 on the last day)

    @property
    def is_paid(self) -> bool:
        return self.status in ("active", "grace")


def plan_get(code: str) -> Plan:
    """The plan by code; a default plan missing from the table (a flushed test database) is built unsaved."""
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        if code not in DEFAULT_PLANS:
            raise DomainError("plan_unknown", f"There is no plan “{code}”.", f"没有“{code}”套餐。", status=404)
        plan = Plan(code=code, **DEFAULT_PLANS[code])
    return plan


def plans_offered() -> list[Plan]:
    plans = list(Plan.objects.filter(is_active=True).order_by("rank", "code"))
    return plans or [plan_get(code) for code in DEFAULT_PLANS]


def subscription_of(merchant: Merchant) -> Subscription | None:
    return Subscription.objects.select_related("plan").filter(merchant=merchant).first()


def _status_of(subscription: Subscription | None, today: dt.date) -> PlanStatus:
    if subscription is None:
        free = plan_get(FREE)
        return PlanStatus(FREE, free.name, "free", None, "", frozenset(free.features))
    status = periods.effective_status(stored=subscription.status, period_end=subscription.period_end, today=today,
                                      grace_days=GRACE_DAYS, auto_renew=subscription.auto_renew)
    trial_available = subscription.trial_used_on is None
    plan = subscription.plan if status in ("trial", "active", "grace") else plan_get(FREE)
    days_left = (subscription.period_end - today).days if status in ("trial", "active") else None
    return PlanStatus(
        code=plan.code, name=plan.name, status=status,
        period_end=subscription.period_end if status != "free" else None,
        billing_cycle=subscription.billing_cycle if status in ("active", "grace") else "",
        features=frozenset(plan.features), subscribed_code=subscription.plan.code,
        auto_renew=subscription.auto_renew and status in ("active", "grace"),
        trial_available=trial_available, days_left=days_left)


def current_plan(merchant: Merchant) -> PlanStatus:
    """The plan in force for `merchant` today (computed from the dates, so it is right before the daily job)."""
    return _status_of(subscription_of(merchant), clock.today())


def effective_plan(merchant: Merchant) -> Plan:
    """The plan in force, in one query (notify asks for every SMS): Free and the subscribed plan side by side."""
    rows = list(Plan.objects.annotate(mine=FilteredRelation("subscriptions",
                                                            condition=Q(subscriptions__merchant=merchant)))
                .filter(Q(code=FREE) | Q(mine__isnull=False))
                .annotate(sub_status=F("mine__status"), sub_end=F("mine__period_end"),
                          sub_auto_renew=F("mine__auto_renew")))
    today = clock.today()
    for plan in rows:
        if plan.sub_status is not None and periods.effective_status(
                stored=plan.sub_status, period_end=plan.sub_end, today=today, grace_days=GRACE_DAYS,
                auto_renew=plan.sub_auto_renew) in ("trial", "active", "grace"):
            return plan
    return next((plan for plan in rows if plan.code == FREE), None) or plan_get(FREE)


def feature_enabled(merchant: Merchant, code: str) -> bool:
    return code in effective_plan(merchant).features


def plan_limit(merchant: Merchant, name: str) -> int | None:
    """A limit of the merchant's plan today: "sms_monthly_quota" or "bulk_import_max_rows" (None: no limit
    of its own — the platform default for SMS, unlimited for imports)."""
    if name not in ("sms_monthly_quota", "bulk_import_max_rows"):
        raise ValueError(f"unknown plan limit {name!r}")
    plan = effective_plan(merchant)
    if name == "sms_monthly_quota" and "sms_quota" not in plan.features:
        return 0    # a plan without SMS sends none
    return getattr(plan, name)


def subscriptions_expiring(*, within_days: int) -> list[Subscription]:
    """Paid subscriptions and trials whose period ends within `within_days` days from today (inclusive), or that
    are in their grace period — the account managers' renewal calls. Each has `.days_left` (negative in grace)."""
    today = clock.today()
    rows = list(Subscription.objects.select_related("plan", "merchant")
                .filter(status__in=["active", "trial"], period_end__isnull=False,
                        period_end__gte=today - dt.timedelta(days=GRACE_DAYS),
                        period_end__lte=today + dt.timedelta(days=within_days))
                .order_by("period_end", "id"))
    kept = []
    for row in rows:
        status = periods.effective_status(stored=row.status, period_end=row.period_end, today=today,
                                          grace_days=GRACE_DAYS, auto_renew=row.auto_renew)
        if status in ("trial", "active", "grace"):
            row.days_left = (row.period_end - today).days
            row.effective_status = status
            kept.append(row)
    return kept


@dataclass(frozen=True)
class ChangeQuote:
    plan: Plan
    billing_cycle: str
    kind: str                   # subscribe, upgrade, downgrade or cycle
    period_start: dt.date
    period_end: dt.date | None
    price_fen: int
    credit_fen: int
    due_fen: int                # negative: credited back to the wallet
    unused_days: int
    period_days: int

    @property
    def refund_fen(self) -> int:
        """What goes back to the wallet when the credit is larger than the new price."""
        return max(0, -self.due_fen)


def change_kind(status: PlanStatus, current: Plan | None, target: Plan) -> str:
    if not status.is_paid or current is None:
        return "subscribe"
    if target.rank > current.rank:
        return "upgrade"
    if target.rank < current.rank:
        return "downgrade"
    return "cycle"


def change_quote(merchant: Merchant, plan_code: str, billing_cycle: str,
                 subscription: Subscription | None = None) -> ChangeQuote:
    """What changing to `plan_code` billed `billing_cycle` costs today; raises DomainError for a change that
    cannot be made. Pass the locked subscription from a service so the quote and the charge agree."""
    if billing_cycle not in BillingCycle.values:
        raise DomainError("billing_cycle_invalid", "Choose monthly or annual billing.", "请选择按月或按年付费。")
    target = plan_get(plan_code)
    if not target.is_active:
        raise DomainError("plan_unavailable", f"The {target.name} plan is not offered.",
                          f"{target.name} 套餐暂不提供。", status=409)
    today = clock.today()
    subscription = subscription if subscription is not None else subscription_of(merchant)
    status = _status_of(subscription, today)
    current = subscription.plan if subscription is not None and status.is_paid else None
    if current is not None and current.code == target.code and subscription.billing_cycle == billing_cycle:
        raise DomainError("plan_unchanged", f"You are already on {target.name}, billed {billing_cycle}.",
                          f"您已在使用 {target.name}（{billing_cycle}）。", status=409)
    if target.is_free:
        start, end = today, None
    else:
        start, end = today, periods.cycle_end(today, billing_cycle)
    paid = subscription.paid_fen if current is not None else 0
    proration = periods.prorate(
        new_price_fen=0 if target.is_free else target.price_for(billing_cycle), paid_fen=paid,
        period_start=subscription.period_start if current is not None else None,
        period_end=subscription.period_end if current is not None else None, today=today)
    return ChangeQuote(plan=target, billing_cycle=billing_cycle, kind=change_kind(status, current, target),
                       period_start=start, period_end=end, price_fen=proration.price_fen,
                       credit_fen=proration.credit_fen, due_fen=proration.due_fen,
                       unused_days=proration.unused_days, period_days=proration.period_days)


def trial_end_for(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=TRIAL_DAYS - 1)


def trial_plan() -> Plan:
    return plan_get(TRIAL_PLAN)


def billing_history(merchant: Merchant) -> QuerySet[PlanInvoice]:
    return PlanInvoice.objects.filter(merchant=merchant).select_related("plan", "transaction")


def plans_with_counts() -> list[Plan]:
    """Every plan with how many merchants are on it today by status (for the operators' list)."""
    today = clock.today()
    grace_from = today - dt.timedelta(days=GRACE_DAYS)
    plans = list(Plan.objects.order_by("rank", "code").annotate(
        trial_count=Count("subscriptions", filter=Q(subscriptions__status="trial",
                                                    subscriptions__period_end__gte=today)),
        active_count=Count("subscriptions", filter=Q(subscriptions__status="active",
                                                     subscriptions__period_end__gte=today)),
        grace_count=Count("subscriptions", filter=Q(subscriptions__status="active",
                                                    subscriptions__auto_renew=True,
                                                    subscriptions__period_end__lt=today,
                                                    subscriptions__period_end__gte=grace_from))))
    paying = sum(p.active_count + p.grace_count + p.trial_count for p in plans)
    for plan in plans:
        if plan.code == FREE:
            plan.active_count = Merchant.objects.count() - paying
    return plans


def bonus_rules() -> QuerySet[RechargeBonusRule]:
    return RechargeBonusRule.objects.select_related("plan").annotate(grant_count=Count("grants"))


def best_bonus_rule(amount_fen: int, at: dt.datetime) -> RechargeBonusRule | None:
    """The rule a recharge of `amount_fen` earns: among active rules whose window contains `at` and whose
    minimum it reaches, the one with the highest minimum (the top tier reached); ties go to the larger bonus."""
    return (RechargeBonusRule.objects.select_related("plan")
            .filter(is_active=True, min_recharge_fen__lte=amount_fen)
            .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=at))
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
            .order_by("-min_recharge_fen", "-bonus_fen", "-months", "id").first())


def active_bonus_rules(at: dt.datetime) -> list[RechargeBonusRule]:
    """The recharge bonuses a merchant can earn now, smallest minimum first (shown next to the recharge form)."""
    return list(RechargeBonusRule.objects.select_related("plan").filter(is_active=True)
                .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=at))
                .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at)).order_by("min_recharge_fen", "id"))


@dataclass(frozen=True)
class Usage:
    """How close a merchant is to its plan's limits (the plan page; CRM's "a higher plan" upsell)."""

    sms_used: int
    sms_quota: int
    import_rows_max: int          # the largest import file in the last 30 days
    import_rows_limit: int | None

    @property
    def near_limits(self) -> list[str]:
        """Limits at 80 % or more: "sms_quota", "bulk_import_max_rows"."""
        near = []
        if self.sms_quota and self.sms_used * 5 >= self.sms_quota * 4:
            near.append("sms_quota")
        if self.import_rows_limit and self.import_rows_max * 5 >= self.import_rows_limit * 4:
            near.append("bulk_import_max_rows")
        return near


def plan_usage(merchant: Merchant) -> Usage:
    from django.db.models import Max

    from parcelhub.notify.delivery import sms_quota_for
    from parcelhub.notify.selectors import sms_used_this_month
    from parcelhub.orders.models import OrderImport

    since = clock.now() - dt.timedelta(days=30)
    rows = (OrderImport.objects.filter(merchant=merchant, created_at__gte=since)
            .aggregate(m=Max("total_rows"))["m"] or 0)
    return Usage(sms_used=sms_used_this_month(merchant), sms_quota=sms_quota_for(merchant), import_rows_max=rows,
                 import_rows_limit=plan_limit(merchant, "bulk_import_max_rows"))
