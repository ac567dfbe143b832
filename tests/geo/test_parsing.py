"""The pure parser: no database."""

from __future__ import annotations

import pytest

from parcelhub.geo.parsing import ParsedAddress, ParseError, parse_address, parse_addresses

YIWU = dict(province="浙江省", city="金华市", district="义乌市", province_code="330000", city_code="330700",
            district_code="330782")


def test_the_issue_example():
    assert parse_address("张三 13800138000 浙江省义乌市稠城街道工人北路1号") == ParsedAddress(
        **YIWU, detail="稠城街道工人北路1号", name="张三", phone="13800138000", missing=())


@pytest.mark.parametrize("text", [
    "浙江省义乌市稠城街道工人北路1号 张三 13800138000",
    "13800138000，张三，浙江省义乌市稠城街道工人北路1号",
    "收件人:张三 电话:138-0013-8000 地址:浙江省义乌市稠城街道工人北路1号",
    "收货人：张三；手机号码：+86 138 0013 8000；收货地址：浙江省 金华市 义乌市 稠城街道 工人北路1号",
    "张三、13800138000、金华义乌稠城街道工人北路1号",
    "张三浙江省义乌市稠城街道工人北路1号13800138000",
    "浙江省 金华市 义乌市 稠城街道 工人北路1号 张三 8613800138000",
    "姓名：张三\n电话：13800138000\n详细地址：浙江省义乌市稠城街道工人北路1号",
    "张三 １３８００１３８０００ 浙江省义乌市稠城街道工人北路１号",
])
def test_order_labels_and_separators_do_not_matter(text):
    parsed = parse_address(text)
    assert (parsed.name, parsed.phone, parsed.detail) == ("张三", "13800138000", "稠城街道工人北路1号")
    assert (parsed.province_code, parsed.city_code, parsed.district_code) == ("330000", "330700", "330782")


def test_address_without_province():
    parsed = parse_address("义乌市稠城街道工人北路1号")
    assert (parsed.province, parsed.city, parsed.district) == ("浙江省", "金华市", "义乌市")
    assert parsed.missing == ("name", "phone")


def test_municipality():
    parsed = parse_address("北京市朝阳区建国路88号")
    assert (parsed.province, parsed.city, parsed.district, parsed.detail) == ("北京市", "北京市", "朝阳区",
                                                                             "建国路88号")
    assert (parsed.province_code, parsed.city_code, parsed.district_code) == ("110000", "110100", "110105")


def test_municipality_without_district_and_chongqing_county():
    parsed = parse_address("上海市南京东路1号")
    assert (parsed.city_code, parsed.district_code, parsed.missing) == ("310100", None,
                                                                      ("name", "phone", "district"))
    parsed = parse_address("李四 13912345678 重庆忠县忠州镇人民路2号")
    assert (parsed.city, parsed.city_code, parsed.district_code, parsed.detail) == ("重庆市", "500200", "500233",
                                                                                   "忠州镇人民路2号")


def test_landline_with_extension_and_labels():
    parsed = parse_address("联系人：赵六 电话：0571-88888888转123 地址：杭州市西湖区文三路90号")
    assert (parsed.name, parsed.phone) == ("赵六", "0571-88888888-123")
    assert (parsed.city, parsed.district_code, parsed.detail) == ("杭州市", "330106", "文三路90号")


def test_city_without_districts_and_county_level_city():
    parsed = parse_address("孙九 13600000000 东莞市南城区鸿福路200号")
    assert (parsed.province, parsed.city, parsed.district, parsed.city_code) == ("广东省", "东莞市", None, "441900")
    assert parsed.detail == "南城区鸿福路200号"
    parsed = parse_address("河南济源市天坛路1号 刘八 13700000000")
    assert (parsed.name, parsed.city_code, parsed.district, parsed.district_code) == ("刘八", "419000", "济源市",
                                                                                     "419001")


def test_minority_name_with_middle_dot():
    parsed = parse_address("买买提·艾力 18999999999 新疆维吾尔自治区乌鲁木齐市天山区解放北路1号")
    assert (parsed.name, parsed.province_code, parsed.district_code) == ("买买提·艾力", "650000", "650102")


