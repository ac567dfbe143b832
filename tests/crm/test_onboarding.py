"""Onboarding milestones from real records, the funnel by channel and cohort, and stalled-merchant tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from parcelhub.accounts.models import ApiKey, Merchant
from parcelhub.accounts.services import api_key_create
from parcelhub.core import clock
from parcelhub.crm.models import CrmSettings, OnboardingMark
from parcelhub.crm.onboarding import (
    merchant_onboarding,
    onboarding_funnel,
    onboarding_mark,
    onboarding_stalled_scan,
)
from parcelhub.crm.workbench.models import Task
from parcelhub.insights.models import MerchantDay
from parcelhub.shipping.services import pickup_book, shipment_buy, shipment_from_order
from tests.shipping.conftest import funded, make_order, world  # noqa: F401

NOW = timezone.make_aware(dt.datetime(2026, 11, 20, 12, 0))


def at(days_ago: int, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 11, 20 - days_ago, hour, 0)) if days_ago < 20 else \
        NOW - dt.timedelta(days=days_ago)


def merchant(name: str, *, signed_up: dt.datetime, channel: str = "") -> Merchant:
    m = Merchant.objects.create(name=name, contact_name="c", phone="1", acquisition_channel=channel)
    Merchant.objects.filter(pk=m.pk).update(created_at=signed_up)
    m.refresh_from_db()
    return m


def reached(onboarding) -> dict[str, dt.datetime | None]:
    return {state.code: state.reached_at for state in onboarding.milestones}


def test_milestones_from_a_quote_a_bought_label_a_pickup_and_a_used_key(funded):  # noqa: F811
    assert onboarding_mark(merchant=funded, milestone="first_quote") is True
    assert onboarding_mark(merchant=funded, milestone="first_quote") is False      # the first time only
    quoted = OnboardingMark.objects.get(merchant=funded).reached_at
    shipment = shipment_buy(shipment=shipment_from_order(order=make_order(funded, "T-1")), rule="cheapest")
    # Tomorrow at 10:00 China time: couriers collect between 08:00 and 20:00, whatever time the test runs.
    start = clock.start_of_day(clock.today() + dt.timedelta(days=1)) + dt.timedelta(hours=10)
    pickup = pickup_book(merchant=funded, shipments=[shipment], window_start=start,
                         window_end=start + dt.timedelta(hours=2))[0]
    key, _ = api_key_create(merchant=funded, name="erp", mode="live", actor=None)
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=NOW)
    state = merchant_onboarding(funded)
    assert reached(state) == {"signed_up": funded.created_at, "first_quote": quoted,
                              "first_label": shipment.purchased_at, "first_pickup": pickup.created_at,
                              "ten_labels": None, "integrated": NOW}
    assert (state.next_milestone, state.activated, state.stalled) == ("ten_labels", False, False)


def test_ten_labels_from_the_daily_rollup_and_a_label_implies_a_quote(db):
    m = merchant("义乌小商品", signed_up=at(10, 9))
    MerchantDay.objects.bulk_create([MerchantDay(merchant=m, day=dt.date(2026, 11, d), shipments=n)
                                     for d, n in ((12, 4), (13, 0), (14, 5), (16, 3))])
    state = merchant_onboarding(m, now=NOW)
    expected_label = clock.start_of_day(dt.date(2026, 11, 12))
    assert reached(state) == {"signed_up": at(10, 9), "first_quote": expected_label, "first_label": expected_label,
                              "first_pickup": None, "ten_labels": clock.start_of_day(dt.date(2026, 11, 16)),
                              "integrated": None}
    assert (state.next_milestone, state.activated, state.stalled, state.idle_days) == ("first_pickup", True, False, 4)


def test_a_stalled_merchant_gets_one_task_however_often_the_scan_runs(db):
    stuck = merchant("卡住的商家", signed_up=at(9))
    onboarding_mark(merchant=stuck, milestone="first_quote", at=at(8))
    merchant("刚注册", signed_up=at(6))                     # 6 days idle: not yet stalled at 7
    done = merchant("已激活", signed_up=at(15))
    MerchantDay.objects.create(merchant=done, day=dt.date(2026, 11, 6), shipments=12)
    assert onboarding_stalled_scan(now=NOW) == 1
    assert onboarding_stalled_scan(now=NOW) == 1
    task = Task.objects.get()
    assert (task.merchant, task.kind, task.source_ref, task.title, task.reason) == (
        stuck, "onboarding_stalled", "onboarding:first_label", "Onboarding stalled before “First label”",
        "No onboarding progress for 8 days.")
    assert (task.title_zh, task.reason_zh) == ("新手引导停在“首张面单”之前", "已 8 天没有引导进展。")
    CrmSettings.objects.create(pk=1, onboarding_stall_days=6)
    assert onboarding_stalled_scan(now=NOW) == 2
    assert sorted(Task.objects.values_list("merchant__name", flat=True)) == ["刚注册", "卡住的商家"]


@pytest.fixture
def population(db):
    def add(name, signed_up, channel, labels=0, marks=()):
        m = merchant(name, signed_up=signed_up, channel=channel)
        if labels:
            MerchantDay.objects.create(merchant=m, day=timezone.localdate(signed_up) + dt.timedelta(days=2),
                                       shipments=labels)
        for milestone in marks:
            onboarding_mark(merchant=m, milestone=milestone, at=signed_up + dt.timedelta(days=1))
        return m

    sep, oct_ = NOW - dt.timedelta(days=60), NOW - dt.timedelta(days=40)
    add("a", sep, "ground-yiwu", labels=30, marks=("first_pickup", "integrated"))
    add("b", sep, "ground-yiwu", labels=3)
    add("c", sep, "ground-yiwu", marks=("first_quote",))
    add("d", oct_, "erp-x", labels=12, marks=("first_pickup",))
    add("e", oct_, "")
    add("f", NOW - dt.timedelta(days=5), "erp-x", labels=1)


def test_funnel_by_channel(population):
    rows = {row.key: (row.label, row.counts) for row in onboarding_funnel(by="channel")}
    assert rows == {"ground-yiwu": ("ground-yiwu", (3, 3, 2, 1, 1, 1)),
                    "erp-x": ("erp-x", (2, 2, 2, 1, 1, 0)),
                    "": ("(direct)", (1, 0, 0, 0, 0, 0))}
    assert [row.key for row in onboarding_funnel(by="channel")] == ["ground-yiwu", "erp-x", ""]
    yiwu = onboarding_funnel(by="channel")[0]
    assert yiwu.shares == (100, 100, 67, 33, 33, 33)


def test_funnel_by_sign_up_month(population):
    rows = [(row.key, row.counts) for row in onboarding_funnel(by="cohort")]
    assert rows == [("2026-09", (3, 3, 2, 1, 1, 1)), ("2026-10", (2, 1, 1, 1, 1, 0)),
                    ("2026-11", (1, 1, 1, 0, 0, 0))]
    since = [(row.key, row.counts) for row in onboarding_funnel(by="cohort", since=dt.date(2026, 10, 1))]
    assert since == rows[1:]
