from __future__ import annotations

from ninja import Router

from parcelhub.accounts.auth import merchant_auth

router = Router(tags=["tracking"], auth=merchant_auth)
