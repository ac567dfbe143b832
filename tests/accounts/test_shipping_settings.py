from __future__ import annotations

import pytest

from parcelhub.core.models import AuditLog

pytestmark = pytest.mark.django_db

FORM = {"origin": "广东省深圳市南山区科技园南区8栋", "contact_name": "李娜", "phone": "137 6000 0003",
        "label_size": "76x130", "privacy_waybills": "on"}


def test_merchant_sets_origin_and_label_preferences(console_a, merchant_a):
    assert console_a.get("/settings/shipping").status_code == 200
    response = console_a.post("/settings/shipping", FORM)
    assert response.status_code == 302
    merchant = merchant_a[0]
    merchant.refresh_from_db()
    assert (merchant.origin_region_id, merchant.origin_address, merchant.phone, merchant.label_size,
            merchant.privacy_waybills) == ("440305", "科技园南区8栋", "13760000003", "76x130", True)
    assert AuditLog.objects.filter(action="merchant.update_shipping", merchant=merchant).count() == 1
    assert 'value="广东省深圳市南山区科技园南区8栋"' in console_a.get("/settings/shipping").content.decode()


@pytest.mark.parametrize(("field", "value"), [("phone", "12345"), ("origin", "随便写的地方"), ("label_size", "A4")])
def test_bad_settings_change_nothing(console_a, merchant_a, field, value):
    response = console_a.post("/settings/shipping", {**FORM, field: value})
    assert response.status_code == 200
    merchant_a[0].refresh_from_db()
    assert (merchant_a[0].origin_region_id, merchant_a[0].label_size) == (None, "100x150")


def test_operators_cannot_open_it(operator_factory, client):
    client.force_login(operator_factory("support"))
    assert client.get("/settings/shipping").status_code == 403
