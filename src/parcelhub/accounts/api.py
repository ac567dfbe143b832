from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from parcelhub.accounts import selectors, services
from parcelhub.accounts.auth import merchant_auth

router = Router(tags=["account"], auth=merchant_auth)


class MerchantOut(Schema):
    id: str
    name: str
    test_mode: bool


class ApiKeyOut(Schema):
    id: str
    name: str
    mode: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _key_payload(key) -> dict:
    return {"id": key.public_id, "name": key.name, "mode": key.mode, "prefix": key.prefix,
            "created_at": key.created_at, "last_used_at": key.last_used_at, "revoked_at": key.revoked_at}


@router.get("/me", response=MerchantOut, summary="The merchant the credentials act for")
def me(request):
    principal = request.auth
    return {"id": principal.merchant.public_id, "name": principal.merchant.name, "test_mode": principal.test_mode}


@router.get("/api-keys", response=list[ApiKeyOut], summary="The merchant's API keys (never the keys themselves)")
def api_keys(request):
    return [_key_payload(k) for k in selectors.api_keys_for(request.auth.merchant)]


@router.delete("/api-keys/{key_id}", response=ApiKeyOut, summary="Revoke a key, e.g. after rotating to a new one")
def api_key_revoke(request, key_id: str):
    key = selectors.api_key_get(request.auth.merchant, key_id)
    return _key_payload(services.api_key_revoke(key=key, actor=request.auth.user))
