"""Issue 6's browser test: an account manager opens the workbench, opens the top churn task, logs a call with a
coupon offer, and the merchant's timeline (the 360 page) shows it."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import Merchant, OperatorRole, User
from parcelhub.core import clock
from parcelhub.crm.workbench.models import Assignment, MerchantValue, TaskAction
from parcelhub.crm.workbench.services import task_open
from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from parcelhub.marketing.promotions.models import CouponGrant
from parcelhub.marketing.promotions.services import coupon_create
from parcelhub.simulation.accounts_world import DEMO_MERCHANTS, DEMO_PASSWORD, build_people
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    load_regions(Region)
    build_people()
    am = User.objects.create_user("am@parcelhub.local", DEMO_PASSWORD, name="王磊",
                                  operator_role=OperatorRole.ACCOUNT_MANAGER)
    big, small, third = (Merchant.objects.get(name=m[0]) for m in DEMO_MERCHANTS)
    now = clock.now()
    for merchant, clv in ((big, 2_400_000), (small, 300_000), (third, 90_000)):
        Assignment.objects.create(merchant=merchant, manager=am, assigned_at=now)
        MerchantValue.objects.create(merchant=merchant, clv_fen=clv, p_alive=0.7, expected_active_weeks=35,
                                     margin_per_week_fen=clv // 35, frequency=50, recency_weeks=50, age_weeks=52,
                                     as_of=clock.today(), computed_at=now)
    task_open(merchant=small, kind="churn", title="Churn risk: volume −40% vs baseline", reason="over 12 days",
              source_ref="chn_small", value_at_risk_fen=120_000)
    top = task_open(merchant=big, kind="churn", title="Churn risk: volume −62% vs baseline", reason="over 9 days",
                    source_ref="chn_big", value_at_risk_fen=1_500_000)
    task_open(merchant=third, kind="renewal", title="Plan renewal: Pro", reason="10 days left",
              due_on=clock.today() + dt.timedelta(days=10), value_at_risk_fen=9_900)
    coupon = coupon_create(name="挽留红包 ¥20", amount_off_fen=2_000, valid_from=now - dt.timedelta(days=1),
                           valid_until=now + dt.timedelta(days=30))
    return {"am": am, "top": top, "coupon": coupon}


def test_account_manager_logs_a_call_with_a_coupon_offer(page, live_server, world):
    top, coupon = world["top"], world["coupon"]
    log_in(page, live_server, "am@parcelhub.local", DEMO_PASSWORD)
    # The post-login landing page is the carriers list, which only pricing operators may open; go to the
    # workbench through its navigation entry from the merchant list, a page account managers share.
    page.goto(f"{live_server.url}/operator/merchants/")
    page.click("nav.mainnav >> text=Workbench")
    page.wait_for_selector("#task-queue")
    page.screenshot(path="/tmp/am_queue.png", full_page=True)
    rows = page.locator("#task-queue tbody tr")
    assert rows.count() == 3
    # The top churn task is the first row: the biggest value at risk.
    first = page.locator("#task-queue tbody tr[data-kind=churn]").first
    assert first.get_attribute("data-task") == top.public_id
    first.locator("a.wb-task-link").click()
    page.wait_for_selector("#playbook")
    assert "Find out why shipping dropped" in page.inner_text("#playbook")

    page.select_option("#id_outcome", "offer_made")
    page.fill("#id_note", "Owner says a competitor quoted ¥0.5 less to 广东; offered the retention coupon")
    page.fill("#id_follow_up_on", (clock.today() + dt.timedelta(days=3)).isoformat())
    page.select_option("#id_coupon", coupon.public_id)
    page.screenshot(path="/tmp/am_task_form.png", full_page=True)
    page.click("#log-submit")
    page.wait_for_selector("#task-history")
    history = page.inner_text("#task-history")
    assert "Offer made" in history and coupon.public_id in history
    page.screenshot(path="/tmp/am_task_logged.png", full_page=True)

    action = TaskAction.objects.get(task=top)
    assert (action.outcome, action.coupon_ref, action.actor.email) == ("offer_made", coupon.public_id,
                                                                       "am@parcelhub.local")
    assert CouponGrant.objects.get(merchant=top.merchant).source == top.public_id

    page.click("#merchant-link")
    page.wait_for_selector("#timeline")
    timeline = page.inner_text("#timeline")
    assert "Offer made: Churn risk: volume −62% vs baseline" in timeline
    assert coupon.public_id in timeline and "offered the retention coupon" in timeline
    page.locator("#timeline").screenshot(path="/tmp/am_timeline.png")
