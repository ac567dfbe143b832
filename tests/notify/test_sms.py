from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from parcelhub.notify import delivery, services
from parcelhub.notify.models import NotifySettings, Outbox, SmsMessage, SmsUsage, Suppression
from parcelhub.notify.outbox import outbox_expand_pending
from parcelhub.tracking.services import IncomingEvent, tracking_ingest
from parcelhub.tracking.status import Status
from tests.notify.conftest import move

pytestmark = pytest.mark.django_db

NOV = dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)   # 23:00 on 30 November in Shanghai
DEC = dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)   # 00:00 on 1 December in Shanghai


def deliver_all() -> list[str | None]:
    """What the worker does after the ingests commit: compose the pending changes, then send every row."""
    outbox_expand_pending()
    return [delivery.outbox_deliver(pk) for pk in Outbox.objects.order_by("pk").values_list("pk", flat=True)]


def test_over_the_monthly_quota_sms_are_skipped_not_retried(shipment, merchant_a, clock_at):
    NotifySettings.objects.create(merchant=merchant_a[0], sms_monthly_quota=2)
    clock_at(NOV)
    for hours, status in ((-3, Status.PICKED_UP), (-2, Status.OUT_FOR_DELIVERY), (-1, Status.AVAILABLE_FOR_PICKUP)):
        tracking_ingest(events=[IncomingEvent(carrier=shipment.carrier_code, waybill_no=shipment.waybill_no,
                                              occurred_at=NOV + dt.timedelta(hours=hours), status=status,
                                              description=str(status))])
    assert deliver_all() == ["sent", "sent", "skipped"]
    skipped = Outbox.objects.get(status_to="available_for_pickup")
    assert (skipped.skip_reason, skipped.attempts, skipped.next_attempt_at) == ("over_quota", 1, NOV)
    assert deliver_all() == [None, None, None]
    clock_at(DEC)  # a new calendar month in Shanghai: a new quota
    tracking_ingest(events=[IncomingEvent(carrier=shipment.carrier_code, waybill_no=shipment.waybill_no,
                                          occurred_at=DEC, status=Status.DELIVERED, description="delivered")])
    assert deliver_all()[-1] == "sent"
    assert sorted(SmsUsage.objects.values_list("month", "count")) == [
        (dt.date(2026, 11, 1), 2), (dt.date(2026, 12, 1), 1)]
    assert SmsMessage.objects.count() == 3


def test_the_default_quota_comes_from_settings(shipment, clock_at, settings):
    settings.NOTIFY_SMS_MONTHLY_QUOTA = 0
    move(shipment, Status.PICKED_UP)
    assert deliver_all() == ["skipped"]
    assert Outbox.objects.get().skip_reason == "over_quota"


def test_blacklisted_phones_never_get_sms(shipment, merchant_a):
    services.blacklist_add(merchant=merchant_a[0], phone="138 0013 8000", note="投诉")
    move(shipment, Status.PICKED_UP)
    assert deliver_all() == ["skipped"]
    assert Outbox.objects.get().skip_reason == "blacklisted"
    assert SmsMessage.objects.count() == 0
    assert SmsUsage.objects.count() == 0  # a skipped message uses no quota


def test_blacklist_refuses_what_is_not_a_mobile_number(merchant_a):
    with pytest.raises(services.DomainError) as error:
        services.blacklist_add(merchant=merchant_a[0], phone="12345")
    assert error.value.code == "phone_invalid"
    assert Suppression.objects.count() == 0


def test_the_unsubscribe_link_in_the_footer_stops_further_sms(shipment, merchant_a, merchant_b):
    move(shipment, Status.PICKED_UP)
    assert deliver_all() == ["sent"]
    text = SmsMessage.objects.get().text
    link = re.search(r"退订 (\S+)$", text).group(1)
    path = link.removeprefix(django_settings.SITE_URL)
    page = Client().get(path)
    assert page.status_code == 200
    assert "138****8000" in page.content.decode()
    assert Suppression.objects.count() == 0  # GET only asks (link scanners follow links)
    assert Client().post(path).status_code == 200
    entry = Suppression.objects.get()
    assert (entry.merchant, entry.channel, entry.address, entry.reason) == (
        merchant_a[0], "sms", "13800138000", "unsubscribed")
    assert Client().post(path).status_code == 200  # twice is fine
    assert Suppression.objects.count() == 1
    move(shipment, Status.OUT_FOR_DELIVERY, 2)
    assert deliver_all() == [None, "skipped"]
    assert Outbox.objects.get(status_to="out_for_delivery").skip_reason == "unsubscribed"


def test_a_tampered_unsubscribe_link_is_refused(shipment):
    move(shipment, Status.PICKED_UP)
    deliver_all()
    path = re.search(r"退订 (\S+)$", SmsMessage.objects.get().text).group(1).removeprefix(django_settings.SITE_URL)
    forged = path[:-3] + ("AAA/" if not path.endswith("AAA/") else "BBB/")
    assert Client().post(forged).status_code == 404
    assert Suppression.objects.count() == 0


def test_test_mode_shipments_text_nobody(api_a, funded):
    from tests.conftest import bearer_client
    from tests.shipping.conftest import AD_HOC_BODY, post

    client = bearer_client(funded, mode="test")
    body = post(client, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest"}}).json()
    from parcelhub.shipping.models import Shipment

    move(Shipment.objects.get(public_id=body["id"]), Status.PICKED_UP)
    assert Outbox.objects.count() == 0
