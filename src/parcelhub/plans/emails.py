"""Emails to the merchant's owners about their plan, sent through the notification outbox after commit.

Bilingual like the platform's other account emails (the owner may read either language).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from parcelhub.core import clock
from parcelhub.core.money import format_fen
from parcelhub.plans.models import Subscription

PLAN_URL = "/settings/plan/"


def _send(subscription: Subscription, *, event_type: str, subject: str, body: str) -> int:
    from parcelhub.notify.models import Channel, Outbox
    from parcelhub.notify.outbox import enqueue_after_commit, owner_emails

    now = clock.now()
    merchant_id = subscription.merchant_id
    body = f"{body}\n\n{settings.SITE_URL}{PLAN_URL}"
    with transaction.atomic():
        rows = Outbox.objects.bulk_create([
            Outbox(merchant_id=merchant_id, channel=Channel.EMAIL, event_type=event_type, recipient=email,
                   subject=subject, body=body, next_attempt_at=now, created_at=now)
            for email in owner_emails([merchant_id]).get(merchant_id, [])])
        enqueue_after_commit([row.pk for row in rows])
    return len(rows)


def reminder(subscription: Subscription, *, days_left: int) -> int:
    plan, end = subscription.plan, subscription.period_end
    if subscription.status == "trial":
        subject = f"Your {plan.name} trial ends in {days_left} days / {plan.name} 试用还剩 {days_left} 天"
        body = (f"Your free {plan.name} trial ends on {end}. Choose a plan to keep its features.\n\n"
                f"您的 {plan.name} 免费试用将于 {end} 结束，请选择套餐以继续使用相关功能。")
    elif subscription.auto_renew:
        price = format_fen(plan.price_for(subscription.billing_cycle or "monthly"))
        subject = f"Your {plan.name} plan renews in {days_left} days / {plan.name} 套餐 {days_left} 天后续费"
        body = (f"Your {plan.name} plan renews after {end}; {price} will be taken from your wallet. Keep enough "
                f"balance to avoid interruption.\n\n"
                f"您的 {plan.name} 套餐将于 {end} 后自动续费，届时将从钱包扣除 {price}，请确保余额充足。")
    else:
        subject = f"Your {plan.name} plan ends in {days_left} days / {plan.name} 套餐 {days_left} 天后到期"
        body = (f"Your {plan.name} plan ends on {end} and will not renew. Renew it to keep its features.\n\n"
                f"您的 {plan.name} 套餐将于 {end} 到期且不会自动续费，请及时续订。")
    return _send(subscription, event_type="plan.reminder", subject=subject, body=body)


def renewal_failed(subscription: Subscription, *, price_fen: int) -> int:
    plan = subscription.plan
    subject = f"{plan.name} renewal failed: please recharge / {plan.name} 续费失败，请充值"
    body = (f"We could not take {format_fen(price_fen)} from your wallet to renew {plan.name}. The plan stays "
            f"on for a grace period while we retry daily; recharge to keep it.\n\n"
            f"钱包余额不足，未能扣除 {format_fen(price_fen)} 续费 {plan.name}。宽限期内套餐仍可使用，"
            f"系统每天重试扣款，请尽快充值。")
    return _send(subscription, event_type="plan.renewal_failed", subject=subject, body=body)


def ended(subscription: Subscription, *, was_trial: bool) -> int:
    plan = subscription.plan
    what, what_zh = ("trial", "试用") if was_trial else ("plan", "套餐")
    subject = f"Your {plan.name} {what} has ended / {plan.name} {what_zh}已结束"
    body = (f"Your {plan.name} {what} has ended and your account is on the Free plan now.\n\n"
            f"您的 {plan.name} {what_zh}已结束，账户已转为免费版。")
    return _send(subscription, event_type="plan.ended", subject=subject, body=body)
