from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction

from parcelhub.notify.models import Outbox, SmsMessage
from parcelhub.tracking.models import Tracking
from parcelhub.tracking.status import Status
from tests.notify.conftest import move

pytestmark = pytest.mark.django_db


def test_a_status_change_writes_outbox_rows_and_sends_them_after_commit(shipment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        move(shipment, Status.PICKED_UP)
        row = Outbox.objects.get()
        assert (row.channel, row.recipient, row.state, row.attempts, row.status_from, row.status_to) == (
            "sms", "13800138000", "pending", 0, "created", "picked_up")
        assert SmsMessage.objects.count() == 0
    # Besides delivery, tracking schedules its own after-commit jobs (issue detection, ETA refresh).
    deliveries = [c for c in callbacks if "enqueue_after_commit" in c.__qualname__]
    assert len(deliveries) == 1
    deliveries[0]()
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("sent", 1, "")
    sms = SmsMessage.objects.get()
    url = f"{settings.SITE_URL}/t/{shipment.public_id}"
    assert sms.text.startswith(f"【义乌小商品有限公司】张三您好，您的包裹已由中通快递揽收，运单号{shipment.waybill_no}，"
                               f"预计尽快送达。查看物流：{url} 退订 {settings.SITE_URL}/n/unsubscribe/")
    assert (sms.phone, sms.provider, sms.outbox_id) == ("13800138000", "sandbox", row.pk)


def test_a_rolled_back_change_writes_nothing(shipment):
    with pytest.raises(RuntimeError), transaction.atomic():
        move(shipment, Status.PICKED_UP)
        assert Outbox.objects.count() == 1
        raise RuntimeError("the ingest failed after the signal")
    assert Outbox.objects.count() == 0
    assert Tracking.objects.get().status == "created"


def test_an_exception_texts_the_consignee_and_emails_the_merchant(shipment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        move(shipment, Status.EXCEPTION, kind="address_problem", text="地址不详")
    rows = list(Outbox.objects.order_by("channel").values_list("channel", "recipient", "state"))
    assert rows == [("email", "owner@a.example", "sent"), ("sms", "13800138000", "sent")]
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["owner@a.example"]
    assert email.subject == f"包裹异常：{shipment.waybill_no}（张三）"
    assert email.body.startswith(f"运单 中通快递 {shipment.waybill_no}（订单 T-1001，收件人 张三）状态：异常。\n地址有误\n")
    assert "退订" in email.alternatives[0][0]
    assert "出现异常：地址有误，我们正在处理。" in SmsMessage.objects.get().text


def test_statuses_without_a_channel_write_nothing(shipment):
    move(shipment, Status.IN_TRANSIT)  # in transit: no SMS, no email by default, no webhook endpoint
    assert Outbox.objects.count() == 0


def test_the_outbox_is_written_with_a_fixed_number_of_queries_whatever_the_batch(
        api_a, funded):
    import datetime as dt

    from parcelhub.notify import services
    from parcelhub.shipping.models import Shipment
    from parcelhub.tracking.services import IncomingEvent, tracking_ingest
    from tests.shipping.conftest import AD_HOC_BODY, post

    services.webhook_endpoint_create(merchant=funded, url="https://erp.example/hook",
                                     events=["shipment.status_changed"])
    for _ in range(3):
        post(api_a, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest"}})
    shipments = list(Shipment.objects.order_by("pk"))
    at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)  # recent news: people get messages too

    def ingest(batch, status):
        return tracking_ingest(events=[IncomingEvent(carrier=s.carrier_code, waybill_no=s.waybill_no, occurred_at=at,
                                                     status=status, description="x") for s in batch])

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        ingest(shipments[:1], Status.PICKED_UP)
    with CaptureQueriesContext(connection) as two:
        ingest(shipments[1:], Status.PICKED_UP)
    assert len(one) == len(two)
    assert Outbox.objects.filter(channel="sms").count() == 3
    assert Outbox.objects.filter(channel="webhook").count() == 3


def test_old_news_reaches_webhooks_but_not_people(shipment, merchant_a):
    """A tracker catching up on a status reached days ago (or history being loaded) does not text anyone."""
    import datetime as dt

    from parcelhub.notify import services
    from parcelhub.tracking.services import IncomingEvent, tracking_ingest

    services.webhook_endpoint_create(merchant=merchant_a[0], url="https://erp.example/hook",
                                     events=["shipment.status_changed"])
    tracking_ingest(events=[IncomingEvent(carrier=shipment.carrier_code, waybill_no=shipment.waybill_no,
                                          occurred_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3),
                                          status=Status.PICKED_UP, description="揽收")])
    assert list(Outbox.objects.values_list("channel", flat=True)) == ["webhook"]
