"""Writes for plans: trials, plan changes with proration, grants, renewals, expiry and operator edits.

Locks are always taken wallet first, then the subscription row (as recharges do when a bonus grants a plan),
so two services of one merchant never wait on each other in opposite orders.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from parcelhub.accounts.models import Merchant, User
from parcelhub.billing import ledger
from parcelhub.billing.models import LedgerTransaction, TransactionKind, Wallet
from parcelhub.billing.services import InsufficientFunds
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.plans import emails, periods, selectors
from parcelhub.plans.defaults import FREE, ensure_default_plans
from parcelhub.plans.models import (
    Feature,
    InvoiceKind,
    Plan,
    PlanInvoice,
    RechargeBonusRule,
    Subscription,
    SubscriptionStatus,
)


def _plan_row(code: str) -> Plan:
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        ensure_default_plans(Plan)
        plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise DomainError("plan_unknown", f"There is no plan “{code}”.", f"没有“{code}”套餐。", status=404)
    return plan


def _locked(merchant: Merchant) -> tuple[Wallet, Subscription]:
    """The merchant's wallet and subscription, both locked (the subscription row is made on first use)."""
    wallet = ledger.wallet_lock(merchant)
    rows = ledger.lock_rows(Subscription.objects.filter(merchant=merchant))
    if not rows:
        Subscription.objects.get_or_create(merchant=merchant, defaults={"plan": _plan_row(FREE),
                                                                        "created_at": clock.now()})
        rows = ledger.lock_rows(Subscription.objects.filter(merchant=merchant))
    subscription = rows[0]
    subscription.plan = Plan.objects.get(pk=subscription.plan_id)
    return wallet, subscription


def _pay(*, wallet: Wallet, merchant: Merchant, due_fen: int, lines: list[dict], reference: str, memo: str,
         actor: User | None) -> LedgerTransaction | None:
    """Take `due_fen` from the wallet's cash and credit line (bonus credit is for postage), or give a negative
    amount back as cash; nothing is posted for zero. Raises InsufficientFunds (402) before writing."""
    if due_fen == 0:
        return None
    if due_fen > 0 and wallet.cash_available_fen < due_fen:
        raise InsufficientFunds(balance_fen=wallet.balance_fen, credit_limit_fen=wallet.credit_limit_fen,
                                required_fen=due_fen)
    return ledger.ledger_post(
        kind=TransactionKind.CHARGE if due_fen > 0 else TransactionKind.REFUND, merchant=merchant, wallet=wallet,
        reference=reference, memo=memo, lines=lines, actor=actor,
        entries=[(wallet.account, -due_fen), (ledger.revenue_account(), due_fen)])


def _lines(plan: Plan, cycle: str, price_fen: int, credit_fen: int) -> list[dict]:
    lines = [{"code": f"plan_{plan.code}_{cycle or 'period'}", "amount_fen": price_fen}]
    if credit_fen:
        lines.append({"code": "proration_credit", "amount_fen": -credit_fen})
    return lines


def _set(subscription: Subscription, **fields) -> None:
    for name, value in fields.items():
        setattr(subscription, name, value)
    subscription.save(update_fields=[*fields, "updated_at"])


def trial_start(*, merchant: Merchant, actor: User | None = None) -> Subscription:
    """Start the 14-day Pro trial: once per merchant, and only from Free."""
    today = clock.today()
    with transaction.atomic():
        _, subscription = _locked(merchant)
        status = selectors._status_of(subscription, today)
        if subscription.trial_used_on is not None:
            raise DomainError("trial_used", f"The free trial was already used on {subscription.trial_used_on}.",
                              f"免费试用已于 {subscription.trial_used_on} 使用过。", status=409)
        if status.status != "free" and status.status != "expired":
            raise DomainError("trial_not_available", "A trial starts from the Free plan only.",
                              "仅免费版可开始试用。", status=409)
        plan = _plan_row(selectors.trial_plan().code)
        end = selectors.trial_end_for(today)
        _set(subscription, plan=plan, status=SubscriptionStatus.TRIAL, billing_cycle="", period_start=today,
             period_end=end, paid_fen=0, auto_renew=False, trial_used_on=today, renewal_failed_on=None)
        PlanInvoice.objects.create(merchant=merchant, subscription=subscription, plan=plan, kind=InvoiceKind.TRIAL,
                                   period_start=today, period_end=end, reference=f"{subscription.public_id}:trial",
                                   actor=_person(actor), created_at=clock.now())
        audit(action="plan.trial_start", actor=actor, merchant=merchant, target=subscription,
              data={"plan": plan.code, "period_end": end.isoformat()})
    return subscription


