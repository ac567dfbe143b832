"""From a marketplace export to a PDF of labels: import → select → compare → buy all → download."""

from __future__ import annotations

import datetime as dt

import pypdfium2
import pytest

from parcelhub.accounts.models import Merchant
from parcelhub.billing.selectors import wallet_for
from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from parcelhub.orders.models import Order
from parcelhub.shipping.models import Shipment
from parcelhub.simulation.accounts_world import DEMO_MERCHANTS, DEMO_PASSWORD, build_people
from parcelhub.simulation.billing_world import build_wallets
from parcelhub.simulation.carriers_world import build_carriers_and_cards
from tests.browser.conftest import log_in
from tests.orders.files import export

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def merchant(transactional_db):
    load_regions(Region)
    build_carriers_and_cards(effective_from=dt.date(2026, 1, 1))
    build_people()
    merchant = Merchant.objects.get(name=DEMO_MERCHANTS[0][0])
    build_wallets(merchants=[merchant], today=dt.date.today())
    return merchant


def test_import_bulk_buy_and_download_the_labels(page, live_server, merchant, tmp_path):
    content, filename = export("jd", "csv")
    upload = tmp_path / filename
    upload.write_bytes(content)
    log_in(page, live_server, "merchant@parcelhub.local", DEMO_PASSWORD)

    page.goto(f"{live_server.url}/orders/import/")
    page.set_input_files("#id_file", str(upload))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-counts")
    imported = Order.objects.filter(merchant=merchant).count()
    assert imported >= 2

    page.click("text=View orders")
    page.wait_for_selector("#order-table")
    page.check("#order-table thead input[type=checkbox]")
    page.click("#bulk-form button[type=submit]")
    page.wait_for_selector("#bulk-form input[name=rule]")
    page.check("#rule-cheapest")
    balance_before = wallet_for(merchant).balance_fen
    page.click("#bulk-form button[type=submit]")
    page.wait_for_selector("#bulk-summary", timeout=30_000)
    assert f"{imported} labels bought, 0 failed." in page.locator("#bulk-summary").inner_text()

    with page.expect_download() as download_info:
        page.click("#bulk-download")
    pdf = pypdfium2.PdfDocument(download_info.value.path())
    assert len(pdf) == imported
    bought = Shipment.objects.filter(merchant=merchant, status="purchased")
    assert bought.count() == imported
    waybills = {pdf[i].get_textpage().get_text_range() for i in range(len(pdf))}
    assert all(any(s.waybill_no in text for text in waybills) for s in bought)
    assert wallet_for(merchant).balance_fen == balance_before - sum(s.total_fen for s in bought)