def test_ambiguous_district_lists_the_candidates():
    with pytest.raises(ParseError) as info:
        parse_address("朝阳区建国路88号")
    assert info.value.code == "address_ambiguous"
    assert info.value.candidates == ("北京市 朝阳区", "吉林省 长春市 朝阳区")
    assert info.value.missing == ("province", "city")
    assert "朝阳区" in info.value.message and "北京市 朝阳区" in info.value.message_zh


def test_ambiguous_within_the_province_given():
    with pytest.raises(ParseError) as info:
        parse_address("江苏鼓楼区中山路1号")
    assert (info.value.code, info.value.missing) == ("address_ambiguous", ("city",))
    assert info.value.candidates == ("江苏省 南京市 鼓楼区", "江苏省 徐州市 鼓楼区")
    assert parse_address("南京鼓楼区中山路1号").district_code == "320106"


@pytest.mark.parametrize(("text", "code", "missing"), [
    ("张三 13800138000", "address_missing_region", ("province", "city")),
    ("建国路88号", "address_missing_region", ("province", "city")),
    ("浙江省稠城街道工人北路1号", "address_missing_region", ("city",)),
    ("香港九龙弥敦道1号", "address_outside_mainland", ("province",)),
    ("   ", "address_empty", ("province", "city", "detail")),
    ("张三 12345678901 浙江省义乌市稠城街道", "phone_invalid", ("phone",)),
])
def test_errors_say_what_is_missing(text, code, missing):
    with pytest.raises(ParseError) as info:
        parse_address(text)
    assert (info.value.code, info.value.missing) == (code, missing)


def test_missing_region_messages():
    with pytest.raises(ParseError) as info:
        parse_address("建国路88号")
    assert info.value.message == "Cannot tell the province and city of this address."
    assert info.value.message_zh == "无法识别该地址所在的省份和城市。"


def test_detail_is_required_only_when_asked():
    parsed = parse_address("浙江省杭州市西湖区")
    assert (parsed.detail, parsed.missing) == ("", ("name", "phone", "detail"))
    with pytest.raises(ParseError) as info:
        parse_address("浙江省杭州市西湖区", require_detail=True)
    assert (info.value.code, info.value.missing) == ("address_missing_detail", ("detail",))


def test_contact_false_reads_the_whole_text_as_address():
    parsed = parse_address("义乌 稠城街道", contact=False)
    assert (parsed.district_code, parsed.detail, parsed.name) == ("330782", "稠城街道", None)


def test_batch_matches_single_calls_in_order():
    texts = ["张三 13800138000 浙江省义乌市稠城街道工人北路1号", "朝阳区建国路88号", "", "北京市朝阳区建国路88号"]
    results = parse_addresses(texts)
    assert isinstance(results[0], ParsedAddress) and results[0] == parse_address(texts[0])
    assert isinstance(results[1], ParseError) and results[1].code == "address_ambiguous"
    assert isinstance(results[2], ParseError) and results[2].code == "address_empty"
    assert isinstance(results[3], ParsedAddress) and results[3].district_code == "110105"
    assert parse_addresses([]) == []


def test_marketplace_export_with_postcode():
    parsed = parse_address("张三，86-13800138000，浙江省 金华市 义乌市 稠城街道 工人北路1号，322000")
    assert (parsed.name, parsed.phone, parsed.detail) == ("张三", "13800138000", "稠城街道工人北路1号")


@pytest.mark.parametrize("text", [
    "张三 138****8000 浙江省义乌市稠城街道工人北路1号",
    "收货人：张三 手机：138****8000 地址：浙江省义乌市稠城街道工人北路1号",
])
def test_masked_phone_is_invalid(text):
    with pytest.raises(ParseError) as info:
        parse_address(text)
    assert (info.value.code, info.value.message_zh) == (
        "phone_invalid", "“138****8000”不是有效的大陆手机号（1 开头的 11 位数字）或带区号的固定电话（如 0571-88888888）。")


def test_english_labels_and_full_latin_name():
    parsed = parse_address("Name: John Smith, Phone: 13800138000, Address: 上海市浦东新区张江路100号")
    assert (parsed.name, parsed.phone, parsed.district_code, parsed.detail) == ("John Smith", "13800138000",
                                                                               "310115", "张江路100号")
