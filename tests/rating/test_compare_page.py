from __future__ import annotations

import pytest
from django.test import Client

from tests.rating.world import build_small_world

pytestmark = pytest.mark.django_db

QUERY = {"origin": "浙江省义乌市稠城街道工人北路1号", "destination": "王五 13700000000 新疆乌鲁木齐市天山区解放南路88号",
         "weight_kg": "2.3"}


@pytest.fixture
def world(db):
    return build_small_world()


def test_page_works_without_javascript(console_a, world):
    response = console_a.get("/rates/", QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    table = html[html.index('id="rates-table"'):]
    assert table.index("zto.standard") < table.index("sf.standard")
    assert "¥38.70" in table and "¥58.00" in table
    assert "Remote-area surcharge" in table


def test_htmx_request_gets_only_the_results(console_a, world):
    response = console_a.get("/rates/", QUERY, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert html.count("<tr class=\"eligible\"") == 2


def test_picking_a_province_instead_of_pasting(console_a, world):
    response = console_a.get("/rates/", {"origin": QUERY["origin"], "province": "440000", "weight_kg": "1"})
    html = response.content.decode()
    assert "¥18.00" in html
    assert "Does not deliver to this province from here" in html


def test_empty_form_shows_no_table_and_bad_address_shows_error(console_a, world):
    assert 'id="rates-table"' not in console_a.get("/rates/").content.decode()
    response = console_a.get("/rates/", {**QUERY, "destination": "随便写的地方"})
    assert 'id="quote-error"' in response.content.decode()
    response = console_a.get("/rates/", {**QUERY, "weight_kg": "-1"})
    assert 'id="rates-table"' not in response.content.decode()


def test_only_merchant_users_open_the_page(operator_factory, client):
    assert client.get("/rates/")["Location"].startswith("/login")
    operator = Client()
    operator.force_login(operator_factory("pricing"))
    assert operator.get("/rates/").status_code == 403
