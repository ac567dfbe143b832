"""The merchant 360 page: profile, volume, carrier mix, cost structure, notes, upsell offers, timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from parcelhub.accounts.models import Industry
from parcelhub.core import clock
from parcelhub.crm.models import Activity, UpsellOffer
from parcelhub.crm.services import activity_log
from parcelhub.insights.models import MerchantDay
from parcelhub.orders.models import Sku
from parcelhub.shipping.services import shipment_buy, shipment_from_order
from tests.shipping.conftest import funded, make_order, world  # noqa: F401


@pytest.fixture
def am(operator_factory):
    client = Client()
    client.force_login(operator_factory("account_manager"))
    return client


@pytest.fixture
def shipper(funded):  # noqa: F811
    for n in range(3):
        shipment_buy(shipment=shipment_from_order(order=make_order(funded, f"T-{n}")), rule="cheapest")
    today = clock.today()
    # The rollup for 40 days: 20 a day in the 30 days before the last 10, then 5 a day.
    MerchantDay.objects.bulk_create([MerchantDay(merchant=funded, day=today - dt.timedelta(days=d),
                                                 shipments=5 if d < 10 else 20, revenue_fen=4000)
                                     for d in range(40)])
    funded.industry = Industry.FOOD
    funded.save()
    Sku.objects.create(merchant=funded, code="F-1", name="冷冻水饺 1kg")
    return funded


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_360_shows_profile_mix_costs_and_recommendations(am, shipper):
    html = text(am.get(f"/operator/merchants/{shipper.public_id}/"))
    # 30-day volume 10×5 + 20×20 = 450: a waist merchant.
    assert '<span class="tag band-waist" id="band">Waist</span>' in html
    assert "450 parcels in the last 30 days, 200 in the 30 before." in html
    assert "Yiwu" in html
    assert "Volume +125% against the previous 30 days." in html      # 450 against 10 days × 20
    # Three ZTO labels at ¥8.00 plus ¥2.00 insurance (cost ¥3.50): ¥30.00 paid, margin ¥19.50.
    assert ('<tr><td>ZTO Express</td><td class="num">3</td><td class="num">¥30.00</td><td class="num">¥10.00</td>'
            '<td class="num">¥19.50</td></tr>') in html
    # ¥5.00 first weight + ¥0.25 fuel topped up to the ¥8.00 minimum, plus insurance, three times.
    costs = html[html.index('id="cost-structure"'):html.index('id="onboarding"')]
    assert costs.count("<tr>") == 4
    assert [line in costs for line in ('<td>First weight</td><td class="num">¥15.00</td>',
                                       '<td>Minimum-charge top-up</td><td class="num">¥8.25</td>',
                                       '<td>Insurance</td><td class="num">¥6.00</td>',
                                       '<td>Fuel surcharge</td><td class="num">¥0.75</td>')] == [True] * 4
    assert "Cold chain" in html and "Industry is food and fresh produce." in html and "冷冻水饺 1kg" in html
    assert "Higher plan" in html and "On the free plan while shipping 450 parcels in 30 days." in html
    assert 'data-milestone="first_label"' in html


def test_notes_and_offers_land_on_the_timeline(am, shipper):
    url = f"/operator/merchants/{shipper.public_id}/"
    assert am.post(url + "notes/", {"text": "老板说双十一要备货"}).status_code == 302
    activity_log(merchant=shipper, kind="call", summary="Called about the Double 11 plan")
    response = am.post(url + "upsell/", {"kind": "cold_chain", "reason": ["Industry is food and fresh produce."]})
    assert response.status_code == 302
    offer = UpsellOffer.objects.get()
    assert (offer.kind, offer.state, offer.reasons) == ("cold_chain", "offered", ["Industry is food and fresh produce."])
    again = am.post(url + "upsell/", {"kind": "cold_chain"}, follow=True)
    assert "This is already on offer to the merchant." in again.content.decode()
    assert UpsellOffer.objects.count() == 1
    am.post(f"/operator/upsell/{offer.public_id}/answer/", {"answer": "accepted"})
    offer.refresh_from_db()
    assert offer.state == "accepted" and offer.decided_at is not None
    html = text(am.get(url))
    assert ["老板说双十一要备货" in html, "Called about the Double 11 plan" in html,
            "Offered: Cold chain" in html, "Accepted: Cold chain" in html] == [True] * 4
    assert list(Activity.objects.values_list("kind", flat=True)) == ["upsell", "upsell", "call", "note"]
    report = text(am.get("/operator/upsell/"))
    assert '<tr data-kind="cold_chain"><td>Cold chain</td><td class="num">1</td><td class="num">1</td>' in report


def test_an_empty_note_is_refused_and_writes_nothing(am, shipper):
    response = am.post(f"/operator/merchants/{shipper.public_id}/notes/", {"text": "  "}, follow=True)
    assert "An activity needs a summary." in response.content.decode()
    assert Activity.objects.count() == 0
