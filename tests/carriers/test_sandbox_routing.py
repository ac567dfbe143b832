"""Sort codes (大头笔 / 三段码) and hubs (集包地): deterministic by destination, in the printed format."""

from __future__ import annotations

import dataclasses
import re

import pytest

from parcelhub.carriers.adapters.sandbox_routing import (
    AREA_CODES,
    PROVINCE_CAPITALS,
    city_segment,
    hub_city,
    hub_name,
    sort_code,
    street_of,
)
from parcelhub.carriers.sandbox_models import SandboxWaybill
from parcelhub.geo.regions_data import read_rows
from tests.carriers.test_sandbox_world import DONGGUAN, HANGZHOU, freeze, make_world, waybill_request

SORT_CODE = re.compile(r"^\d{3}-[A-HJ-NP-Z]\d{2} \d{3}$")


@pytest.fixture
def world(db, monkeypatch):
    freeze(monkeypatch)
    return make_world()


def test_hangzhou_xihu_exact_per_carrier():
    args = {"city_code": "330100", "district_code": "330106", "detail": "文三路 90 号"}
    assert {c: sort_code(carrier=c, **args) for c in ("sf", "zto", "jd", "ems")} == {
        "sf": "571-Y06 089", "zto": "571-Y06 023", "jd": "571-Y06 020", "ems": "571-Y06 032"}


def test_exact_codes_for_a_municipality_a_fallback_city_a_county_city_and_a_city_without_districts():
    assert sort_code(carrier="zto", city_code="110100", district_code="110105", detail="建国路 88 号") \
        == "010-Z05 086"
    assert sort_code(carrier="zto", city_code="130200", district_code="130202", detail="新华道 1 号")[:3] == "100"
    assert sort_code(carrier="sf", city_code="419000", district_code="419001", detail="济源大道 1 号") \
        == "239-Q00 026"
    assert sort_code(carrier="sf", city_code="441900", district_code="", detail="东城大道 1 号") == "769-D00 062"


def test_the_street_decides_the_station_not_the_door():
    assert street_of(" 文三路 90 号 ") == "文三路"
    assert street_of("世纪大道100号") == "世纪大道"
    assert street_of("南京西路 1266 号恒隆广场") == "南京西路"
    assert street_of("永兴岛") == "永兴岛"
    one = sort_code(carrier="zto", city_code="330100", district_code="330106", detail="文三路 90 号")
    assert one == sort_code(carrier="zto", city_code="330100", district_code="330106", detail="文三路478号华星时代广场")


def test_every_place_gets_a_well_formed_code_and_cities_never_share_a_first_segment():
    rows = read_rows()
    cities = {r.adcode for r in rows if r.level == 2 and r.adcode[2:4] != "90"} \
        | {r.adcode for r in rows if r.level == 3 and r.adcode[2:4] == "90"}
    segments = {city: city_segment(city) for city in cities}
    # Chongqing's two city-level entries are one city for the carriers.
    assert segments["500100"] == segments["500200"] == "023"
    assert len(set(segments.values())) == len(cities) - 1
    assert all(re.fullmatch(r"\d{3}", s) for s in segments.values())
    for row in rows:
        if row.level != 3:
            continue
        city = row.parent_code or ""
        code = sort_code(carrier="yto", city_code=city, district_code=row.adcode, detail="人民路 1 号")
        assert SORT_CODE.match(code), (row.adcode, code)


def test_districts_of_a_city_get_distinct_second_segments():
    districts = [r.adcode for r in read_rows() if r.parent_code == "500100"]   # 重庆: 26 districts
    seconds = {sort_code(carrier="sf", city_code="500100", district_code=d, detail="")[4:7] for d in districts}
    assert len(seconds) == len(districts)


def test_hub_is_the_city_sorting_centre_or_the_province_capitals():
    assert hub_city(province_code="330000", city_code="330700", district_code="330782") == "330700"  # 金华
    assert hub_city(province_code="330000", city_code="330800", district_code="330802") == "330100"  # 衢州 → 杭州
    assert hub_city(province_code="410000", city_code="419000", district_code="419001") == "410100"  # 济源 → 郑州
    assert set(PROVINCE_CAPITALS.values()) <= set(AREA_CODES)
    assert [hub_name(c, "杭州") for c in ("zto", "sf", "jd", "ems")] == [
        "杭州转运中心", "杭州中转场", "杭州分拣中心", "杭州邮件处理中心"]


def test_waybills_carry_the_sort_code_and_hub_and_repeat_them(world):
    first = world.create_waybill(waybill_request("zto", reference="shp_a"))
    second = world.create_waybill(waybill_request("zto", reference="shp_b"))
    assert (first.sort_code, first.hub) == (second.sort_code, second.hub) == ("571-Y06 023", "杭州转运中心")
    assert first.waybill_no != second.waybill_no
    sf = world.create_waybill(waybill_request("sf", reference="shp_c"))
    assert (sf.sort_code, sf.hub) == ("571-Y06 089", "杭州中转场")
    row = SandboxWaybill.objects.get(waybill_no=first.waybill_no)
    assert (row.origin_code, row.destination_code, row.sort_code, row.hub) == (
        "330782", "330106", "571-Y06 023", "杭州转运中心")


def test_small_city_hub_is_named_after_the_province_capital(world):
    quzhou = dataclasses.replace(HANGZHOU, city_code="330800", district_code="330802", detail="上街 1 号")
    jd = world.create_waybill(waybill_request("jd", "tehui", recipient=quzhou))
    assert (jd.sort_code[:3], jd.hub) == ("174", "杭州分拣中心")
    dongguan = world.create_waybill(waybill_request("ems", reference="shp_dg", recipient=DONGGUAN))
    assert (dongguan.sort_code[:7], dongguan.hub) == ("769-D00", "东莞邮件处理中心")