def _person(actor: User | None) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def subscription_change(*, merchant: Merchant, plan_code: str, billing_cycle: str, actor: User | None = None,
                        expected_due_fen: int | None = None) -> PlanInvoice:
    """Move to `plan_code` billed `billing_cycle` from today, paying the new period less the credit for the
    unused part of the current one (periods.prorate). `expected_due_fen` is what the merchant saw before
    confirming: if the amount changed meanwhile, nothing happens (409)."""
    today = clock.today()
    with transaction.atomic():
        wallet, subscription = _locked(merchant)
        quote = selectors.change_quote(merchant, plan_code, billing_cycle, subscription=subscription)
        if expected_due_fen is not None and expected_due_fen != quote.due_fen:
            raise DomainError("quote_changed", "The amount changed since it was shown; please look again.",
                              "金额已变化，请重新确认。", status=409)
        plan = _plan_row(quote.plan.code)
        invoice = PlanInvoice(merchant=merchant, subscription=subscription, plan=plan, kind=quote.kind,
                              billing_cycle="" if plan.is_free else billing_cycle, period_start=today,
                              period_end=quote.period_end or today, price_fen=quote.price_fen,
                              credit_fen=quote.credit_fen, amount_fen=quote.due_fen, actor=_person(actor),
                              created_at=clock.now())
        invoice.reference = invoice.public_id
        invoice.transaction = _pay(
            wallet=wallet, merchant=merchant, due_fen=quote.due_fen, reference=invoice.public_id,
            lines=_lines(plan, invoice.billing_cycle, quote.price_fen, quote.credit_fen), actor=actor,
            memo=f"{plan.name} {quote.kind} {today}…{quote.period_end or ''}")
        invoice.save()
        if plan.is_free:
            _set(subscription, plan=plan, status=SubscriptionStatus.FREE, billing_cycle="", period_start=None,
                 period_end=None, paid_fen=0, auto_renew=False, renewal_failed_on=None)
        else:
            _set(subscription, plan=plan, status=SubscriptionStatus.ACTIVE, billing_cycle=billing_cycle,
                 period_start=today, period_end=quote.period_end, paid_fen=quote.price_fen, auto_renew=True,
                 renewal_failed_on=None)
        audit(action=f"plan.{quote.kind}", actor=actor, merchant=merchant, target=subscription,
              data={"plan": plan.code, "cycle": billing_cycle, "price_fen": quote.price_fen,
                    "credit_fen": quote.credit_fen, "due_fen": quote.due_fen, "invoice": invoice.public_id})
    return invoice


def subscription_grant(*, merchant: Merchant, plan_code: str, months: int, reference: str, note: str = "",
                       actor: User | None = None) -> PlanInvoice | None:
    """Give `months` of a plan for free (a recharge bonus, an operator's goodwill). It extends the same plan or
    starts from Free/trial/expired; a merchant on another paid plan is left alone and None is returned (the
    recharge bonus then gives the months' value as bonus credit instead)."""
    if type(months) is not int or not 1 <= months <= 36:
        raise DomainError("months_invalid", "Grant between 1 and 36 months.", "赠送月数须在 1 到 36 之间。")
    today = clock.today()
    with transaction.atomic():
        _, subscription = _locked(merchant)
        existing = PlanInvoice.objects.filter(reference=reference).first()
        if existing is not None:
            return existing
        plan = _plan_row(plan_code)
        if plan.is_free:
            raise DomainError("plan_free", "The Free plan needs no grant.", "免费版无需赠送。")
        status = selectors._status_of(subscription, today).status
        if status in ("active", "grace") and subscription.plan_id == plan.pk:
            start = subscription.period_end + dt.timedelta(days=1)
            end = periods.period_end(start, months)
            _set(subscription, period_end=end, renewal_failed_on=None)
        elif status in ("active", "grace"):
            return None
        else:
            start, end = today, periods.period_end(today, months)
            _set(subscription, plan=plan, status=SubscriptionStatus.ACTIVE, billing_cycle="monthly",
                 period_start=start, period_end=end, paid_fen=0, auto_renew=False, renewal_failed_on=None)
        invoice = PlanInvoice.objects.create(
            merchant=merchant, subscription=subscription, plan=plan, kind=InvoiceKind.GRANT,
            billing_cycle=subscription.billing_cycle, period_start=start, period_end=end, reference=reference,
            note=note[:200], actor=_person(actor), created_at=clock.now())
        audit(action="plan.grant", actor=actor, merchant=merchant, target=subscription,
              data={"plan": plan.code, "months": months, "period_end": end.isoformat(), "reference": reference})
    return invoice


