"""CRM in the browser: a marketing operator narrows the merchant list to 义乌's long tail, opens a merchant's 360,
adds a note that lands on its timeline, then builds a saved segment while the live count follows the ticks."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import Merchant, OperatorRole, User
from parcelhub.core import clock
from parcelhub.crm.models import Activity, Segment
from parcelhub.crm.services import profiles_refresh
from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from parcelhub.insights.models import MerchantDay
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-browser-1"


@pytest.fixture
def world(transactional_db):
    load_regions(Region)
    User.objects.create_user("marketing@ops.example", PASSWORD, name="市场", operator_role=OperatorRole.MARKETING)
    today = clock.today()
    shops = {}
    for name, origin, per_day in (("义乌小商品长尾", "330782", 3), ("义乌饰品头部", "330782", 150),
                                  ("广州服饰长尾", "440106", 2)):
        shops[name] = Merchant.objects.create(name=name, contact_name="店主", phone="13800000000",
                                              origin_region_id=origin, industry="small_commodities")
        MerchantDay.objects.bulk_create([MerchantDay(merchant=shops[name], day=today - dt.timedelta(days=d),
                                                     shipments=per_day, revenue_fen=per_day * 700)
                                         for d in range(60)])
    profiles_refresh()
    return shops


def test_filter_open_360_add_note_and_save_a_segment(page, live_server, world):
    log_in(page, live_server, "marketing@ops.example", PASSWORD)
    page.goto(f"{live_server.url}/operator/merchants/")
    assert page.locator("#merchants tbody tr").count() == 3
    page.click("#merchant-filters summary")
    page.check("input[name=belt][value=yiwu]")
    page.check("input[name=volume_band][value=long_tail]")
    page.click("#merchant-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    rows = page.locator("#merchants tbody tr")
    assert rows.count() == 1 and "义乌小商品长尾" in rows.first.inner_text()
    page.screenshot(path="/tmp/crm_browser_list.png", full_page=True)

    rows.first.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#band").inner_text() == "Long tail"
    assert page.locator("#rfm").inner_text() == "522"      # shipped today; 270 in 90 days; ¥1,890
    page.fill("#f-note", "地推回访：想要义乌仓上门揽件")
    page.click("#note-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "地推回访：想要义乌仓上门揽件" in page.locator("#timeline .crm-timeline").inner_text()
    assert Activity.objects.get().kind == "note"
    page.screenshot(path="/tmp/crm_browser_360.png", full_page=True)

    page.goto(f"{live_server.url}/operator/segments/new/")
    page.fill("#f-name", "义乌商家")
    assert page.locator("#live-count").inner_text() == "3 merchants match now"
    page.check("input[name=belt][value=yiwu]")
    page.wait_for_function("document.querySelector('#live-count').innerText.startsWith('2 ')")
    page.check("input[name=volume_band][value=head]")
    page.wait_for_function("document.querySelector('#live-count').innerText.startsWith('1 ')")
    assert page.locator("#live-count").inner_text() == "1 merchant matches now"
    page.screenshot(path="/tmp/crm_browser_segment.png", full_page=True)
    page.click("#segment-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert Segment.objects.get().definition == {"volume_band": ["head"], "belt": ["yiwu"]}
    assert "义乌商家" in page.locator("#segments").inner_text()
