"""The merchant's tier page and API, the operators' tier programme and margin report pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from parcelhub.accounts.models import OperatorRole
from parcelhub.core import clock
from parcelhub.core.models import AuditLog
from parcelhub.marketing.models import (
    DowngradeRisk,
    GuardrailEvent,
    MarginRule,
    MerchantTier,
    Tier,
    TierOverride,
)
from tests.rating.world import build_small_world


@pytest.fixture
def silver_a(merchant_a):
    merchant = merchant_a[0]
    MerchantTier.objects.create(merchant=merchant, tier=Tier.objects.get(code="silver"), since=dt.date(2026, 5, 1),
                                reason="upgrade")
    return merchant


def operator_client(operator_factory, role=OperatorRole.PRICING) -> Client:
    client = Client()
    client.force_login(operator_factory(role))
    return client


def test_tier_api_for_a_merchant_without_history(api_a, merchant_a):
    body = api_a.get("/api/v1/tier").json()
    assert {k: body[k] for k in ("code", "name", "discount_bp", "next_code", "shipments_needed_per_month",
                                 "average_monthly_shipments", "downgrade_risk")} == {
        "code": "standard", "name": "Standard", "discount_bp": 0, "next_code": "silver",
        "shipments_needed_per_month": 500, "average_monthly_shipments": 0, "downgrade_risk": None}


def test_tier_api_is_per_merchant(api_a, api_b, silver_a, merchant_b):
    assert api_a.get("/api/v1/tier").json()["code"] == "silver"
    assert api_b.get("/api/v1/tier").json()["code"] == "standard"
    assert Client().get("/api/v1/tier").status_code == 401


def test_tier_page_shows_tier_progress_history_and_risk(console_a, silver_a):
    DowngradeRisk.objects.create(merchant=silver_a, tier=Tier.objects.get(code="silver"),
                                 would_fall_to=Tier.objects.get(code="standard"),
                                 review_date=clock.today() + dt.timedelta(days=20), shipments_to_keep=500)
    html = console_a.get("/marketing/tier/").content.decode()
    assert 'id="tier-discount">3 %<' in html
    assert "3000 more parcels a month" in html                         # gold needs 3000, the average is 0
    assert 'id="tier-risk"' in html and "from Silver to Standard" in html
    assert "2026-05-01" in html


def test_tier_page_is_for_merchants_only(operator_factory):
    assert operator_client(operator_factory).get("/marketing/tier/").status_code == 403


def test_operator_edits_a_tier_and_bad_values_change_nothing(operator_factory):
    client = operator_client(operator_factory)
    assert client.get("/operator/marketing/tiers/").status_code == 200
    response = client.post("/operator/marketing/tiers/gold/", {"name": "金牌", "name_en": "Gold",
                                                               "min_monthly_shipments": "2500",
                                                               "discount_percent": "6.5"})
    assert response.status_code == 302
    gold = Tier.objects.get(code="gold")
    assert (gold.min_monthly_shipments, gold.discount_bp) == (2500, 650)
    # Below silver's threshold: refused, nothing written.
    client.post("/operator/marketing/tiers/gold/", {"name": "金牌", "name_en": "Gold",
                                                    "min_monthly_shipments": "400", "discount_percent": "6.5"})
    gold.refresh_from_db()
    assert gold.min_monthly_shipments == 2500
    assert AuditLog.objects.filter(action="tier.update").count() == 1


def test_operator_settings_overrides_and_margin_rules(operator_factory):
    build_small_world()
    client = operator_client(operator_factory, OperatorRole.MARKETING)
    client.post("/operator/marketing/tiers/settings/", {
        "window_months": "6", "grace_tier": "gold", "grace_weeks": "4", "holiday_months": "2027-02, 2026-02",
        "min_margin_percent": "8", "min_margin_fen": "50"})
    from parcelhub.marketing.models import TierSettings

    config = TierSettings.objects.get(pk=1)
    assert (config.window_months, config.grace_tier.code, config.grace_weeks, config.holiday_months,
            config.min_margin_bp, config.min_margin_fen) == (6, "gold", 4, ["2026-02", "2027-02"], 800, 50)
    client.post("/operator/marketing/tiers/overrides/", {"tier": "gold", "carrier_code": "sf",
                                                         "discount_percent": "2"})
    client.post("/operator/marketing/tiers/overrides/", {"tier": "gold", "carrier_code": "nope",
                                                         "discount_percent": "2"})
    assert list(TierOverride.objects.values_list("carrier_code", "service_code", "discount_bp")) == [("sf", "", 200)]
    client.post("/operator/marketing/tiers/margins/", {"carrier_code": "zto", "service_code": "standard",
                                                       "min_margin_percent": "10", "min_margin_fen": "30"})
    rule = MarginRule.objects.get()
    assert (rule.min_margin_bp, rule.min_margin_fen) == (1000, 30)
    client.post(f"/operator/marketing/tiers/margins/{rule.pk}/delete/")
    assert not MarginRule.objects.exists()


def test_other_operator_roles_cannot_configure(operator_factory):
    client = operator_client(operator_factory, OperatorRole.SUPPORT)
    assert client.get("/operator/marketing/tiers/").status_code == 403
    assert client.post("/operator/marketing/tiers/gold/", {"discount_percent": "40"}).status_code == 403
    assert Tier.objects.get(code="gold").discount_bp == 600


def test_margin_report_page(operator_factory, merchant_a):
    GuardrailEvent.objects.create(merchant=merchant_a[0], shipment_public_id="shp_1", carrier_code="zto",
                                  service_code="standard", service_name="中通标快", kind="capped", amount_fen=50,
                                  created_at=clock.now())
    html = operator_client(operator_factory).get("/operator/marketing/margin/?days=7").content.decode()
    assert "中通标快" in html and "¥0.50" in html
