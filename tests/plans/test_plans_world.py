from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import Merchant
from parcelhub.billing.selectors import wallet_for
from parcelhub.plans.models import RechargeBonusRule
from parcelhub.plans.selectors import current_plan
from parcelhub.simulation import plans_world
from parcelhub.simulation.accounts_world import DEMO_MERCHANTS, build_people
from parcelhub.simulation.billing_world import build_wallets
from tests.plans.conftest import assert_ledger_consistent

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 3, 15)


def test_demo_plans_trials_and_bonus_rules(clock_at):
    clock_at(2027, 3, 15, 12, 0)
    build_people()
    merchants = [Merchant.objects.get(name=row[0]) for row in DEMO_MERCHANTS]
    build_wallets(merchants=merchants, today=TODAY)
    assert plans_world.build(merchants=merchants, today=TODAY) == {"subscriptions": 3, "recharge_bonus_rules": 4}
    yiwu, guangzhou, shenzhen = (current_plan(m) for m in merchants)
    assert (yiwu.code, yiwu.status, yiwu.period_end, yiwu.days_left) == ("pro", "active", dt.date(2027, 3, 17), 2)
    assert (guangzhou.code, guangzhou.billing_cycle, guangzhou.period_end) == (
        "enterprise", "annual", dt.date(2027, 12, 4))
    assert (shenzhen.code, shenzhen.status, shenzhen.period_end) == ("pro", "trial", dt.date(2027, 3, 23))
    assert wallet_for(merchants[0]).balance_fen == 500_000 - 9_900
    assert RechargeBonusRule.objects.filter(is_active=True).count() == 4
    assert plans_world.build(merchants=merchants, today=TODAY) == {"subscriptions": 0, "recharge_bonus_rules": 0}
    assert_ledger_consistent()
