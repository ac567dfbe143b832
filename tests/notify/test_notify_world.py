from __future__ import annotations

import pytest

from parcelhub.notify.models import MessageTemplate, WebhookEndpoint
from parcelhub.simulation.notify_world import build_notify_world
from parcelhub.tracking.models import MarketingBlock

pytestmark = pytest.mark.django_db


def test_demo_notifications_are_built_once(merchant_a, merchant_b):
    merchants = [merchant_a[0], merchant_b[0]]
    assert build_notify_world(merchants=merchants) == {"blocks": 2, "templates": 2, "endpoints": 1}
    assert build_notify_world(merchants=merchants) == {"blocks": 0, "templates": 0, "endpoints": 0}
    template = MessageTemplate.objects.get(merchant=merchant_b[0])
    assert (template.status, template.marketing_block.coupon_code) == ("delivered", "BACK02")
    assert MarketingBlock.objects.count() == 2
    assert WebhookEndpoint.objects.get().merchant == merchant_a[0]
