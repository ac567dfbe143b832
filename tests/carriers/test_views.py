from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from parcelhub.accounts.models import OperatorRole
from parcelhub.carriers.models import RateCard
from parcelhub.simulation.carriers_world import build_carriers_and_cards
from tests.carriers.conftest import TODAY, TOMORROW, make_card
from tests.carriers.files import to_csv, valid_rows


@pytest.fixture
def card(today, sf_standard):
    return make_card(sf_standard, "330782", TODAY - dt.timedelta(days=3),
                     lanes={"330000": (1000, 1200, 200, 960, 160, 1), "650000": (1000, 2800, 1800, 2380, 1530, 4)},
                     note="demo")


def page_urls(card) -> list[str]:
    return [
        reverse("carriers:carrier_list"),
        reverse("carriers:ratecard_list"),
        reverse("carriers:ratecard_detail", args=[card.public_id]),
        reverse("carriers:ratecard_upload"),
        reverse("carriers:ratecard_download") + "?format=xlsx",
        reverse("carriers:ratecard_template") + "?format=csv",
    ]


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [OperatorRole.PRICING, OperatorRole.ADMIN])
def test_pricing_operators_and_admins_open_every_page(card, operator_factory, role):
    client = login(operator_factory(role))
    for url in page_urls(card):
        assert client.get(url).status_code == 200, url


def test_support_operators_and_merchant_users_get_403(card, operator_factory, console_a):
    support = login(operator_factory(OperatorRole.SUPPORT))
    for url in page_urls(card):
        assert support.get(url).status_code == 403, url
        assert console_a.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_log_in(card):
    for url in page_urls(card):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login") + "?next="), url


def test_carrier_list_describes_limits_and_rounding_in_words(card, zto_standard, operator_factory):
    response = login(operator_factory(OperatorRole.PRICING)).get(reverse("carriers:carrier_list"))

    html = response.content.decode()
    assert "0.5 kg steps under 100 kg, then 1 kg" in html
    assert "1 kg steps" in html
    assert "300 kg" in html and "6000" in html and "¥20000.00" in html


def test_ratecard_list_shows_current_and_scheduled_cards_with_a_demo_notice(card, sf_standard, operator_factory):
    scheduled = make_card(sf_standard, "330782", TOMORROW)
    response = login(operator_factory(OperatorRole.PRICING)).get(reverse("carriers:ratecard_list"))

    html = response.content.decode()
    assert "since 2027-02-26" in html and "2 lanes" in html
    assert f'href="/operator/carriers/ratecards/{scheduled.public_id}/"' in html and "from 2027-03-02" in html
    assert "illustrative, not the carriers' real tariffs" in html


def test_ratecard_list_query_count_does_not_grow_with_cards(today, operator_factory, django_assert_max_num_queries):
    build_carriers_and_cards(effective_from=TODAY)
    client = login(operator_factory(OperatorRole.PRICING))

    with django_assert_max_num_queries(8):
        response = client.get(reverse("carriers:ratecard_list") + "?carrier=sf")

    assert response.content.decode().count("31 lanes") == 6


def test_ratecard_detail_shows_lanes_margins_and_remote_marks(card, operator_factory):
    response = login(operator_factory(OperatorRole.PRICING)).get(
        reverse("carriers:ratecard_detail", args=[card.public_id]))

    html = response.content.decode()
    assert "In effect" in html
    assert "新疆维吾尔自治区 <span class=\"tag bad\"" in html
    assert "¥28.00" in html and "¥23.80" in html and "¥4.20" in html and "15.0 %" in html


def test_upload_with_errors_shows_each_one_and_saves_nothing(today, sf_standard, zto_standard, operator_factory):
    rows = valid_rows()
    rows[1]["list_first_yuan"] = "12.345"
    upload = SimpleUploadedFile("cards.csv", to_csv(rows), content_type="text/csv")

    response = login(operator_factory(OperatorRole.PRICING)).post(
        reverse("carriers:ratecard_upload"), {"file": upload})

    assert response.status_code == 422
    html = response.content.decode()
    assert "The file has 1 problem(s); nothing was saved." in html
    assert "<td class=\"num\">3</td><td><code>list_first_yuan</code></td><td>&#x27;12.345&#x27; has more than two decimals</td>" in html
    assert RateCard.objects.count() == 0


def test_upload_shows_errors_in_chinese_for_chinese_users(today, sf_standard, zto_standard, operator_factory):
    rows = valid_rows()
    rows[1]["list_first_yuan"] = "12.345"
    client = login(operator_factory(OperatorRole.PRICING))

    response = client.post(reverse("carriers:ratecard_upload"),
                           {"file": SimpleUploadedFile("cards.csv", to_csv(rows))}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "&#x27;12.345&#x27; 超过两位小数" in response.content.decode()


def test_upload_validate_only_then_save(today, sf_standard, zto_standard, operator_factory):
    client = login(operator_factory(OperatorRole.PRICING))
    url = reverse("carriers:ratecard_upload")

    dry = client.post(url, {"file": SimpleUploadedFile("cards.csv", to_csv(valid_rows())), "dry_run": "on"})
    assert dry.status_code == 200
    assert "The file is valid: 2 cards would be saved." in dry.content.decode()
    assert RateCard.objects.count() == 0

    saved = client.post(url, {"file": SimpleUploadedFile("cards.csv", to_csv(valid_rows()))})
    assert saved.status_code == 200
    assert "Saved 2 cards." in saved.content.decode()
    assert RateCard.objects.count() == 2
    assert set(RateCard.objects.values_list("created_by__operator_role", flat=True)) == {OperatorRole.PRICING}


def test_download_one_card_or_the_cards_in_effect(card, sf_standard, operator_factory):
    make_card(sf_standard, "330782", TOMORROW)
    client = login(operator_factory(OperatorRole.PRICING))
    url = reverse("carriers:ratecard_download")

    one = client.get(url, {"card": card.public_id, "format": "csv"})
    today_file = client.get(url, {"format": "csv"})
    tomorrow_file = client.get(url, {"format": "csv", "on": "2027-03-02"})
    xlsx = client.get(url, {"format": "xlsx"})

    assert one["Content-Disposition"] == f'attachment; filename="ratecard-{card.public_id}.csv"'
    assert one.content == today_file.content
    assert one.content.decode("utf-8-sig").count("\r\n") == 3
    assert ",2027-03-02," in tomorrow_file.content.decode("utf-8-sig")
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx.content.startswith(b"PK")
    assert client.get(url, {"format": "pdf"}).status_code == 400
    assert client.get(url, {"on": "tomorrow"}).status_code == 400
    assert client.get(url, {"card": "rc_missing"}).status_code == 404


def test_a_scheduled_card_can_be_withdrawn_but_not_one_in_effect(card, sf_standard, operator_factory):
    scheduled = make_card(sf_standard, "330782", TOMORROW)
    client = login(operator_factory(OperatorRole.PRICING))

    client.post(reverse("carriers:ratecard_cancel", args=[scheduled.public_id]))
    response = client.post(reverse("carriers:ratecard_cancel", args=[card.public_id]))

    assert list(RateCard.objects.all()) == [card]
    assert response.status_code == 302
    assert client.get(reverse("carriers:ratecard_detail", args=[scheduled.public_id])).status_code == 404
