"""An account manager opens the churn alert board, filters it to the automated offers, marks one recovered, and
reads the outcomes report."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from parcelhub.accounts.models import OperatorRole, User
from parcelhub.core import clock
from parcelhub.crm.churn.models import AlertState, ChurnAlert
from parcelhub.crm.churn.services import churn_scan_run
from tests.browser.conftest import log_in
from tests.churn.conftest import write_days
from tests.conftest import make_merchant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests-1"


@pytest.fixture
def alerts(transactional_db):
    User.objects.create_user("am@ops.example", PASSWORD, name="客户经理", operator_role=OperatorRole.ACCOUNT_MANAGER)
    last = clock.today() - dt.timedelta(days=1)
    rng = np.random.default_rng(3)
    for name, email, level, stopped_days in (("广州衣橱服饰", "w@a.example", 60, 6), ("义乌小饰品", "t@b.example", 6, 9),
                                             ("深圳数码", "f@c.example", 40, 0)):
        merchant, _ = make_merchant(name, email)
        series = rng.poisson(level, 240).astype(float)
        if stopped_days:
            series[-stopped_days:] = 0
        write_days(merchant, series, last=last)
    churn_scan_run(today=clock.today())
    return {a.merchant.name: a for a in ChurnAlert.objects.select_related("merchant")}


def test_board_filter_outcome_and_report(page, live_server, alerts):
    assert set(alerts) == {"广州衣橱服饰", "义乌小饰品"}
    log_in(page, live_server, "am@ops.example", PASSWORD)
    page.goto(f"{live_server.url}/operator/churn/")
    assert page.locator("#churn-alerts tbody tr.churn-row").count() == 2
    page.screenshot(path="/tmp/churn_board.png", full_page=True)
    page.select_option("select[name=action]", "offer")
    page.wait_for_function("document.querySelectorAll('#churn-alerts tbody tr.churn-row').length === 1")
    offer = alerts["义乌小饰品"]
    row = page.locator(f"#alert-{offer.public_id}")
    assert "Automated retention offer" in row.inner_text()
    row.locator("button[value=recovered]").click()
    page.wait_for_selector(f"#alert-{offer.public_id} .tag.outcome-recovered")
    offer.refresh_from_db()
    assert (offer.state, offer.outcome_on) == (AlertState.RECOVERED, clock.today())
    page.screenshot(path="/tmp/churn_board_after.png", full_page=True)
    page.click("text=Outcomes")
    page.wait_for_load_state("networkidle")
    cells = [row.lower() for row in page.locator("#by-action tbody tr").all_inner_texts()]  # th are upper-cased
    assert cells == ["automated retention offer\t1\t0\t1\t0\t0\t100%", "account-manager task\t1\t1\t0\t0\t0\t—"]
    page.screenshot(path="/tmp/churn_report.png", full_page=True)
