from __future__ import annotations

import pytest

from parcelhub.accounts.models import ApiKey
from parcelhub.accounts.services import api_key_create

pytestmark = pytest.mark.django_db


def test_list_shows_prefixes_never_keys(api_a, merchant_a):
    _, raw = api_key_create(merchant=merchant_a[0], name="ERP", mode="live", actor=None)
    body = api_a.get("/api/v1/api-keys").json()
    assert sorted((k["name"], k["mode"]) for k in body) == [("ERP", "live"), ("tests", "test")]
    assert raw not in str(body)
    assert {k["prefix"] for k in body} == set(ApiKey.objects.values_list("prefix", flat=True))


def test_revoke_by_api(api_a, merchant_a):
    key, _ = api_key_create(merchant=merchant_a[0], name="old", mode="live", actor=None)
    response = api_a.delete(f"/api/v1/api-keys/{key.public_id}")
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None


def test_key_of_merchant_b_gets_404_and_changes_nothing(api_a, api_b, merchant_a):
    key, _ = api_key_create(merchant=merchant_a[0], name="A's", mode="live", actor=None)
    response = api_b.delete(f"/api/v1/api-keys/{key.public_id}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    key.refresh_from_db()
    assert key.revoked_at is None
    assert "A's" not in str(api_b.get("/api/v1/api-keys").json())
