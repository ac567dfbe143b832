"""A gold merchant sees its tier and its member price; a pricing operator changes the gold discount."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import Merchant
from parcelhub.carriers.selectors import rating_inputs
from parcelhub.core.money import format_fen
from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from parcelhub.geo.selectors import origin_chain
from parcelhub.marketing.models import MerchantTier, Tier
from parcelhub.marketing.selectors import ensure_programme
from parcelhub.rating.engine import quote_all
from parcelhub.rating.types import Parcel
from parcelhub.simulation.accounts_world import DEMO_PASSWORD, build_people
from parcelhub.simulation.carriers_world import build_carriers_and_cards
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gold_merchant(transactional_db):
    # Transactional tests flush every table afterwards, including what the migrations loaded.
    load_regions(Region)
    build_carriers_and_cards(effective_from=dt.date(2026, 1, 1))
    build_people()
    ensure_programme()
    merchant = Merchant.objects.get(name="义乌优品小商品有限公司")
    MerchantTier.objects.create(merchant=merchant, tier=Tier.objects.get(code="silver"), since=dt.date(2026, 3, 1),
                                ended_on=dt.date(2026, 9, 20), reason="upgrade", average_monthly_shipments=620)
    MerchantTier.objects.create(merchant=merchant, tier=Tier.objects.get(code="gold"), since=dt.date(2026, 9, 20),
                                reason="upgrade", average_monthly_shipments=3150)
    return merchant


def test_gold_merchant_sees_tier_and_member_prices(page, live_server, gold_merchant):
    log_in(page, live_server, "merchant@parcelhub.local", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=Membership")
    assert page.inner_text("#tier-discount") == "6 %"
    assert "Gold" in page.inner_text(".tier-badge")
    history = page.inner_text("#tier-history")
    assert "2026-09-20" in history and "Silver" in history
    page.screenshot(path="/tmp/c1_tier_page.png", full_page=True)

    page.click("nav.mainnav >> text=Compare prices")
    page.fill("#id_destination", "李雷 13912345678 新疆乌鲁木齐市天山区解放南路88号")
    page.fill("#id_weight_kg", "2.3")
    page.click("#compare-form button[type=submit]")
    page.wait_for_selector("#rates-table")
    cheapest = min((q for q in quote_all(Parcel(origin=origin_chain(Region.objects.get(adcode="330782")),
                                                destination_province="650000", weight_g=2300), rating_inputs())
                    if q.eligible), key=lambda q: q.total_fen)
    row = page.locator(f'tr[data-service="{cheapest.carrier}.{cheapest.service}"]')
    row.locator("summary").click()
    text = row.inner_text()
    assert "Gold member discount" in text
    assert format_fen(cheapest.total_fen - cheapest.total_fen * 600 // 10000) in text
    page.screenshot(path="/tmp/c1_compare.png", full_page=True)


def test_pricing_operator_changes_the_gold_discount(page, live_server, gold_merchant):
    log_in(page, live_server, "pricing@parcelhub.local", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/operator/marketing/tiers/")
    page.fill('tr[data-tier="gold"] input[name=discount_percent]', "7.5")
    page.click('tr[data-tier="gold"] button[type=submit]')
    page.wait_for_load_state("networkidle")
    assert "Tier saved." in page.inner_text("body")
    assert Tier.objects.get(code="gold").discount_bp == 750
    page.screenshot(path="/tmp/c1_operator_tiers.png", full_page=True)
    page.click(".tier-tabs >> text=Margin guardrail report")
    page.wait_for_selector("#per-service")
    assert "No label was capped or subsidised in this period." in page.inner_text("#per-service")
    page.screenshot(path="/tmp/c1_margin.png", full_page=True)
