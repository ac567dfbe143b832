"""The Kdniao push receiver (hooks/kdniao) through Django's test client."""

from __future__ import annotations

import json
import logging
import urllib.parse

import pytest
from django.test import Client
from django.urls import reverse

from parcelhub.carriers.adapters import kdniao
from parcelhub.tracking import hooks
from parcelhub.tracking.models import Tracking, TrackingEvent
from tests.shipping.conftest import AD_HOC_BODY, post

pytestmark = pytest.mark.django_db

ACCOUNT, KEY = "1234567", "test-app-key"
URL = "/hooks/kdniao"


@pytest.fixture(autouse=True)
def account(settings):
    settings.KDNIAO_EBUSINESS_ID = ACCOUNT
    settings.KDNIAO_APP_KEY = KEY


@pytest.fixture
def tracked(api_a, funded):
    shipment = post(api_a, "/api/v1/shipments", {**AD_HOC_BODY, "buy": {"rule": "cheapest"}}).json()
    return kdniao.SHIPPER_CODES[shipment["carrier"]], shipment["waybill_no"]


def push_form(tracked, traces, state="2", state_ex="", key=KEY, **payload_over):
    shipper, waybill = tracked
    payload = {"EBusinessID": ACCOUNT, "PushTime": "2026-11-20 12:00:00", "Count": "1",
               "Data": [{"EBusinessID": ACCOUNT, "ShipperCode": shipper, "LogisticCode": waybill, "Success": True,
                         "State": state, "StateEx": state_ex, "Traces": traces}], **payload_over}
    data = json.dumps(payload, ensure_ascii=False)
    return {"RequestData": data, "DataSign": kdniao.sign(data, key), "RequestType": "101", "DataType": "2",
            "EBusinessID": ACCOUNT}


def send(form, **extra):
    # As Kdniao sends it: application/x-www-form-urlencoded, no CSRF token, no login.
    return Client().post(URL, data=urllib.parse.urlencode(form), content_type="application/x-www-form-urlencoded",
                         **extra)


TRACES = [{"AcceptTime": "2026-11-19 09:00:00", "AcceptStation": "【义乌】已揽收", "Location": "金华市", "Action": "1"},
          {"AcceptTime": "2026-11-19 21:00:00", "AcceptStation": "离开义乌中心", "Location": "金华市", "Action": "2"}]


def test_the_url_is_named():
    assert reverse("tracking:kdniao_push") == URL


def test_a_signed_push_is_stored_and_acknowledged(tracked):
    response = send(push_form(tracked, TRACES))
    assert response.status_code == 200
    ack = response.json()
    assert (ack["EBusinessID"], ack["Success"], ack["Reason"]) == (ACCOUNT, True, "")
    assert len(ack["UpdateTime"]) == 19
    rows = list(TrackingEvent.objects.values_list("status", "raw_code", "description", "location", "source"))
    assert rows == [("picked_up", "1", "【义乌】已揽收", "金华市", "kdniao"),
                    ("in_transit", "2", "离开义乌中心", "金华市", "kdniao")]
    assert Tracking.objects.get().status == "in_transit"
    # Kdniao resends the whole list: nothing new is stored.
    assert send(push_form(tracked, TRACES)).status_code == 200
    assert TrackingEvent.objects.count() == 2