def subscription_set_auto_renew(*, merchant: Merchant, auto_renew: bool, actor: User | None = None) -> Subscription:
    with transaction.atomic():
        _, subscription = _locked(merchant)
        if selectors._status_of(subscription, clock.today()).status not in ("active", "grace"):
            raise DomainError("not_subscribed", "Only a paid plan renews.", "只有付费套餐可以续费。", status=409)
        _set(subscription, auto_renew=bool(auto_renew))
        audit(action="plan.auto_renew", actor=actor, merchant=merchant, target=subscription,
              data={"auto_renew": bool(auto_renew)})
    return subscription


def subscription_renew(*, subscription_id: int, retry: bool = False) -> str:
    """Bill the next period of a subscription whose period has ended; 'renewed', 'failed' (no funds: retried
    once a day through the grace period, or at once with `retry` — the merchant's "pay now"), 'expired' (back
    to Free) or 'not_due'. The locks and the period-start reference make a second run a no-op."""
    merchant = Merchant.objects.filter(subscription__pk=subscription_id).first()
    if merchant is None:
        return "not_due"
    today = clock.today()
    with transaction.atomic():
        wallet, subscription = _locked(merchant)
        if subscription.status != SubscriptionStatus.ACTIVE or subscription.period_end is None \
                or subscription.period_end >= today:
            return "not_due"
        status = selectors._status_of(subscription, today).status
        if status == "expired":
            _expire(subscription)
            return "expired"
        if subscription.renewal_failed_on == today and not retry:
            return "not_due"
        plan, cycle = subscription.plan, subscription.billing_cycle or "monthly"
        start = subscription.period_end + dt.timedelta(days=1)
        end = periods.cycle_end(start, cycle)
        price = plan.price_for(cycle)
        reference = f"{subscription.public_id}:{start.isoformat()}"
        try:
            txn = _pay(wallet=wallet, merchant=merchant, due_fen=price, reference=reference,
                       lines=_lines(plan, cycle, price, 0), memo=f"{plan.name} {start}…{end}", actor=None)
        except InsufficientFunds:
            first_failure = subscription.renewal_failed_on is None
            _set(subscription, renewal_failed_on=today)
            audit(action="plan.renewal_failed", merchant=merchant, target=subscription,
                  data={"price_fen": price, "balance_fen": wallet.balance_fen})
            if first_failure:
                emails.renewal_failed(subscription, price_fen=price)
            return "failed"
        PlanInvoice.objects.create(merchant=merchant, subscription=subscription, plan=plan, kind=InvoiceKind.RENEWAL,
                                   billing_cycle=cycle, period_start=start, period_end=end, price_fen=price,
                                   amount_fen=price, reference=reference, transaction=txn, created_at=clock.now())
        _set(subscription, period_start=start, period_end=end, paid_fen=price, renewal_failed_on=None)
        audit(action="plan.renewal", merchant=merchant, target=subscription,
              data={"plan": plan.code, "price_fen": price, "period_end": end.isoformat()})
    return "renewed"


def _expire(subscription: Subscription) -> None:
    """Back to Free after a trial, a plan that does not renew, or a grace period without payment."""
    was_trial = subscription.status == SubscriptionStatus.TRIAL
    _set(subscription, status=SubscriptionStatus.FREE if was_trial else SubscriptionStatus.EXPIRED)
    audit(action="plan.trial_end" if was_trial else "plan.expired", merchant=subscription.merchant,
          target=subscription, data={"plan": subscription.plan.code, "period_end": str(subscription.period_end)})
    emails.ended(subscription, was_trial=was_trial)


def subscription_expire(*, subscription_id: int) -> bool:
    """End a trial or non-renewing plan whose last day has passed (renewals handle the rest)."""
    merchant = Merchant.objects.filter(subscription__pk=subscription_id).first()
    if merchant is None:
        return False
    with transaction.atomic():
        _, subscription = _locked(merchant)
        status = selectors._status_of(subscription, clock.today()).status
        if subscription.status not in (SubscriptionStatus.TRIAL, SubscriptionStatus.ACTIVE) \
                or status not in ("free", "expired"):
            return False
        _expire(subscription)
    return True


def reminder_send(*, subscription_id: int) -> int | None:
    """Send the reminder due today (7, 3 or 1 days before the end), once; returns which one was sent."""
    today = clock.today()
    with transaction.atomic():
        subscription = (Subscription.objects.select_for_update().select_related("plan", "merchant")
                        .filter(pk=subscription_id, status__in=["active", "trial"]).first())
        if subscription is None or subscription.period_end is None:
            return None
        days = periods.reminder_due(period_end=subscription.period_end, today=today)
        if days is None:
            return None
        _, created = subscription.reminders.get_or_create(period_end=subscription.period_end, days_before=days,
                                                          defaults={"sent_at": clock.now()})
        if not created:
            return None
        emails.reminder(subscription, days_left=(subscription.period_end - today).days)
        audit(action="plan.reminder", merchant=subscription.merchant, target=subscription,
              data={"days_before": days, "period_end": subscription.period_end.isoformat()})
    return days


