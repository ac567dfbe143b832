"""A bought label is subscribed at 快递鸟 after the purchase commits — only when an account is configured."""

from __future__ import annotations

import pytest

from tests.fakes.kdniao_server import FakeKdniao
from tests.shipping.conftest import AD_HOC_BODY, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(settings):
    server = FakeKdniao(ebusiness_id="1234567", app_key="test-app-key").start()
    settings.KDNIAO_EBUSINESS_ID, settings.KDNIAO_APP_KEY, settings.KDNIAO_API_URL = (
        "1234567", "test-app-key", server.url)
    yield server
    server.stop()


def test_buying_a_label_subscribes_it(api_a, funded, fake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        shipment = post(api_a, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest"}}).json()
    assert [(s["ShipperCode"], s["LogisticCode"], s["CallBack"], s["CustomerName"]) for s in fake.subscriptions] == [
        ("ZTO", shipment["waybill_no"], shipment["id"], "8000")]
    assert fake.refused == []


def test_without_an_account_nothing_is_sent(api_a, funded, settings, django_capture_on_commit_callbacks):
    settings.KDNIAO_APP_KEY = ""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(api_a, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest"}})
    assert not [c for c in callbacks if "subscribe" in c.__qualname__]
