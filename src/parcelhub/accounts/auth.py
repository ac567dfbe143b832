"""API authentication: `Authorization: Bearer ph_live_…|ph_test_…`, or the console's session for its own calls."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from parcelhub.accounts.models import ApiKey, Merchant, User
from parcelhub.accounts.selectors import api_key_authenticate


@dataclass(frozen=True)
class Principal:
    """Who is calling the API on behalf of which merchant, in which mode."""

    merchant: Merchant
    test_mode: bool
    user: User | None = None
    api_key: ApiKey | None = None


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        key = api_key_authenticate(token)
        if key is None:
            return None
        from parcelhub.plans.gates import require_api_access  # plans builds on accounts, not the reverse

        require_api_access(key.merchant, request.path)
        return Principal(merchant=key.merchant, test_mode=key.test_mode, api_key=key)


class MerchantSessionAuth(SessionAuth):
    """A signed-in merchant user calling from the console (CSRF-checked by ninja)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user = request.user
        if user.is_authenticated and user.merchant_id is not None and user.merchant.is_active:
            return Principal(merchant=user.merchant, test_mode=False, user=user)
        return None


class OperatorSessionAuth(SessionAuth):
    """A signed-in operator holding one of the given roles (administrators always pass)."""

    def __init__(self, *roles: str) -> None:
        super().__init__()
        self.roles = roles

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if user.is_authenticated and user.has_operator_role(*self.roles):
            return user
        return None


merchant_auth = [ApiKeyAuth(), MerchantSessionAuth()]
