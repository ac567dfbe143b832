"""Reads for accounts; the tenancy scope of each resource lives here."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from parcelhub.accounts.keys import hash_key, looks_like_key
from parcelhub.accounts.models import ApiKey, Merchant
from parcelhub.core import clock
from parcelhub.core.errors import NotFound

# last_used_at is informative, so it is written at most once a minute per key instead of on every request.
_LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def api_keys_for(merchant: Merchant) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(merchant=merchant)


def api_key_get(merchant: Merchant, public_id: str) -> ApiKey:
    key = api_keys_for(merchant).filter(public_id=public_id).first()
    if key is None:
        raise NotFound("API key", "API 密钥")
    return key


def api_key_authenticate(raw_key: str) -> ApiKey | None:
    """The active key for a raw bearer token, or None; touches last_used_at."""
    if not looks_like_key(raw_key):
        return None
    key = (ApiKey.objects.select_related("merchant")
           .filter(key_hash=hash_key(raw_key), revoked_at__isnull=True, merchant__is_active=True).first())
    if key is None:
        return None
    now = clock.now()
    if key.last_used_at is None or now - key.last_used_at > _LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
