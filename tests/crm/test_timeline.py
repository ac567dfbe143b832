"""The 360 timeline merges CRM activities with events other apps record: sign-up, onboarding milestones, tier
changes, plan invoices and paid recharges, newest first."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from parcelhub.billing.services import recharge_confirm, recharge_create
from parcelhub.crm.merchant360 import timeline
from parcelhub.crm.onboarding import merchant_onboarding, onboarding_mark
from parcelhub.crm.services import activity_log
from parcelhub.marketing.models import MerchantTier, Tier
from parcelhub.plans.services import subscription_change


def test_timeline_merges_other_apps_events(merchant_a, operator_factory):
    merchant, owner = merchant_a
    am = operator_factory("account_manager")
    onboarding_mark(merchant=merchant, milestone="first_quote", at=merchant.created_at + dt.timedelta(minutes=5))
    recharge = recharge_create(merchant=merchant, amount_fen=50_000, actor=owner)
    recharge_confirm(provider_txn_id="txn-1", recharge_public_id=recharge.public_id, amount_fen=50_000)
    invoice = subscription_change(merchant=merchant, plan_code="pro", billing_cycle="monthly", actor=owner)
    MerchantTier.objects.create(merchant=merchant, tier=Tier.objects.get(code="silver"),
                                since=timezone.localdate() + dt.timedelta(days=1), reason="upgrade")
    activity_log(merchant=merchant, kind="call", summary="回访", actor=am,
                 at=timezone.now() + dt.timedelta(days=2))
    items = timeline(merchant, onboarding=merchant_onboarding(merchant))
    assert [(i.kind, i.summary) for i in items] == [
        ("call", "回访"),
        ("tier", "Tier Silver (Upgrade)"),
        ("milestone", "First quote"),                    # marked five minutes after signing up
        ("plan", f"{invoice.get_kind_display()}: Pro, ¥99.00"),
        ("recharge", "Recharged ¥500.00"),
        ("milestone", "Signed up"),
    ]
    assert items[0].actor == am.email and items[3].ref == invoice.public_id