@pytest.mark.parametrize("case", ["wrong key", "no sign", "tampered"])
def test_a_badly_signed_push_is_refused_logged_and_not_stored(tracked, caplog, case):
    form = push_form(tracked, TRACES, key="not-our-key" if case == "wrong key" else KEY)
    if case == "no sign":
        del form["DataSign"]
    if case == "tampered":
        form["RequestData"] = form["RequestData"].replace("已揽收", "已签收")
    before = hooks.PUSH_COUNTERS["kdniao.refused_signature"]
    with caplog.at_level(logging.WARNING, logger="parcelhub.tracking.hooks"):
        response = send(form, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 400
    assert (response.json()["Success"], response.json()["Reason"]) == (False, "DataSign is missing or wrong")
    ours = [r for r in caplog.records if r.name == "parcelhub.tracking.hooks"]
    assert [r.levelname for r in ours] == ["WARNING"]
    message = ours[0].getMessage()
    assert "EBusinessID='1234567'" in message and "203.0.113.9" in message
    assert hooks.PUSH_COUNTERS["kdniao.refused_signature"] == before + 1
    assert TrackingEvent.objects.count() == 0
    assert Tracking.objects.get().status == "created"


@pytest.mark.parametrize("body", [
    {}, {"RequestData": "", "DataSign": ""}, "not a form at all %%%", b"\xff\xfe\x00",
])
def test_malformed_bodies_are_400_not_500(tracked, body):
    client = Client()
    if isinstance(body, dict):
        response = client.post(URL, data=body)
    else:
        response = client.post(URL, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json()["Success"] is False
    assert TrackingEvent.objects.count() == 0


def test_signed_but_unreadable_pushes_are_400(tracked):
    data = '{"EBusinessID": "1234567", "Data": [{"ShipperCode": "ZTO", "LogisticCode": "x", "Traces": [{"AcceptTime": "soon"}]}]}'
    response = send({"RequestData": data, "DataSign": kdniao.sign(data, KEY), "RequestType": "101"})
    assert (response.status_code, response.json()["Reason"]) == (400, "a Data item's traces could not be read")


def test_only_post(tracked):
    assert Client().get(URL).status_code == 405


def test_unconfigured_receiver_refuses_everything(tracked, settings, caplog):
    settings.KDNIAO_APP_KEY = ""
    response = send(push_form(tracked, TRACES))
    assert (response.status_code, response.json()["Success"]) == (503, False)
    assert TrackingEvent.objects.count() == 0


def test_a_problem_state_is_recorded_once(tracked):
    form = push_form(tracked, TRACES, state="4", state_ex="403")
    assert send(form).status_code == 200
    assert send(form).status_code == 200
    tracking = Tracking.objects.get()
    assert (tracking.status, tracking.exception_kind) == ("exception", "no_update")
    assert list(TrackingEvent.objects.values_list("raw_code", flat=True)) == ["1", "2", "403"]


def test_one_waybill_number_at_two_carriers_moves_only_the_pushed_one(tracked):
    from parcelhub.shipping.models import Shipment
    from parcelhub.tracking.services import tracking_start

    shipper, waybill = tracked
    original = Shipment.objects.get()
    other_carrier = "sf" if original.carrier_code != "sf" else "zto"
    twin = Shipment.objects.create(
        merchant=original.merchant, status=Shipment.Status.PURCHASED, sender_name="x", sender_phone="13800138000",
        sender_region=original.sender_region, recipient_name="y", recipient_phone="13900139000",
        recipient_region=original.recipient_region, weight_g=1000, carrier_code=other_carrier, waybill_no=waybill)
    tracking_start(shipment=twin)
    assert send(push_form(tracked, TRACES)).status_code == 200
    statuses = dict(Tracking.objects.values_list("carrier_code", "status"))
    assert statuses == {original.carrier_code: "in_transit", other_carrier: "created"}
    assert set(TrackingEvent.objects.values_list("tracking__carrier_code", flat=True)) == {original.carrier_code}


def test_a_push_over_the_upload_limit_is_413_and_logged(tracked, settings, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    with caplog.at_level(logging.WARNING, logger="parcelhub.tracking.hooks"):
        response = send(push_form(tracked, TRACES))
    assert (response.status_code, response.json()["Reason"]) == (413, "push too large")
    assert any(r.name == "parcelhub.tracking.hooks" for r in caplog.records)
    assert TrackingEvent.objects.count() == 0


def test_a_multipart_push_is_read_too(tracked):
    response = Client().post(URL, data=push_form(tracked, TRACES))   # the test client's default is multipart
    assert response.status_code == 200
    assert TrackingEvent.objects.count() == 2
