"""快递鸟 protocol, no database: signing, the code table, reading pushes."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcelhub.carriers.adapters import kdniao
from parcelhub.tracking.status import Status

CST = kdniao.SHANGHAI
PUSH_TIME = dt.datetime(2026, 11, 20, 12, 0, tzinfo=CST)


def test_sign_is_base64_of_the_lowercase_hex_md5_of_the_raw_json_and_key():
    # Computed with coreutils: printf '%s' '{"ShipperCode":…}app-key-1' | md5sum → d150f5e8…1037, then base64.
    data = '{"ShipperCode":"SF","LogisticCode":"SF1234567890"}'
    assert kdniao.sign(data, "app-key-1") == "ZDE1MGY1ZTgzNjM4NjZlYmFkOGZjNWNmNTQ0ZTEwMzc="
    assert kdniao.sign('{"a":"中"}', "k") == "NjI0MWJhNzE2MjkzNTlkMTQyYmJkNDZmNjM1ZjNmN2I="


def test_the_form_url_encodes_each_field_once():
    data = '{"LogisticCode":"SF1 +中"}'
    body = kdniao.encode_form(request_data=data, request_type="1008", ebusiness_id="1234567", app_key="k").decode()
    fields = dict(pair.split("=", 1) for pair in body.split("&"))
    assert fields["RequestData"] == urllib.parse.quote_plus(data)
    assert fields["DataSign"] == urllib.parse.quote_plus(kdniao.sign(data, "k"))
    assert (fields["EBusinessID"], fields["RequestType"], fields["DataType"]) == ("1234567", "1008", "2")


def test_signature_check():
    data = '{"x":1}'
    good = kdniao.sign(data, "k")
    assert kdniao.signature_valid(data, good, "k")
    assert kdniao.signature_valid(data, urllib.parse.quote(good, safe=""), "k")   # encoded once more
    assert not kdniao.signature_valid(data, good, "other")
    assert not kdniao.signature_valid(data + " ", good, "k")
    assert not kdniao.signature_valid(data, "", "k")
    assert not kdniao.signature_valid(data, good, "")
    assert not kdniao.signature_valid(data, "签名", "k")


@pytest.mark.parametrize(("code", "expected"), [
    ("0", (Status.CREATED, "")), ("10", (Status.CREATED, "")), ("1", (Status.PICKED_UP, "")),
    ("2", (Status.IN_TRANSIT, "")), ("201", (Status.ARRIVED_AT_DESTINATION_CITY, "")),
    ("202", (Status.OUT_FOR_DELIVERY, "")), ("211", (Status.AVAILABLE_FOR_PICKUP, "")),
    ("3", (Status.DELIVERED, "")), ("301", (Status.DELIVERED, "")), ("302", (Status.DELIVERED, "")),
    ("304", (Status.DELIVERED, "")), ("311", (Status.DELIVERED, "")), ("4", (Status.EXCEPTION, "")),
    ("401", (Status.EXCEPTION, "no_update")), ("402", (Status.EXCEPTION, "delayed")),
    ("403", (Status.EXCEPTION, "no_update")), ("404", (Status.EXCEPTION, "refused")),
    ("405", (Status.EXCEPTION, "delayed")), ("406", (Status.RETURNED, "")), ("407", (Status.RETURNING, "")),
    ("412", (Status.EXCEPTION, "delayed")), ("413", (Status.RETURNING, "")), ("414", (Status.EXCEPTION, "damaged")),
    ("420", (Status.EXCEPTION, "address_problem")), ("423", (Status.EXCEPTION, "address_problem")),
    ("5", (Status.IN_TRANSIT, "")), ("6", (Status.IN_TRANSIT, "")), ("604", (Status.EXCEPTION, "delayed")),
    ("999", None), ("", None),
])
def test_code_table(code, expected):
    assert kdniao.map_code(code) == expected


def test_every_exception_code_names_a_kind_except_the_bare_problem_state():
    assert [c for c, (s, kind, _) in kdniao.CODES.items() if s == Status.EXCEPTION and not kind] == ["4"]


def test_carrier_codes_round_trip():
    assert kdniao.SHIPPER_CODES == {"sf": "SF", "zto": "ZTO", "yto": "YTO", "sto": "STO", "yunda": "YD",
                                    "jt": "JTSD", "jd": "JD", "ems": "EMS"}
    assert {kdniao.CARRIER_FOR_SHIPPER[s] for s in kdniao.SHIPPER_CODES.values()} == set(kdniao.SHIPPER_CODES)
    with pytest.raises(kdniao.KdniaoError) as info:
        kdniao.shipper_code("dhl")
    assert info.value.code == "kdniao_carrier_unsupported"


def test_times_are_beijing_wall_clock():
    assert kdniao.parse_time("2026-11-20 09:00:00") == dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
    assert kdniao.parse_time("2026/11/20 09:00:00") == dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
    assert kdniao.format_time(dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)) == "2026-11-20 09:00:00"


def trace(when, text, action="", location=""):
    return {"AcceptTime": when, "AcceptStation": text, "Location": location, "Action": action}


def item(traces, state="2", state_ex="", shipper="ZTO", waybill="75000000001", **extra):
    return {"ShipperCode": shipper, "LogisticCode": waybill, "Success": True, "State": state, "StateEx": state_ex,
            "Traces": traces, **extra}


def summary(events):
    return [(e.occurred_at.astimezone(CST).strftime("%d %H:%M"), e.status.value, e.exception_kind, e.raw_code,
             e.description) for e in events]


def test_traces_with_actions_map_their_own_codes():
    events = kdniao.item_events(item([trace("2026-11-20 18:00:00", "派件中", "202", "杭州市"),
                                      trace("2026-11-19 09:00:00", "已揽收", "1", "金华市")], "2", "202"),
                                "zto", push_time=PUSH_TIME)
    assert summary(events) == [("19 09:00", "picked_up", "", "1", "已揽收"),
                               ("20 18:00", "out_for_delivery", "", "202", "派件中")]
    assert (events[0].carrier, events[0].waybill_no, events[0].source, events[1].location) == (
        "zto", "75000000001", "kdniao", "杭州市")


def test_traces_without_actions_keep_a_stable_code_and_the_newest_takes_the_state():
    events = kdniao.item_events(item([trace("2026-11-19 09:00:00", "已揽收"), trace("2026-11-20 18:00:00", "已签收")],
                                     "3", "301"), "zto", push_time=PUSH_TIME)
    assert summary(events) == [("19 09:00", "in_transit", "", "", "已揽收"), ("20 18:00", "delivered", "", "", "已签收")]


def test_a_problem_state_without_a_new_scan_becomes_its_own_event_at_the_newest_trace():
    traces = [trace("2026-11-19 09:00:00", "已揽收", "1"), trace("2026-11-20 08:00:00", "到达杭州", "2")]
    events = kdniao.item_events(item(traces, "4", "403", Reason=""), "zto", push_time=PUSH_TIME)
    assert summary(events)[-1] == ("20 08:00", "exception", "no_update", "403", "超时未更新")
    again = kdniao.item_events(item(traces, "4", "403", Reason="超过3天未更新"), "zto", push_time=PUSH_TIME)
    assert summary(again)[-1] == ("20 08:00", "exception", "no_update", "403", "超过3天未更新")
    refused = kdniao.item_events(item([*traces, trace("2026-11-21 10:00:00", "收件人拒收", "404")], "4", "404"),
                                 "zto", push_time=PUSH_TIME)
    assert len(refused) == 3   # the scan already says so: no extra event


def signed(payload, key="k", **over):
    data = json.dumps(payload, ensure_ascii=False)
    return {"RequestData": data, "DataSign": kdniao.sign(data, key), "RequestType": "101", "DataType": "2", **over}


def test_parse_push_reads_every_item_and_skips_unknown_shippers():
    payload = kdniao.push_payload(ebusiness_id="1234567", push_time=PUSH_TIME, items=[
        item([trace("2026-11-19 09:00:00", "已揽收", "1")], "1"),
        item([trace("2026-11-19 10:00:00", "已揽收", "1")], "1", shipper="SF", waybill="SF1000000000001"),
        item([trace("2026-11-19 11:00:00", "x", "1")], "1", shipper="DHL", waybill="D1"),
        item([], "0", waybill="75000000009", Success=False, Reason="暂无轨迹"),
    ])
    push = kdniao.parse_push(signed(payload), app_key="k", ebusiness_id="1234567")
    assert [(e.carrier, e.waybill_no) for e in push.events] == [("zto", "75000000001"), ("sf", "SF1000000000001")]
    assert push.skipped == ["D1", "75000000009"]
    assert push.push_time == PUSH_TIME


@pytest.mark.parametrize(("form", "reason", "is_signature"), [
    ({"RequestData": "{}"}, "DataSign is missing or wrong", True),
    ("wrong-key", "DataSign is missing or wrong", True),
    ({"RequestData": "not json", "DataSign": kdniao.sign("not json", "k")}, "RequestData is not JSON", False),
    ({"RequestData": "[1]", "DataSign": kdniao.sign("[1]", "k")}, "RequestData has no Data list", False),
    ("other-account", "EBusinessID is not ours", False),
    ("no-code", "a Data item has no LogisticCode", False),
    ("bad-time", "a Data item's traces could not be read", False),
    ("type-1008", "RequestType 1008 is not a push", False),
])
def test_parse_push_refusals(form, reason, is_signature):
    good = kdniao.push_payload(ebusiness_id="1234567", push_time=PUSH_TIME, items=[item([trace("2026-11-19 09:00:00", "x", "1")])])
    forms = {
        "wrong-key": signed(good, key="other"),
        "other-account": signed({**good, "EBusinessID": "7654321"}),
        "no-code": signed({**good, "Data": [{"ShipperCode": "ZTO"}]}),
        "bad-time": signed({**good, "Data": [item([trace("昨天", "x", "1")])]}),
        "type-1008": signed(good, RequestType="1008"),
    }
    with pytest.raises(kdniao.PushRejected) as info:
        kdniao.parse_push(forms.get(form, form) if isinstance(form, str) else form, app_key="k", ebusiness_id="1234567")
    assert (info.value.reason, info.value.signature, info.value.status) == (reason, is_signature, 400)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=40), max_size=5))
def test_decode_form_reads_what_urlencode_writes(fields):
    assert kdniao.decode_form(urllib.parse.urlencode(fields).encode()) == fields


@pytest.mark.parametrize("body", [
    b"", b"a=1&&b=", b"a=%ZZ&b=%4", b"a=%e4%b8%ad+%2B", b"a=x=y", b"a=1\n&b=%0A", b"a=%3D%0D%0A", b"a", b"a=1&a=2",
    b"a=%e4%b8", b"%41=%42",
])
def test_decode_form_agrees_with_the_standard_library(body):
    try:
        expected = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError:
        with pytest.raises(UnicodeDecodeError):
            kdniao.decode_form(body)
        return
    assert kdniao.decode_form(body) == expected
