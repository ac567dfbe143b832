"""Bonus credit shown on the wallet page and in the wallet API (cash and bonus side by side)."""

from __future__ import annotations

import pytest

from parcelhub.billing import services
from parcelhub.plans.models import RechargeBonusRule
from tests.billing.conftest import fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_bonus(mch_a):
    RechargeBonusRule.objects.create(name="充500送20", min_recharge_fen=50_000, bonus_fen=2_000)
    fund(mch_a, 50_000)
    services.wallet_charge(merchant=mch_a, amount_fen=50_500, cost_fen=40_000, carrier_code="zto",
                           reference="shp_split", lines=[("first_weight", 50_500)])


def test_the_wallet_api_shows_cash_and_bonus(api_a, with_bonus):
    assert api_a.get("/api/v1/wallet").json() == {"balance_fen": 0, "credit_limit_fen": 0, "bonus_fen": 1_500,
                                                   "available_fen": 1_500, "currency": "CNY"}
    charge, bonus, recharge = api_a.get("/api/v1/wallet/transactions").json()["items"]
    assert (charge["kind"], charge["amount_fen"], charge["bonus_amount_fen"]) == ("charge", -50_000, -500)
    assert (bonus["kind"], bonus["amount_fen"], bonus["bonus_amount_fen"]) == ("bonus", 0, 2_000)
    assert (recharge["kind"], recharge["amount_fen"], recharge["bonus_amount_fen"]) == ("recharge", 50_000, 0)


def test_the_wallet_page_shows_bonus(console_a, with_bonus, api_b):
    html = console_a.get("/wallet/").content.decode()
    assert '<span id="bonus">¥15.00</span>' in html
    assert '<div class="hint bonus-entry">bonus -¥5.00</div>' in html
    assert "It cannot be withdrawn" in html
    assert api_b.get("/api/v1/wallet").json()["bonus_fen"] == 0


def test_the_recharge_form_lists_the_bonuses_on_offer(console_a, clock_at):
    import datetime as dt

    from parcelhub.plans.models import Plan
    from tests.billing.conftest import SHANGHAI

    clock_at(2026, 11, 5, 10, 0)
    RechargeBonusRule.objects.create(name="充500送20", min_recharge_fen=50_000, bonus_fen=2_000)
    RechargeBonusRule.objects.create(name="双11", min_recharge_fen=200_000, bonus_fen=15_000,
                                     ends_at=dt.datetime(2026, 11, 12, tzinfo=SHANGHAI))
    RechargeBonusRule.objects.create(name="送软件", min_recharge_fen=300_000, kind="plan",
                                     plan=Plan.objects.get(code="pro"), months=3)
    RechargeBonusRule.objects.create(name="停用", min_recharge_fen=1_000, bonus_fen=5_000, is_active=False)
    html = console_a.get("/wallet/").content.decode()
    assert "<span>¥500.00 or more: ¥20.00 bonus credit</span>" in html
    assert "<span>¥2000.00 or more: ¥150.00 bonus credit · until 2026-11-12 00:00</span>" in html
    assert "<span>¥3000.00 or more: Pro for 3 months</span>" in html
    assert "停用" not in html
    clock_at(2026, 11, 12, 0, 0)
    assert "双11" not in console_a.get("/wallet/").content.decode()
