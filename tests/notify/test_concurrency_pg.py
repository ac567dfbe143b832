"""Many workers at once on PostgreSQL: a row is sent once, and the SMS quota holds."""

from __future__ import annotations

import pytest
from django.db import connection

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.notify import delivery
from parcelhub.notify.models import NotifySettings, Outbox, SmsMessage, SmsUsage
from tests.concurrency import in_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8


@pytest.fixture
def merchant(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent claims are tested on PostgreSQL (SQLite serialises every writer)")
    return Merchant.objects.create(name="并发通知商家", contact_name="测试", phone="13800138000")


def sms_rows(merchant, count: int) -> list[int]:
    now = clock.now()
    rows = Outbox.objects.bulk_create([
        Outbox(merchant=merchant, channel="sms", event_type="shipment.status_changed", recipient=f"1380013{i:04d}",
               body=f"消息 {i}", next_attempt_at=now, created_at=now) for i in range(count)])
    return [row.pk for row in rows]


def test_workers_racing_for_one_row_send_it_once(merchant):
    [row_id] = sms_rows(merchant, 1)
    results = in_threads(WORKERS, lambda i: delivery.outbox_deliver(row_id))
    assert (results.count("sent"), results.count(None)) == (1, WORKERS - 1)
    assert SmsMessage.objects.count() == 1
    assert Outbox.objects.values_list("state", "attempts").get() == ("sent", 1)


def test_the_monthly_quota_holds_under_concurrency(merchant):
    NotifySettings.objects.create(merchant=merchant, sms_monthly_quota=3)
    ids = sms_rows(merchant, WORKERS)
    results = in_threads(WORKERS, lambda i: delivery.outbox_deliver(ids[i]))
    assert sorted(results) == ["sent"] * 3 + ["skipped"] * (WORKERS - 3)
    assert SmsMessage.objects.count() == 3
    assert SmsUsage.objects.get().count == 3
