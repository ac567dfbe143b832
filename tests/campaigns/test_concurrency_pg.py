"""Concurrency on PostgreSQL: operators launching one campaign at the same time assign and deliver once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.crm.models import Segment
from parcelhub.marketing.campaigns import services
from parcelhub.marketing.campaigns.models import Assignment, Campaign
from parcelhub.marketing.promotions.models import CouponGrant
from parcelhub.marketing.promotions.services import coupon_create
from tests.concurrency import in_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pg(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock concurrency is tested on PostgreSQL (SQLite serialises every writer)")


def test_concurrent_launches_assign_and_deliver_once(pg):
    for i in range(30):
        Merchant.objects.create(public_id=f"mch_C{i:03d}", name=f"并发商家{i}", contact_name="测试",
                                phone="13800138000", industry="apparel")
    segment = Segment.objects.create(name="服装", definition={"industry": "apparel"})
    now = clock.now()
    coupon = coupon_create(name="红包", amount_off_fen=200, valid_from=now - dt.timedelta(hours=1),
                           valid_until=now + dt.timedelta(days=7))
    campaign = services.campaign_create(name="并发启动", segment=segment, offer_ref=coupon.public_id,
                                        starts_on=clock.today(), ends_on=clock.today() + dt.timedelta(days=6))

    results = in_threads(8, lambda i: services.campaign_launch(campaign=Campaign.objects.get(pk=campaign.pk)))

    assert sorted(r for r in results if isinstance(r, int)) == [30]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 7 and {r.code for r in refused} == {"campaign_not_launchable"}
    assert Assignment.objects.filter(campaign=campaign).count() == 30
    treated = Assignment.objects.filter(campaign=campaign, arm="treatment").count()
    assert CouponGrant.objects.filter(source=campaign.public_id).count() == treated
