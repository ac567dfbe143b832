"""NPS on the tracking page: only after delivery, one answer per parcel (the first stands), and the results."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from parcelhub.core import clock
from parcelhub.shipping.models import Shipment
from parcelhub.tracking.models import NpsResponse, Tracking
from parcelhub.tracking.page_selectors import NpsSummary, nps_by_carrier, nps_summary
from parcelhub.tracking.page_services import nps_answer
from parcelhub.tracking.status import Status
from tests.tracking.test_public_page import move, page, parcel  # noqa: F401

pytestmark = pytest.mark.django_db


def deliver(shipment: Shipment) -> None:
    move(shipment, (0, Status.PICKED_UP, "快件已揽收", "义乌市"), (30, Status.DELIVERED, "已签收，本人签收", "杭州市西湖区"))


def answer(shipment: Shipment, score="9", comment="", channel="page", htmx=False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return Client().post(f"/t/{shipment.public_id}/nps", {"score": score, "comment": comment, "channel": channel},
                         **headers)


def test_before_delivery_the_page_does_not_ask_and_answers_are_refused(parcel):  # noqa: F811
    move(parcel, (0, Status.OUT_FOR_DELIVERY, "派件中", "杭州市"))
    assert 'id="nps"' not in page(parcel)
    response = answer(parcel, "10")
    assert response.status_code == 409
    assert "You can rate the delivery once the parcel has been delivered." in response.content.decode()
    assert NpsResponse.objects.count() == 0


def test_after_delivery_the_page_asks_and_accepts_one_answer(parcel):  # noqa: F811
    deliver(parcel)
    html = page(parcel)
    assert "How likely are you to recommend 义乌小商品有限公司 to a friend?" in html
    assert '<input type="hidden" name="channel" value="page">' in html
    assert 'id="eta"' not in html
    assert '<p class="tp-eta" id="delivered-at">Signed for on 11-21 23:00</p>' in html
    assert '<meta name="theme-color" content="#0f6fde">' in html
    response = answer(parcel, "9", "  很快，包装完好  ")
    assert (response.status_code, response["Location"]) == (302, f"/t/{parcel.public_id}#nps")
    row = NpsResponse.objects.get()
    assert (row.merchant_id, row.shipment_id, row.carrier_code, row.score, row.comment, row.channel) == (
        parcel.merchant_id, parcel.pk, parcel.carrier_code, 9, "很快，包装完好", "page")
    assert "You rated this delivery 9 out of 10." in page(parcel)


def test_a_second_answer_is_refused_and_the_first_stands(parcel):  # noqa: F811
    deliver(parcel)
    answer(parcel, "3")
    second = answer(parcel, "10", "改主意了")
    assert second.status_code == 409
    assert "This parcel has already been rated." in second.content.decode()
    assert list(NpsResponse.objects.values_list("score", "comment")) == [(3, "")]


def test_the_notification_link_opens_the_question_and_marks_the_channel(parcel):  # noqa: F811
    deliver(parcel)
    html = page_with(parcel, "?nps=1")
    assert 'class="tp-card tp-nps tp-focus"' in html
    assert '<input type="hidden" name="channel" value="notification">' in html
    answer(parcel, "10", channel="notification")
    assert NpsResponse.objects.get().channel == "notification"


def page_with(shipment, query: str) -> str:
    response = Client().get(f"/t/{shipment.public_id}{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_htmx_answer_swaps_in_the_thanks(parcel):  # noqa: F811
    deliver(parcel)
    response = answer(parcel, "7", htmx=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<section class="tp-card tp-nps" id="nps">')
    assert "You rated this delivery 7 out of 10." in html


@pytest.mark.parametrize("score", ["11", "-1", "", "nine", "9.5"])
def test_bad_scores_are_refused(parcel, score):  # noqa: F811
    deliver(parcel)
    response = answer(parcel, score)
    assert response.status_code == 400
    assert "The score must be a whole number from 0 to 10." in response.content.decode()
    assert NpsResponse.objects.count() == 0


def test_unknown_channel_is_recorded_as_page(parcel):  # noqa: F811
    deliver(parcel)
    answer(parcel, "8", channel="spoofed")
    assert NpsResponse.objects.get().channel == "page"


def test_unknown_parcel_is_404():
    assert Client().post("/t/shp_nope/nps", {"score": "9"}).status_code == 404


def test_nps_math():
    assert NpsSummary().score is None
    assert NpsSummary(responses=4, promoters=2, passives=1, detractors=1).score == Decimal("25.0")
    assert NpsSummary(responses=3, promoters=1, passives=0, detractors=2).score == Decimal("-33.3")
    assert NpsSummary(responses=3, promoters=2, passives=1, detractors=0).score == Decimal("66.7")
    assert NpsSummary(responses=2, promoters=0, passives=0, detractors=2).score == Decimal("-100.0")


def fake_answers(shipment: Shipment, scores: list[int], carrier: str | None = None) -> None:
    """Answers for copies of a delivered parcel (one answer per parcel), to test the aggregation."""
    for i, score in enumerate(scores):
        copy = Shipment.objects.get(pk=shipment.pk)
        copy.pk, copy.public_id = None, f"{shipment.public_id}x{carrier or ''}{i}"
        copy.waybill_no = f"{shipment.waybill_no}{carrier or ''}{i}"
        copy.carrier_code = carrier or shipment.carrier_code
        copy.save()
        Tracking.objects.create(shipment=copy, carrier_code=copy.carrier_code, waybill_no=copy.waybill_no,
                                status=Status.DELIVERED, progress=Status.DELIVERED, delivered_at=clock.now())
        nps_answer(shipment=copy, score=score, comment=f"c{i}")


def test_results_per_merchant_and_per_carrier(parcel, merchant_b):  # noqa: F811
    fake_answers(parcel, [10, 9, 8, 6, 0], carrier="zto")    # 2 promoters, 1 passive, 2 detractors: 0.0
    fake_answers(parcel, [10, 10, 7], carrier="sf")          # 2 promoters, 1 passive: 66.7
    summary = nps_summary(merchant=parcel.merchant)
    assert (summary.responses, summary.promoters, summary.passives, summary.detractors, summary.score) == (
        8, 4, 2, 2, Decimal("25.0"))
    rows = [(r.label, r.responses, r.score) for r in nps_by_carrier(merchant=parcel.merchant)]
    assert rows == [("ZTO Express", 5, Decimal("0.0")), ("SF Express", 3, Decimal("66.7"))]
    assert nps_summary(merchant=merchant_b[0]).responses == 0
    assert nps_by_carrier(merchant=merchant_b[0]) == []
