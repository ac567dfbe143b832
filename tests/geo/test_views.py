from __future__ import annotations

import pytest
from django.test import Client

from parcelhub.accounts.models import OperatorRole
from parcelhub.core.models import AuditLog
from parcelhub.geo.models import Region

pytestmark = pytest.mark.django_db

URL = "/geo/remote-regions"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_page_lists_the_31_provinces(operator_factory, django_assert_max_num_queries):
    client = _client(operator_factory(OperatorRole.PRICING))
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<tr id="region-') == 31
    assert "remote-area surcharge" in html
    assert html.count("Mark as standard") == 7


def test_pricing_operator_toggles(operator_factory):
    actor = operator_factory(OperatorRole.PRICING)
    client = _client(actor)
    response = client.post(URL, {"adcode": "330000", "is_remote": "1"})
    assert response.status_code == 302 and response.url == URL
    assert Region.objects.get(adcode="330000").is_remote is True
    response = client.post(URL, {"adcode": "650000", "is_remote": "0"}, follow=True)
    assert "新疆维吾尔自治区 is no longer a remote destination." in response.content.decode()
    assert Region.objects.get(adcode="650000").is_remote is False
    assert list(AuditLog.objects.order_by("id").values_list("action", "target_id", "actor")) == [
        ("region.set_remote", "330000", actor.pk), ("region.set_remote", "650000", actor.pk)]


def test_htmx_toggle_returns_the_row(operator_factory):
    client = _client(operator_factory(OperatorRole.ADMIN))
    response = client.post(URL, {"adcode": "330000", "is_remote": "1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<tr id="region-330000">')
    assert "Mark as standard" in html


def test_only_provinces_can_be_toggled(operator_factory):
    client = _client(operator_factory(OperatorRole.PRICING))
    assert client.post(URL, {"adcode": "330782", "is_remote": "1"}).status_code == 404
    assert client.post(URL, {"adcode": "nope", "is_remote": "1"}).status_code == 404
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize("who", ["support", "merchant"])
def test_others_are_refused_and_nothing_changes(who, operator_factory, merchant_a):
    user = operator_factory(OperatorRole.SUPPORT) if who == "support" else merchant_a[1]
    client = _client(user)
    before = set(Region.objects.filter(is_remote=True).values_list("adcode", flat=True))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"adcode": "330000", "is_remote": "1"}).status_code == 403
    assert client.post(URL, {"adcode": "650000", "is_remote": "0"}).status_code == 403
    assert set(Region.objects.filter(is_remote=True).values_list("adcode", flat=True)) == before
    assert not AuditLog.objects.exists()


def test_anonymous_is_sent_to_login(db):
    response = Client().post(URL, {"adcode": "330000", "is_remote": "1"})
    assert response.status_code == 302 and "login" in response.url
    assert Region.objects.get(adcode="330000").is_remote is False


def test_options_for_a_parent(console_a):
    response = console_a.get("/geo/options", {"parent": "330000"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<option value="">—</option>')
    assert html.count("<option") == 12
    assert '<option value="330700">金华市</option>' in html


def test_options_from_the_htmx_select(console_a):
    html = console_a.get("/geo/options", {"province": "110000"}, HTTP_HX_REQUEST="true",
                         HTTP_HX_TRIGGER_NAME="province").content.decode()
    assert '<option value="110100">北京市</option>' in html and html.count("<option") == 2
    html = console_a.get("/geo/options", {"city": "330700"}, HTTP_HX_REQUEST="true",
                         HTTP_HX_TRIGGER_NAME="city").content.decode()
    assert '<option value="330782">义乌市</option>' in html and html.count("<option") == 10
    html = console_a.get("/geo/options", {"dest_city": "330700"}, HTTP_HX_REQUEST="true",
                         HTTP_HX_TRIGGER_NAME="dest_city").content.decode()
    assert html.count("<option") == 10


def test_options_placeholder_only_without_parent_and_404_for_unknown(console_a):
    assert console_a.get("/geo/options", {"city": ""}).content.decode().strip() == '<option value="">—</option>'
    assert console_a.get("/geo/options", {"parent": "999999"}).status_code == 404


def test_options_for_operators_too_but_not_anonymous(operator_factory):
    assert _client(operator_factory(OperatorRole.SUPPORT)).get("/geo/options", {"parent": "330000"}).status_code == 200
    response = Client().get("/geo/options", {"parent": "330000"})
    assert response.status_code == 302 and "login" in response.url
