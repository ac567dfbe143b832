from __future__ import annotations

import pytest
from django.core.management import call_command

from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import read_rows, short_name_for

pytestmark = pytest.mark.django_db

REMOTE = {"650000", "540000", "630000", "150000", "640000", "620000", "460000"}


def test_counts_by_level():
    assert Region.objects.filter(level=1).count() == 31
    assert Region.objects.filter(level=2).count() == 344
    assert Region.objects.filter(level=3).count() == 2851
    assert Region.objects.count() == len(read_rows()) == 3226


def test_only_mainland_and_every_parent_one_level_up():
    assert not Region.objects.filter(adcode__regex=r"^(71|81|82)").exists()
    assert not Region.objects.filter(level=1, parent__isnull=False).exists()
    assert not Region.objects.filter(level=2).exclude(parent__level=1).exists()
    assert not Region.objects.filter(level=3).exclude(parent__level=2).exists()
    assert not Region.objects.filter(name="市辖区").exists()


def test_default_remote_provinces():
    assert set(Region.objects.filter(is_remote=True).values_list("adcode", flat=True)) == REMOTE


@pytest.mark.parametrize(("adcode", "name", "short"), [
    ("330000", "浙江省", "浙江"),
    ("650000", "新疆维吾尔自治区", "新疆"),
    ("150000", "内蒙古自治区", "内蒙古"),
    ("450000", "广西壮族自治区", "广西"),
    ("640000", "宁夏回族自治区", "宁夏"),
    ("540000", "西藏自治区", "西藏"),
    ("110000", "北京市", "北京"),
    ("330782", "义乌市", "义乌"),
    ("222400", "延边朝鲜族自治州", "延边"),
    ("654000", "伊犁哈萨克自治州", "伊犁"),
    ("310115", "浦东新区", "浦东"),
    ("500233", "忠县", "忠县"),
])
def test_names_and_short_names(adcode, name, short):
    region = Region.objects.get(adcode=adcode)
    assert (region.name, region.short_name) == (name, short)


def test_municipalities_have_a_named_city_level():
    beijing = Region.objects.get(adcode="110105")
    assert (beijing.name, beijing.parent.name, beijing.parent.parent.name) == ("朝阳区", "北京市", "北京市")
    assert list(Region.objects.filter(parent_id="500000").values_list("adcode", "name")) == [
        ("500100", "重庆市"), ("500200", "重庆市辖县")]
    assert Region.objects.get(adcode="500233").parent_id == "500200"


def test_directly_administered_county_cities_have_a_parent():
    for adcode, parent in (("419001", "419000"), ("429004", "429000"), ("469002", "469000"),
                           ("659001", "659000"), ("139001", "139000")):
        region = Region.objects.get(adcode=adcode)
        assert region.parent_id == parent and region.level == 3
    assert Region.objects.get(adcode="419000").name == "省直辖县级行政区划"


def test_load_regions_command_is_idempotent_and_keeps_operator_choices(capsys):
    Region.objects.filter(adcode="330000").update(is_remote=True)
    Region.objects.filter(adcode="330782").delete()
    call_command("load_regions")
    assert "1 regions created, 3226 in total." in capsys.readouterr().out
    call_command("load_regions")
    assert "0 regions created" in capsys.readouterr().out
    assert Region.objects.get(adcode="330000").is_remote is True
    assert Region.objects.get(adcode="330782").parent_id == "330700"


def test_short_name_rules_without_database():
    assert short_name_for("黔东南苗族侗族自治州") == "黔东南"
    assert short_name_for("管城回族区") == "管城"
    assert short_name_for("滨海新区") == "滨海"
    assert short_name_for("矿区") == "矿区"
