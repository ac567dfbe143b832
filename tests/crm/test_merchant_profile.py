"""merchant_profile reads MerchantDay windows ending today and applies the configured thresholds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from parcelhub.accounts.models import Merchant
from parcelhub.crm.models import CrmSettings
from parcelhub.crm.selectors import merchant_profile
from parcelhub.insights.models import MerchantDay

TODAY = dt.date(2026, 11, 20)


def make(name: str, *, age_days: int, origin: str | None = "330782") -> Merchant:
    merchant = Merchant.objects.create(name=name, contact_name="c", phone="1", origin_region_id=origin)
    created = timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=age_days), dt.time(10)))
    Merchant.objects.filter(pk=merchant.pk).update(created_at=created)
    merchant.refresh_from_db()
    return merchant


def ship(merchant: Merchant, days_ago: int, shipments: int, revenue_fen: int = 0) -> None:
    MerchantDay.objects.create(merchant=merchant, day=TODAY - dt.timedelta(days=days_ago), shipments=shipments,
                               revenue_fen=revenue_fen, cost_fen=revenue_fen // 2)


@pytest.mark.django_db
def test_windows_band_rfm_and_belt():
    merchant = make("义乌小商品", age_days=400)
    for days_ago in range(0, 120):          # 12 parcels a day at ¥5 each, for 120 days
        ship(merchant, days_ago, 12, 6000)
    ship(merchant, -1, 999, 999)             # tomorrow's row (a backfill ahead of today) is not counted
    ship(merchant, 200, 7, 700)
    p = merchant_profile(merchant, today=TODAY)
    assert (p.shipments_30d, p.shipments_90d, p.shipments_prev_30d, p.total_shipments) == (360, 1080, 360, 1447)
    assert (p.revenue_30d_fen, p.revenue_90d_fen) == (180_000, 540_000)
    assert (p.volume_band, p.lifecycle, p.rfm, p.belt) == ("waist", "active", "543", "yiwu")
    assert (p.last_shipment_on, p.age_days) == (TODAY, 400)


@pytest.mark.django_db
def test_configured_thresholds_move_the_band():
    merchant = make("广州服饰", age_days=100, origin="440106")
    ship(merchant, 3, 250, 100_000)
    assert merchant_profile(merchant, today=TODAY).volume_band == "long_tail"
    CrmSettings.objects.create(pk=1, waist_min_30d=200)
    p = merchant_profile(merchant, today=TODAY)
    assert (p.volume_band, p.lifecycle, p.rfm, p.belt, p.last_shipment_on) == (
        "waist", "active", "522", "guangzhou", TODAY - dt.timedelta(days=3))


@pytest.mark.django_db
def test_stages_from_days_without_shipments():
    fresh = make("新商家", age_days=2, origin=None)
    assert (merchant_profile(fresh, today=TODAY).lifecycle, merchant_profile(fresh, today=TODAY).rfm) == ("new", "111")
    gone = make("已流失", age_days=300)
    ship(gone, 95, 500, 50_000)
    ship(gone, 0, 0)                          # a zero row is not a shipment
    p = merchant_profile(gone, today=TODAY)
    assert (p.lifecycle, p.last_shipment_on, p.shipments_90d, p.rfm) == (
        "churned", TODAY - dt.timedelta(days=95), 0, "111")
