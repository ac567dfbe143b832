"""Promotions fixtures: a coupon factory and a marketing operator."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import OperatorRole
from parcelhub.core import clock
from parcelhub.marketing.promotions.services import coupon_create


def window(days_before: int = 1, days_after: int = 30) -> dict:
    now = clock.now()
    return {"valid_from": now - dt.timedelta(days=days_before), "valid_until": now + dt.timedelta(days=days_after)}


@pytest.fixture
def marketer(operator_factory):
    return operator_factory(OperatorRole.MARKETING)


@pytest.fixture
def make_coupon(db):
    def make(**fields):
        fields.setdefault("name", "新客红包")
        if "percent_off_bp" not in fields:
            fields.setdefault("amount_off_fen", 300)
        for key, value in window().items():
            fields.setdefault(key, value)
        return coupon_create(**fields)

    return make
