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
