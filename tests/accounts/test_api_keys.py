from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client

from parcelhub.accounts.models import ApiKey
from parcelhub.core.models import AuditLog

pytestmark = pytest.mark.django_db


def _create(console, name="ERP", mode="live") -> str:
    response = console.post("/settings/api-keys", {"name": name, "mode": mode})
    assert response.status_code == 200
    return re.search(r'id="new-key">(ph_\w+)<', response.content.decode()).group(1)


def test_key_is_shown_once_and_stored_hashed(console_a, merchant_a):
    raw = _create(console_a)
    assert raw.startswith("ph_live_") and len(raw) == 48
    key = ApiKey.objects.get()
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert key.prefix == raw[:12]
    assert raw not in console_a.get("/settings/api-keys").content.decode()
    assert AuditLog.objects.filter(action="api_key.create").count() == 1


def test_bearer_key_authenticates_and_records_last_use(console_a, merchant_a):
    raw = _create(console_a, mode="test")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json() == {"id": merchant_a[0].public_id, "name": "义乌小商品有限公司", "test_mode": True}
    assert ApiKey.objects.get().last_used_at is not None


def test_revoked_key_is_refused(console_a):
    raw = _create(console_a)
    key = ApiKey.objects.get()
    assert console_a.post(f"/settings/api-keys/{key.public_id}/revoke").status_code == 302
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_garbage_and_missing_keys_are_refused(db):
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer ph_live_x").status_code == 401
    assert Client().get("/api/v1/me").status_code == 401


def test_other_merchant_cannot_revoke_or_see_a_key(console_a, console_b):
    _create(console_a)
    key = ApiKey.objects.get()
    response = console_b.post(f"/settings/api-keys/{key.public_id}/revoke")
    assert response.status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None
    assert key.prefix not in console_b.get("/settings/api-keys").content.decode()


def test_operator_cannot_open_merchant_key_page(operator_factory):
    client = Client()
    client.force_login(operator_factory("support"))
    assert client.get("/settings/api-keys").status_code == 403
