"""Shared fixtures: merchants of two tenants, an operator per role, API clients with keys."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from parcelhub.accounts.models import Merchant, MerchantRole, OperatorRole, User
from parcelhub.accounts.services import api_key_create


@pytest.fixture(autouse=True)
def english_by_default():
    """A request in Chinese leaves Chinese active in the thread; each test starts from English again."""
    translation.activate("en")
    yield
    translation.deactivate()


def make_merchant(name: str, email: str) -> tuple[Merchant, User]:
    merchant = Merchant.objects.create(name=name, contact_name="联系人", phone="13800138000")
    user = User.objects.create_user(email, "pw-for-tests-1", name=name, merchant=merchant,
                                    merchant_role=MerchantRole.OWNER)
    return merchant, user


@pytest.fixture
def merchant_a(db):
    return make_merchant("义乌小商品有限公司", "owner@a.example")


@pytest.fixture
def merchant_b(db):
    return make_merchant("广州服装有限公司", "owner@b.example")


@pytest.fixture
def operator_factory(db):
    def make(role: str = OperatorRole.ADMIN, email: str | None = None) -> User:
        return User.objects.create_user(email or f"{role}@ops.example", "pw-for-tests-1", operator_role=role)

    return make


def bearer_client(merchant: Merchant, mode: str = "test") -> Client:
    _, raw = api_key_create(merchant=merchant, name="tests", mode=mode, actor=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def api_a(merchant_a):
    return bearer_client(merchant_a[0])


@pytest.fixture
def api_b(merchant_b):
    return bearer_client(merchant_b[0])


@pytest.fixture
def console_a(merchant_a):
    client = Client()
    client.force_login(merchant_a[1])
    return client


@pytest.fixture
def console_b(merchant_b):
    client = Client()
    client.force_login(merchant_b[1])
    return client
