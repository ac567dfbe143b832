from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.carriers import ratecard_files
from parcelhub.carriers.models import RateCard
from parcelhub.carriers.selectors import cards_for_export
from parcelhub.core import clock
from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from parcelhub.simulation.accounts_world import DEMO_PASSWORD, build_people
from parcelhub.simulation.carriers_world import build_carriers_and_cards
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_world(transactional_db):
    load_regions(Region)
    build_carriers_and_cards(effective_from=dt.date(2026, 1, 1))
    build_people()


def _sf_yiwu_rows_for(day: dt.date, first_yuan: str) -> list[dict[str, str]]:
    card = next(c for c in cards_for_export() if c.service.key == "sf.standard" and c.origin_id == "330782")
    rows = ratecard_files.card_rows(card)
    for row in rows:
        row["effective_from"] = day.isoformat()
        row["list_first_yuan"] = first_yuan
    return rows


def test_pricing_operator_uploads_a_scheduled_card(page, live_server, demo_world, tmp_path):
    tomorrow = clock.today() + dt.timedelta(days=1)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(ratecard_files.render_csv(_sf_yiwu_rows_for(tomorrow, "12.345")))
    good = tmp_path / "good.xlsx"
    good.write_bytes(ratecard_files.render_xlsx(_sf_yiwu_rows_for(tomorrow, "13.50")))

    log_in(page, live_server, "pricing@parcelhub.local", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=Rate cards")
    page.click("a[href$='/ratecards/upload/']")

    page.set_input_files("input[name=file]", str(bad))
    page.click("main form button[type=submit]")
    errors = page.locator("#upload-errors tbody tr")
    assert errors.count() == 31
    assert "'12.345' has more than two decimals" in errors.nth(0).inner_text()
    assert errors.nth(0).locator("td").nth(0).inner_text() == "2"
    assert RateCard.objects.filter(effective_from=tomorrow).count() == 0

    page.set_input_files("input[name=file]", str(good))
    page.click("main form button[type=submit]")
    assert "Saved 1 card." in page.locator("#upload-result").inner_text()
    card = RateCard.objects.get(effective_from=tomorrow)
    assert card.lanes.filter(list_first_fen=1350).count() == 31

    page.click("#upload-result >> text=View")
    assert "Scheduled" in page.locator("main").inner_text()
