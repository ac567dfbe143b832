"""A merchant imports a marketplace export, watches it finish, then finds an order with the live search."""

from __future__ import annotations

import pytest

from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from parcelhub.orders.models import Order
from parcelhub.simulation.accounts_world import DEMO_PASSWORD, build_people
from tests.browser.conftest import log_in
from tests.orders.files import export

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(transactional_db):
    # Transactional tests flush every table afterwards, including the regions the migrations loaded.
    load_regions(Region)
    build_people()


def test_merchant_imports_an_export_and_searches_the_list(page, live_server, people, tmp_path):
    content, filename = export("douyin", "xlsx")
    upload = tmp_path / filename
    upload.write_bytes(content)
    log_in(page, live_server, "merchant@parcelhub.local", DEMO_PASSWORD)

    page.goto(f"{live_server.url}/orders/import/")
    page.set_input_files("#id_file", str(upload))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-counts")
    assert page.locator("#count-created").inner_text() == "2"
    assert page.locator("#import-progress").get_attribute("value") == "3"

    page.click("text=View orders")
    page.wait_for_selector("#order-table")
    assert page.locator("#order-table tbody tr").count() == 2
    page.fill("#id_q", "周雨婷")
    page.wait_for_function("document.querySelectorAll('#order-table tbody tr').length === 1")
    assert "6929876543210987654" in page.locator("#order-table tbody").inner_text()
    assert "q=" in page.url   # htmx kept the search in the address bar
    page.check("#order-table tbody input[name=order]")
    order = Order.objects.get(external_id="6929876543210987654")
    assert page.locator("#order-table tbody input[name=order]").get_attribute("value") == order.public_id
