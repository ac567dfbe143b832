"""Workbench fixtures: account managers, a managed merchant, a retention coupon, synthetic daily history."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import Merchant, OperatorRole, User
from parcelhub.core import clock
from parcelhub.crm.workbench.models import Assignment
from parcelhub.insights.models import MerchantDay
from parcelhub.marketing.promotions.services import coupon_create


def make_manager(email: str, name: str = "") -> User:
    return User.objects.create_user(email, "pw-for-tests-1", name=name, operator_role=OperatorRole.ACCOUNT_MANAGER)


@pytest.fixture
def am(db):
    return make_manager("am1@ops.example", "王经理")


@pytest.fixture
def am2(db):
    return make_manager("am2@ops.example", "李经理")


@pytest.fixture
def managed(merchant_a, am):
    merchant, _ = merchant_a
    Assignment.objects.create(merchant=merchant, manager=am, assigned_at=clock.now())
    return merchant


@pytest.fixture
def retention_coupon(db):
    now = clock.now()
    return coupon_create(name="挽留红包", amount_off_fen=500, valid_from=now - dt.timedelta(days=1),
                         valid_until=now + dt.timedelta(days=30))


def write_days(merchant: Merchant, days: list[dt.date], *, shipments: int = 10, revenue_fen: int = 10_000,
               cost_fen: int = 8_000) -> None:
    MerchantDay.objects.bulk_create([MerchantDay(merchant=merchant, day=d, shipments=shipments,
                                                 revenue_fen=revenue_fen, cost_fen=cost_fen) for d in days])
