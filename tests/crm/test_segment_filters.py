"""Saved segments evaluate to the merchants matching every key of their filter."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import Industry, Merchant
from parcelhub.core.errors import DomainError
from parcelhub.crm.models import MerchantProfile
from parcelhub.crm.segments import segment_merchants
from parcelhub.crm.services import profiles_refresh
from parcelhub.insights.models import MerchantDay
from parcelhub.marketing.models import MerchantTier, Tier
from parcelhub.plans.services import trial_start


@pytest.fixture
def merchants(db):
    def make(name, industry, origin, channel=""):
        return Merchant.objects.create(name=name, contact_name="c", phone="13800138000", industry=industry,
                                       origin_region_id=origin, acquisition_channel=channel)
    return {"yiwu": make("义乌小商品", Industry.SMALL_COMMODITIES, "330782", "ground-yiwu"),
            "hangzhou": make("杭州服饰", Industry.APPAREL, "330106"),
            "guangzhou": make("广州服饰", Industry.APPAREL, "440106", "erp-x"),
            "none": make("无地址", Industry.APPAREL, None)}


def names(definition):
    return sorted(m.name for m in segment_merchants(definition))


def test_keys_are_anded_and_list_items_ored(merchants):
    assert names({"industry": "apparel", "origin_province": ["330000", "440000"]}) == ["广州服饰", "杭州服饰"]
    assert names({"origin_province": "330000"}) == ["义乌小商品", "杭州服饰"]
    assert names({"acquisition_channel": ["ground-yiwu", "erp-x"], "industry": ["small_commodities"]}) == ["义乌小商品"]
    assert names({}) == ["义乌小商品", "广州服饰", "无地址", "杭州服饰"]


def test_inactive_merchants_are_left_out(merchants):
    Merchant.objects.filter(name="杭州服饰").update(is_active=False)
    assert names({"industry": "apparel"}) == ["广州服饰", "无地址"]


def test_an_unknown_key_is_a_clear_error(merchants):
    with pytest.raises(DomainError) as error:
        segment_merchants({"colour": "red"})
    assert (error.value.code, error.value.status) == ("segment_filter_unknown", 422)


# --- keys on the stored CRM profile ----------------------------------------------------------------------------


TODAY = dt.date(2026, 11, 20)


def ships(merchant, per_day: int, days: int, revenue_per_day: int, last_days_ago: int = 0):
    MerchantDay.objects.bulk_create([
        MerchantDay(merchant=merchant, day=TODAY - dt.timedelta(days=last_days_ago + n), shipments=per_day,
                    revenue_fen=revenue_per_day) for n in range(days)])


@pytest.fixture
def profiled(merchants):
    ships(merchants["yiwu"], 5, 90, 3000)                       # 150 / 30 days: long tail, active
    ships(merchants["hangzhou"], 120, 90, 100_000)              # 3600 / 30 days: head
    ships(merchants["guangzhou"], 20, 60, 10_000, last_days_ago=40)   # last shipment 40 days ago: dormant
    assert profiles_refresh(today=TODAY) == 4
    return merchants


def test_profile_rows_are_written_for_every_active_merchant(profiled):
    rows = {p.merchant.name: (p.volume_band, p.lifecycle, p.r, p.f, p.m, p.belt)
            for p in MerchantProfile.objects.select_related("merchant")}
    assert rows == {
        "义乌小商品": ("long_tail", "active", 5, 3, 2, "yiwu"),
        "杭州服饰": ("head", "active", 5, 5, 5, "hangzhou"),
        "广州服饰": ("long_tail", "dormant", 2, 4, 3, "guangzhou"),   # 50 days × 20 in the 90-day window
        "无地址": ("long_tail", "new", 1, 1, 1, ""),       # created now, never shipped
    }


def test_band_lifecycle_belt_and_rfm_keys(profiled):
    assert names({"volume_band": "head"}) == ["杭州服饰"]
    assert names({"volume_band": ["long_tail"], "lifecycle": "active"}) == ["义乌小商品"]
    assert names({"lifecycle": ["dormant", "new"], "industry": "apparel"}) == ["广州服饰", "无地址"]
    assert names({"belt": ["yiwu", "guangzhou"]}) == ["义乌小商品", "广州服饰"]
    assert names({"rfm": {"r_min": 5}}) == ["义乌小商品", "杭州服饰"]
    assert names({"rfm": {"r_max": 2, "f_min": 4}}) == ["广州服饰"]
    assert names({"rfm": {"m_min": 2, "m_max": 2}}) == ["义乌小商品"]


def test_a_merchant_without_a_profile_matches_no_profile_key(merchants):
    assert names({"volume_band": ["long_tail", "waist", "head"]}) == []


@pytest.mark.parametrize("bad", [{"rfm": {"x_min": 3}}, {"rfm": {"r_min": 6}}, {"rfm": {"r_min": "4"}},
                                 {"rfm": 4}, {"rfm": {}}])
def test_bad_rfm_bounds_are_clear_errors(merchants, bad):
    with pytest.raises(DomainError) as error:
        segment_merchants(bad)
    assert (error.value.code, error.value.status) == ("segment_filter_invalid", 422)


def test_plan_and_tier_keys_read_the_codes_copied_at_refresh(merchants):
    trial_start(merchant=merchants["hangzhou"])
    MerchantTier.objects.create(merchant=merchants["guangzhou"], tier=Tier.objects.get(code="gold"),
                                since=dt.date(2026, 10, 1), reason="upgrade")
    profiles_refresh(today=TODAY)
    codes = dict(MerchantProfile.objects.values_list("merchant__name", "plan_code"))
    assert codes == {"义乌小商品": "free", "杭州服饰": "pro", "广州服饰": "free", "无地址": "free"}
    assert names({"tier": "gold"}) == ["广州服饰"]
    assert names({"tier": "standard", "plan": "free"}) == ["义乌小商品", "无地址"]
    assert names({"plan": ["pro", "enterprise"]}) == ["杭州服饰"]
