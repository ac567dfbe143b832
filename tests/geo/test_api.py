from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _parse(client, text, **extra):
    return client.post("/api/v1/addresses/parse", json.dumps({"text": text, **extra}),
                       content_type="application/json")


def test_provinces_by_default(api_a):
    response = api_a.get("/api/v1/regions")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 31
    assert rows[0] == {"adcode": "110000", "name": "北京市", "short_name": "北京", "level": 1, "is_remote": False}
    assert {r["adcode"] for r in rows if r["is_remote"]} == {
        "650000", "540000", "630000", "150000", "640000", "620000", "460000"}


def test_children_of_a_region(api_a):
    rows = api_a.get("/api/v1/regions", {"parent": "330700"}).json()
    assert [r["name"] for r in rows] == ["婺城区", "金东区", "武义县", "浦江县", "磐安县", "兰溪市", "义乌市",
                                         "东阳市", "永康市"]
    assert rows[6] == {"adcode": "330782", "name": "义乌市", "short_name": "义乌", "level": 3, "is_remote": False}


def test_unknown_parent_is_404(api_a):
    response = api_a.get("/api/v1/regions", {"parent": "999999"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "region_unknown"


def test_parse(api_a):
    response = _parse(api_a, "张三 13800138000 浙江省义乌市稠城街道工人北路1号")
    assert response.status_code == 200
    assert response.json() == {
        "name": "张三", "phone": "13800138000", "province": "浙江省", "city": "金华市", "district": "义乌市",
        "detail": "稠城街道工人北路1号", "province_code": "330000", "city_code": "330700",
        "district_code": "330782", "adcode": "330782", "missing": [],
    }


def test_parse_errors_have_the_error_shape(api_a):
    response = _parse(api_a, "张三 13800138000 建国路88号")
    assert response.status_code == 400
    assert response.json() == {"error": {
        "code": "address_missing_region", "message": "Cannot tell the province and city of this address.",
        "details": {"missing": ["province", "city"]}}}
    response = _parse(api_a, "朝阳区建国路88号")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "address_ambiguous"
    assert response.json()["error"]["details"]["candidates"] == ["北京市 朝阳区", "吉林省 长春市 朝阳区"]


def test_parse_requires_detail_by_default(api_a):
    assert _parse(api_a, "浙江省杭州市西湖区").json()["error"]["code"] == "address_missing_detail"
    response = _parse(api_a, "浙江省杭州市西湖区", require_detail=False)
    assert response.status_code == 200 and response.json()["missing"] == ["name", "phone", "detail"]


def test_parse_message_in_chinese(api_a):
    response = api_a.post("/api/v1/addresses/parse", json.dumps({"text": "建国路88号"}),
                          content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json()["error"]["message"] == "无法识别该地址所在的省份和城市。"


def test_too_long_text_is_422(api_a):
    response = _parse(api_a, "浙" * 501)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_console_session_can_call(console_a):
    assert console_a.get("/api/v1/regions").status_code == 200


def test_anonymous_is_401(db):
    for response in (Client().get("/api/v1/regions"), _parse(Client(), "北京市朝阳区建国路88号")):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"
