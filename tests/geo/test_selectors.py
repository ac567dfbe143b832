from __future__ import annotations

import pytest

from parcelhub.core.errors import DomainError
from parcelhub.geo import selectors
from parcelhub.geo.models import Region

pytestmark = pytest.mark.django_db


def test_region_get():
    assert selectors.region_get("330782").name == "义乌市"
    with pytest.raises(DomainError) as info:
        selectors.region_get("999999")
    assert (info.value.code, info.value.status) == ("region_unknown", 404)


def test_provinces_children_and_remote_codes():
    assert selectors.provinces().count() == 31
    assert [r.adcode for r in selectors.children(None)][:3] == ["110000", "120000", "130000"]
    assert [r.name for r in selectors.children("330700")][:3] == ["婺城区", "金东区", "武义县"]
    assert list(selectors.children("330782")) == []
    assert selectors.remote_province_codes() == frozenset(
        {"650000", "540000", "630000", "150000", "640000", "620000", "460000"})
    with pytest.raises(DomainError):
        selectors.children("000000")


def test_origin_chain_is_most_specific_first_without_queries(django_assert_num_queries):
    yiwu, jinhua, zhejiang = (Region.objects.get(adcode=c) for c in ("330782", "330700", "330000"))
    with django_assert_num_queries(0):
        assert selectors.origin_chain(yiwu) == ("330782", "330700", "330000")
        assert selectors.origin_chain(jinhua) == ("330700", "330000")
        assert selectors.origin_chain(zhejiang) == ("330000",)


@pytest.mark.parametrize(("kwargs", "adcode"), [
    ({"province": "浙江"}, "330000"),
    ({"province": "浙江省"}, "330000"),
    ({"province": "330000"}, "330000"),
    ({"province": "新疆"}, "650000"),
    ({"province": "浙江", "city": "金华"}, "330700"),
    ({"province": "浙江省", "city": "金华市", "district": "义乌市"}, "330782"),
    ({"city": "金华", "district": "义乌"}, "330782"),
    ({"district": "330782"}, "330782"),
    ({"province": "北京", "district": "朝阳区"}, "110105"),
    ({"province": "北京", "city": "北京", "district": "朝阳"}, "110105"),
    ({"province": "河南", "city": "济源市"}, "419001"),
    ({"province": "河南", "city": "济源市", "district": "济源"}, "419001"),
    ({"city": "杭州", "district": ""}, "330100"),
])
def test_resolve_region(kwargs, adcode):
    assert selectors.resolve_region(**kwargs).adcode == adcode


def test_resolve_region_mismatch_in_plain_words():
    with pytest.raises(DomainError) as info:
        selectors.resolve_region(province="江苏", city="杭州")
    assert info.value.code == "region_mismatch"
    assert (info.value.message, info.value.message_zh) == ("杭州市 is not in 江苏省.", "杭州市不属于江苏省。")
    with pytest.raises(DomainError) as info:
        selectors.resolve_region(city="金华", district="西湖区")
    assert info.value.code == "region_mismatch"


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"province": "火星"}, "region_unknown"),
    ({"province": "浙江", "city": "不存在市"}, "region_unknown"),
    ({}, "region_unknown"),
    ({"district": "朝阳区"}, "region_ambiguous"),
    ({"province": "江苏", "district": "鼓楼区"}, "region_ambiguous"),
])
def test_resolve_region_errors(kwargs, code):
    with pytest.raises(DomainError) as info:
        selectors.resolve_region(**kwargs)
    assert info.value.code == code


def test_ambiguous_resolution_lists_candidates():
    with pytest.raises(DomainError) as info:
        selectors.resolve_region(district="朝阳区")
    assert info.value.details == {"candidates": ["北京市 朝阳区", "吉林省 长春市 朝阳区"]}


def test_region_from_text():
    region, detail = selectors.region_from_text("浙江省义乌市稠城街道工人北路1号")
    assert (region.adcode, detail) == ("330782", "稠城街道工人北路1号")
    region, detail = selectors.region_from_text("杭州")
    assert (region.adcode, detail) == ("330100", "")


@pytest.mark.parametrize(("text", "code"), [
    ("朝阳区建国路88号", "address_ambiguous"),
    ("不知道哪里", "address_missing_region"),
    ("", "address_empty"),
])
def test_region_from_text_errors_are_domain_errors(text, code):
    with pytest.raises(DomainError) as info:
        selectors.region_from_text(text)
    assert info.value.code == code and info.value.code.startswith("address_")
    assert info.value.status == 400


def test_address_parse_and_batch():
    parsed = selectors.address_parse("张三 13800138000 浙江省义乌市稠城街道工人北路1号", require_detail=True)
    assert (parsed.name, parsed.adcode) == ("张三", "330782")
    results = selectors.addresses_parse(["北京市朝阳区建国路88号", "朝阳区建国路88号"])
    assert results[0].adcode == "110105"
    assert isinstance(results[1], DomainError)
    assert results[1].details == {"missing": ["province", "city"],
                                  "candidates": ["北京市 朝阳区", "吉林省 长春市 朝阳区"]}