def plans_daily() -> dict[str, int]:
    """The daily job: renew what ended, end trials and lapsed plans, send due reminders."""
    today = clock.today()
    counts = {"renewed": 0, "failed": 0, "expired": 0, "reminded": 0}
    ended = Subscription.objects.filter(status__in=["active", "trial"], period_end__lt=today)
    for pk, status, auto_renew in ended.values_list("pk", "status", "auto_renew").order_by("pk"):
        if status == "active" and auto_renew:
            outcome = subscription_renew(subscription_id=pk)
            if outcome in counts:
                counts[outcome] += 1
        elif subscription_expire(subscription_id=pk):
            counts["expired"] += 1
    soon = Subscription.objects.filter(status__in=["active", "trial"], period_end__gte=today + dt.timedelta(days=1),
                                       period_end__lte=today + dt.timedelta(days=periods.REMINDER_DAYS[0]))
    for pk in soon.values_list("pk", flat=True).order_by("pk"):
        counts["reminded"] += reminder_send(subscription_id=pk) is not None
    return counts


PLAN_FIELDS = ("name", "description", "rank", "price_monthly_fen", "price_annual_fen", "features",
               "sms_monthly_quota", "bulk_import_max_rows", "is_active")


def plan_update(*, plan: Plan, actor: User, **values) -> Plan:
    """An operator edits a plan; prices apply to new periods (current periods keep what they paid)."""
    unknown = set(values.get("features", [])) - set(Feature.values)
    if unknown:
        raise DomainError("feature_unknown", f"Unknown features: {', '.join(sorted(unknown))}.",
                          f"未知功能：{', '.join(sorted(unknown))}。")
    for name in ("price_monthly_fen", "price_annual_fen"):
        if name in values and (type(values[name]) is not int or values[name] < 0):
            raise DomainError("invalid_amount", "Prices are whole fen, not negative.", "价格须为非负整数（分）。")
    if plan.code == FREE and (values.get("price_monthly_fen") or values.get("price_annual_fen")):
        raise DomainError("free_plan_price", "The Free plan has no price.", "免费版不能设置价格。")
    with transaction.atomic():
        before = {name: getattr(plan, name) for name in values if name in PLAN_FIELDS}
        for name, value in values.items():
            if name in PLAN_FIELDS:
                setattr(plan, name, value)
        plan.save()
        audit(action="plan.update", actor=actor, target=plan,
              data={"code": plan.code, "before": before, "after": {n: getattr(plan, n) for n in before}})
    return plan


BONUS_RULE_FIELDS = ("name", "min_recharge_fen", "kind", "bonus_fen", "plan", "months", "starts_at", "ends_at",
                     "is_active")


def bonus_rule_save(*, actor: User, rule: RechargeBonusRule | None = None, **values) -> RechargeBonusRule:
    """Create or edit a recharge bonus rule (a grant already made keeps what it gave)."""
    if type(values.get("min_recharge_fen")) is not int or values["min_recharge_fen"] <= 0:
        raise DomainError("invalid_amount", "The minimum recharge must be above zero.", "最低充值金额须大于零。")
    if values.get("kind") == "credit" and not (type(values.get("bonus_fen")) is int and values["bonus_fen"] > 0):
        raise DomainError("invalid_amount", "The bonus credit must be above zero.", "赠送金额须大于零。")
    if values.get("kind") == "plan" and (values.get("plan") is None or not values.get("months")):
        raise DomainError("bonus_plan_required", "A plan bonus needs a plan and months.", "赠送套餐需选择套餐和月数。")
    with transaction.atomic():
        created = rule is None
        rule = rule or RechargeBonusRule()
        for name in BONUS_RULE_FIELDS:
            if name in values:
                setattr(rule, name, values[name])
        rule.save()
        audit(action="recharge_bonus_rule.create" if created else "recharge_bonus_rule.update", actor=actor,
              target=rule, data={"name": rule.name, "min_recharge_fen": rule.min_recharge_fen, "kind": rule.kind,
                                 "bonus_fen": rule.bonus_fen, "plan": rule.plan.code if rule.plan else "",
                                 "months": rule.months, "is_active": rule.is_active})
    return rule
