from __future__ import annotations

import pytest

from parcelhub.accounts.models import Merchant, MerchantRole, User
from parcelhub.core.models import AuditLog

pytestmark = pytest.mark.django_db

FORM = {
    "company_name": "金华义乌饰品有限公司", "contact_name": "赵敏", "phone": "13912345678",
    "email": "Zhao@Example.com", "password": "correct-horse-battery", "origin": "浙江省义乌市稠城街道工人北路1号",
    "industry": "small_commodities", "expected_monthly_volume": "2500",
}


def test_signup_link_carries_the_channel_into_the_form(client):
    response = client.get("/signup?ch=erp-wangdian")
    assert response.status_code == 200
    assert b'name="channel" value="erp-wangdian"' in response.content


def test_signup_creates_merchant_owner_and_attribution(client):
    response = client.post("/signup?ch=erp-wangdian", {**FORM, "channel": "erp-wangdian"})
    assert response.status_code == 302
    assert response["Location"] == "/rates/"
    merchant = Merchant.objects.get()
    assert (merchant.name, merchant.acquisition_channel, merchant.expected_monthly_volume) == (
        "金华义乌饰品有限公司", "erp-wangdian", 2500)
    assert merchant.origin_region_id == "330782"
    assert merchant.origin_address == "稠城街道工人北路1号"
    owner = User.objects.get()
    assert (owner.email, owner.merchant_id, owner.merchant_role) == ("zhao@example.com", merchant.id,
                                                                     MerchantRole.OWNER)
    assert AuditLog.objects.filter(action="merchant.signup", merchant=merchant).count() == 1
    # Signed in straight away.
    assert client.get("/settings/api-keys").status_code == 200


def test_signup_with_taken_email_changes_nothing(client, merchant_a):
    response = client.post("/signup", {**FORM, "email": "owner@a.example"})
    assert response.status_code == 200
    assert "An account with this email already exists." in response.content.decode()
    assert Merchant.objects.count() == 1


def test_signup_with_unreadable_origin_is_refused(client):
    response = client.post("/signup", {**FORM, "origin": "随便写的地方"})
    assert response.status_code == 200
    assert Merchant.objects.count() == 0
    assert User.objects.count() == 0


def test_signup_with_weak_password_is_refused(client):
    response = client.post("/signup", {**FORM, "password": "12345678"})
    assert response.status_code == 200
    assert Merchant.objects.count() == 0
