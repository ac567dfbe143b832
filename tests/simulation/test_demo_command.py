from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from parcelhub.accounts.models import ApiKey, Merchant, User
from parcelhub.billing.models import LedgerEntry, Wallet
from parcelhub.crm.churn.models import ChurnAlert
from parcelhub.crm.workbench.models import Task
from parcelhub.insights.models import MerchantDay
from parcelhub.marketing.campaigns.models import Campaign
from parcelhub.marketing.promotions.models import CouponGrant
from parcelhub.orders.models import Order
from parcelhub.shipping.models import Shipment
from parcelhub.simulation.accounts_world import DEMO_API_KEY

pytestmark = pytest.mark.django_db


def test_demo_world_is_complete_consistent_and_idempotent():
    out = StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert "Demo world ready: 8 carriers, 9 services, 27 cards, 837 lanes" in text
    assert DEMO_API_KEY in text and "merchant@parcelhub.local" in text
    # The three hand-made merchants, the synthetic population of 300 and the CRM world's 17 recent sign-ups.
    assert Merchant.objects.count() == 320
    assert "am@parcelhub.local" in text and "marketing@parcelhub.local" in text
    assert User.objects.filter(operator_role="admin").count() == 1
    assert ApiKey.objects.filter(mode="test").count() == 1
    assert Order.objects.filter(status="pending").count() == 300  # every past order found a carrier
    history = Shipment.objects.filter(status="purchased")
    assert history.count() > 900
    assert history.values("merchant").distinct().count() == 3
    assert Order.objects.filter(status="shipped").count() == history.count()
    # Every wallet's cached balance is what its ledger says, and the ledger balances.
    for wallet in Wallet.objects.select_related("merchant"):
        entries = LedgerEntry.objects.filter(account__code=f"wallet:{wallet.merchant.public_id}")
        assert entries.aggregate(total=Sum("amount_fen"))["total"] == wallet.balance_fen >= 0
    assert LedgerEntry.objects.aggregate(total=Sum("amount_fen"))["total"] == 0

    def counts():
        return (Order.objects.count(), Shipment.objects.count(), LedgerEntry.objects.count(),
                Merchant.objects.count(), MerchantDay.objects.count(), CouponGrant.objects.count(),
                Campaign.objects.count(), Task.objects.count(), ChurnAlert.objects.count())

    before = counts()
    call_command("demo", stdout=StringIO())
    assert counts() == before
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "left as it is" in out.getvalue()
