"""A Free merchant touches the tracking-page designer, gets the upgrade page, starts the Pro trial, then buys
Pro monthly and upgrades to Enterprise seeing the proration before confirming; an operator sees the counts."""

from __future__ import annotations

import pytest

from parcelhub.accounts.models import Merchant, OperatorRole, User
from parcelhub.billing.selectors import wallet_for
from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from parcelhub.plans.selectors import current_plan
from parcelhub.simulation.accounts_world import DEMO_MERCHANTS, DEMO_PASSWORD, build_people
from tests.billing.conftest import fund
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def merchant(transactional_db, settings):
    settings.PAYMENT_SANDBOX_ENABLED = True
    load_regions(Region)
    build_people()
    merchant = Merchant.objects.get(name=DEMO_MERCHANTS[0][0])
    fund(merchant, 100_000)
    return merchant


def test_upgrade_page_trial_then_paid_plan_with_proration(page, live_server, merchant):
    log_in(page, live_server, DEMO_MERCHANTS[0][-1], DEMO_PASSWORD)
    page.goto(f"{live_server.url}/tracking/page/")
    assert page.inner_text("#upgrade h1") == "Branded tracking page is not in your plan"
    page.screenshot(path="/tmp/plans_upgrade.png", full_page=True)
    page.click("text=Try it free for 14 days")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#plan-status") == "Free trial"
    page.goto(f"{live_server.url}/tracking/page/")
    assert page.locator("#preview").count() == 1          # the designer opens during the trial

    page.goto(f"{live_server.url}/settings/plan/")
    page.click("#compare a[href*='plan=pro&cycle=monthly']")
    assert page.inner_text("#quote-due") == "¥99.00"
    page.click("#confirm button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#plan-name") == "Pro"
    page.click("#compare a[href*='plan=enterprise&cycle=monthly']")
    # Bought today: the whole period is unused, so all of ¥99.00 is credited.
    assert page.inner_text("#quote-price") == "¥499.00"
    assert page.inner_text("#quote-due") == "¥400.00"
    page.screenshot(path="/tmp/plans_change.png", full_page=True)
    page.click("#confirm button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#plan-name") == "Enterprise"
    assert page.locator("#billing-history tbody tr").count() == 3
    page.screenshot(path="/tmp/plans_page.png", full_page=True)
    assert current_plan(merchant).code == "enterprise"
    assert wallet_for(merchant).balance_fen == 100_000 - 9_900 - 40_000


def test_operator_sees_subscribers_per_plan(page, live_server, merchant):
    from parcelhub.plans.services import trial_start

    trial_start(merchant=merchant)
    User.objects.create_user("mkt@ops.example", DEMO_PASSWORD, operator_role=OperatorRole.MARKETING)
    log_in(page, live_server, "mkt@ops.example", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/operator/plans/")
    assert page.inner_text("#plan-pro .plan-count-trial") == "1"
    assert "Branded tracking page" in page.inner_text("#plan-pro")
    page.click("text=New recharge bonus")
    page.fill("#id_name", "充500送20")
    page.fill("#id_min_recharge", "500")
    page.fill("#id_bonus", "20")
    page.click("#bonus-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "充500送20" in page.inner_text("#bonus-rules")
    page.screenshot(path="/tmp/plans_operator.png", full_page=True)
