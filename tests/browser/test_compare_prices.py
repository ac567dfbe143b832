from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.carriers.selectors import rating_inputs
from parcelhub.core.money import format_fen
from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from parcelhub.geo.selectors import origin_chain
from parcelhub.rating.engine import quote_all
from parcelhub.rating.types import Parcel
from parcelhub.simulation.accounts_world import DEMO_PASSWORD, build_people
from parcelhub.simulation.carriers_world import build_carriers_and_cards
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_world(transactional_db):
    # Transactional tests flush every table afterwards, including the regions the migrations loaded.
    load_regions(Region)
    build_carriers_and_cards(effective_from=dt.date(2026, 1, 1))
    build_people()


def test_merchant_compares_prices_in_the_browser(page, live_server, demo_world):
    log_in(page, live_server, "merchant@parcelhub.local", DEMO_PASSWORD)
    assert page.url.endswith("/orders/")
    page.click("nav.mainnav >> text=Compare prices")

    page.fill("#id_destination", "李雷 13912345678 新疆乌鲁木齐市天山区解放南路88号")
    page.fill("#id_weight_kg", "2.3")
    page.click("#compare-form button[type=submit]")
    page.wait_for_selector("#rates-table")

    expected = quote_all(
        Parcel(origin=origin_chain(Region.objects.get(adcode="330782")), destination_province="650000",
               weight_g=2300),
        rating_inputs(),
    )
    eligible = [q for q in expected if q.eligible]
    rows = page.locator("#rates-table tbody tr.eligible")
    assert rows.count() == len(eligible) > 0
    first = rows.nth(0)
    assert first.get_attribute("data-service") == f"{eligible[0].carrier}.{eligible[0].service}"
    assert first.locator(".price").inner_text() == format_fen(eligible[0].total_fen)
    assert "Cheapest" in first.inner_text()
    # The remote surcharge for Xinjiang shows in the breakdown once opened.
    first.locator("summary").click()
    assert "Remote-area surcharge" in first.locator(".breakdown").inner_text()
    # htmx swapped the results in place and kept the query in the address bar.
    assert "weight_kg=2.3" in page.url


def test_language_switch_to_chinese(page, live_server, demo_world):
    log_in(page, live_server, "merchant@parcelhub.local", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/rates/")
    page.click("button[name=language][value=zh-hans]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "比较快递价格"
