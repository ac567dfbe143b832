"""Operator CRM pages: who may open them, what they show, bounded queries on the merchant list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.crm.models import Activity, CrmSettings, Segment, UpsellOffer
from parcelhub.crm.services import profiles_refresh
from parcelhub.crm.workbench.models import Assignment, MerchantValue
from parcelhub.insights.models import MerchantDay

CRM_URLS = ["/operator/merchants/", "/operator/segments/", "/operator/segments/new/", "/operator/onboarding/",
            "/operator/upsell/", "/operator/crm/settings/"]


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def am(operator_factory):
    return login(operator_factory("account_manager"))


@pytest.mark.parametrize("url", CRM_URLS)
def test_merchants_and_unrelated_operators_are_refused(url, console_a, operator_factory):
    assert console_a.get(url).status_code == 403
    assert login(operator_factory("pricing")).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_merchant_pages_refuse_merchant_users_and_change_nothing(console_a, merchant_b):
    target = merchant_b[0].public_id
    assert console_a.get(f"/operator/merchants/{target}/").status_code == 403
    assert console_a.post(f"/operator/merchants/{target}/notes/", {"text": "x"}).status_code == 403
    assert console_a.post(f"/operator/merchants/{target}/upsell/", {"kind": "cold_chain"}).status_code == 403
    assert (Activity.objects.count(), UpsellOffer.objects.count()) == (0, 0)


def test_an_unknown_merchant_is_404(am):
    assert am.get("/operator/merchants/mch_nope/").status_code == 404


def _population(n: int) -> list[Merchant]:
    merchants = [Merchant.objects.create(name=f"商家{i:02d}", contact_name="c", phone="1", origin_region_id="330782")
                 for i in range(n)]
    today = clock.today()
    MerchantDay.objects.bulk_create([MerchantDay(merchant=m, day=today - dt.timedelta(days=d), shipments=i + 1)
                                     for i, m in enumerate(merchants) for d in range(3)])
    return merchants


def test_merchant_list_orders_by_volume_with_bounded_queries(am, operator_factory, django_assert_max_num_queries):
    merchants = _population(60)
    manager = operator_factory("account_manager", email="am2@ops.example")
    for m in merchants[:30]:
        Assignment.objects.create(merchant=m, manager=manager, assigned_at=clock.now())
        MerchantValue.objects.create(merchant=m, clv_fen=123_400, p_alive=0.9, expected_active_weeks=10.0,
                                     margin_per_week_fen=100, frequency=3, recency_weeks=1.0, age_weeks=4.0,
                                     as_of=clock.today(), computed_at=clock.now())
    profiles_refresh()
    with django_assert_max_num_queries(12):
        response = am.get("/operator/merchants/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("商家59") < html.index("商家58")        # the biggest shipper first
    assert "商家09" not in html                                # 50 a page: the 10 smallest are on page 2
    assert "60 merchants" in html and "¥1234.00" in html and "Standard" in html and "Free" in html and "am2@ops.example" in html
    with django_assert_max_num_queries(12):
        page2 = am.get("/operator/merchants/?page=2").content.decode()
    assert "商家09" in page2 and "商家10" not in page2


def test_merchant_list_filters_by_saved_segment_and_ad_hoc_keys(am):
    merchants = _population(5)
    profiles_refresh()
    segment = Segment.objects.create(name="前三", definition={"merchant": [m.public_id for m in merchants[:3]]})
    html = am.get(f"/operator/merchants/?segment={segment.public_id}&q=商家0").content.decode()
    assert [f"商家0{i}" in html for i in range(5)] == [True, True, True, False, False]
    html = am.get("/operator/merchants/?volume_band=head").content.decode()
    assert "No merchants match." in html
    html = am.get("/operator/merchants/?r_min=9").content.decode()
    assert "RFM bounds are whole numbers from 1 to 5." in html


def test_thresholds_are_saved_and_checked(operator_factory):
    marketing = login(operator_factory("marketing"))
    fields = {"waist_min_30d": 200, "head_min_30d": 2000, "new_days": 14, "activated_labels": 10, "at_risk_days": 14,
              "dormant_days": 30, "churned_days": 90, "drop_share_pct": 50, "onboarding_stall_days": 5}
    assert marketing.post("/operator/crm/settings/", fields).status_code == 302
    saved = CrmSettings.objects.get(pk=1)
    assert (saved.waist_min_30d, saved.head_min_30d, saved.onboarding_stall_days) == (200, 2000, 5)
    bad = marketing.post("/operator/crm/settings/", {**fields, "waist_min_30d": 5000})
    assert bad.status_code == 422 and "The waist threshold must be above 0 and below the head" in bad.content.decode()
    bad = marketing.post("/operator/crm/settings/", {**fields, "dormant_days": 100})
    assert bad.status_code == 422
    saved.refresh_from_db()
    assert (saved.waist_min_30d, saved.dormant_days) == (200, 30)
    am = login(operator_factory("account_manager", email="am3@ops.example"))
    assert am.post("/operator/crm/settings/", fields).status_code == 403
