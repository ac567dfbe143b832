"""Bought parcels on a flushed PostgreSQL database, for the tracking concurrency tests."""

from __future__ import annotations

from parcelhub.accounts.models import Merchant
from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from parcelhub.shipping import services
from tests.rating.world import build_small_world
from tests.shipping.conftest import fund


def bought_parcels(merchant_name: str, count: int) -> Merchant:
    """`count` ZTO labels 义乌 → 杭州 bought by a new, funded merchant."""
    load_regions(Region)  # transactional tests flush the tables the migrations filled
    build_small_world()
    merchant = Merchant.objects.create(name=merchant_name, contact_name="测试", phone="13800138000",
                                       origin_region_id="330782", origin_address="稠城街道工人北路1号")
    fund(merchant, 100_000)
    hangzhou = services.Party("张三", "13800138000", Region.objects.get(adcode="330106"), "文三路90号")
    for _ in range(count):
        draft = services.shipment_create(merchant=merchant, recipient=hangzhou, weight_g=1000)
        services.shipment_buy(shipment=draft, service_key="zto.standard")
    return merchant
