from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import Merchant, MerchantRole, User
from parcelhub.core import clock
from parcelhub.crm.models import Segment
from parcelhub.marketing.promotions.services import coupon_create


@pytest.fixture
def coupon(db):
    now = clock.now()
    return coupon_create(name="新客红包 ¥3", amount_off_fen=300, valid_from=now - dt.timedelta(days=1),
                         valid_until=now + dt.timedelta(days=30))


@pytest.fixture
def population(db):
    """20 merchants in 义乌 with an owner each; the segment holds them by industry."""
    merchants = []
    for i in range(20):
        merchant = Merchant.objects.create(public_id=f"mch_T{i:03d}", name=f"测试商户{i}", contact_name="联系人",
                                           phone="13800138000", industry="small_commodities")
        User.objects.create_user(f"owner{i}@m.example", "pw-for-tests-1", merchant=merchant,
                                 merchant_role=MerchantRole.OWNER)
        merchants.append(merchant)
    return merchants


@pytest.fixture
def segment(population):
    return Segment.objects.create(name="小商品商户", definition={"industry": ["small_commodities"]})


def fixed_id(campaign):
    """Give a new campaign the id cmp_TEST<n> (n = its place among the test's campaigns). Arms are hashed from the
    campaign's id, so a fixed id gives the same split on every run instead of a random one."""
    from parcelhub.marketing.campaigns.models import Campaign

    number = Campaign.objects.filter(pk__lte=campaign.pk).count()
    Campaign.objects.filter(pk=campaign.pk).update(public_id=f"cmp_TEST{number}")
    campaign.refresh_from_db()
    return campaign
