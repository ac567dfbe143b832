"""Mainland China's provinces, cities and districts, read from the adcode table shipped inside `cpca`.

Used by the data migration and by `parcelhub load_regions`. It takes the Region model class as an argument
(instead of importing it) because a migration must pass its historical model.
"""

from __future__ import annotations

import csv
import importlib.resources
from dataclasses import dataclass
from typing import Any

# Taiwan, Hong Kong and Macao are served by other networks and priced as international; not loaded.
EXCLUDED_PROVINCE_PREFIXES = frozenset({"71", "81", "82"})

# Default remote destinations (偏远地区); operators can change the flag afterwards.
DEFAULT_REMOTE_PROVINCES = frozenset({"650000", "540000", "630000", "150000", "640000", "620000", "460000"})

# The table names the city level of municipalities 市辖区 / 县, which is meaningless on its own in a picker.
_MUNICIPALITY_CITY_NAMES = {
    "110100": "北京市",
    "120100": "天津市",
    "310100": "上海市",
    "500100": "重庆市",
    "500200": "重庆市辖县",
}

# Ethnic-group names that appear in autonomous regions' names; stripped to get the everyday short form.
# Multi-character names may appear without 族 (伊犁哈萨克自治州), single characters only with it (大厂回族).
_ETHNIC_GROUPS = (
    "维吾尔", "哈萨克", "柯尔克孜", "乌孜别克", "塔吉克", "塔塔尔", "俄罗斯", "鄂温克", "鄂伦春", "达斡尔", "蒙古", "土家", "哈尼", "傈僳", "拉祜",
    "纳西", "景颇", "布依", "布朗", "仫佬", "毛南", "仡佬", "锡伯", "阿昌", "普米", "德昂", "保安", "裕固", "独龙", "赫哲", "门巴", "珞巴",
    "基诺", "朝鲜", "东乡", "撒拉", "高山",
)
_SINGLE_CHAR_GROUPS = "回藏苗彝壮满侗瑶白傣黎佤畲水土羌怒京"
_AUTONOMY_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗")
_PLAIN_SUFFIXES = ("地区", "林区", "新区", "省", "市", "区", "县", "旗", "盟")


@dataclass(frozen=True)
class RegionRow:
    adcode: str
    name: str
    short_name: str
    level: int
    parent_code: str | None
    is_remote: bool


def _strip_ethnic(stem: str) -> str:
    changed = True
    while changed:
        changed = False
        for group in _ETHNIC_GROUPS:
            for tail in (group + "族", group):
                if stem.endswith(tail) and len(stem) - len(tail) >= 2:
                    stem, changed = stem[: -len(tail)], True
        if len(stem) > 3 and stem[-1] == "族" and stem[-2] in _SINGLE_CHAR_GROUPS:
            stem, changed = stem[:-2], True
        if stem.endswith("各族") and len(stem) > 3:
            stem, changed = stem[:-2], True
    return stem


def short_name_for(name: str) -> str:
    """浙江省 → 浙江, 新疆维吾尔自治区 → 新疆, 义乌市 → 义乌; keeps one-character stems whole (忠县, 矿区)."""
    for suffix in _AUTONOMY_SUFFIXES:
        if name.endswith(suffix):
            stem = _strip_ethnic(name[: -len(suffix)])
            return stem if len(stem) >= 2 else name
    for suffix in _PLAIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return _strip_ethnic(name[: -len(suffix)])
    return name


def _level_of(adcode: str) -> int:
    if adcode[2:] == "0000":
        return 1
    if adcode[4:] == "00":
        return 2
    return 3


def read_rows() -> list[RegionRow]:
    """All mainland regions, parents before children (sorted by level, then adcode)."""
    source = importlib.resources.files("cpca") / "resources" / "adcodes.csv"
    raw: dict[str, str] = {}
    with source.open(encoding="utf-8") as fh:
        for record in csv.DictReader(fh):
            adcode = record["adcode"][:6]
            if adcode[:2] in EXCLUDED_PROVINCE_PREFIXES:
                continue
            # Level-3 "市辖区" rows are statistical placeholders, not places anyone ships to.
            if _level_of(adcode) == 3 and record["name"] == "市辖区":
                continue
            raw[adcode] = _MUNICIPALITY_CITY_NAMES.get(adcode, record["name"].strip())
    rows = []
    for adcode, name in raw.items():
        level = _level_of(adcode)
        parent = None if level == 1 else (adcode[:2] + "0000" if level == 2 else adcode[:4] + "00")
        if parent is not None and parent not in raw:
            raise ValueError(f"adcode {adcode} ({name}) has no parent {parent} in the cpca table")
        short = short_name_for(name)
        if name.endswith("直辖县级行政区划"):
            short = name.removesuffix("级行政区划")
        elif adcode in _MUNICIPALITY_CITY_NAMES:
            short = name[:2]
        rows.append(RegionRow(adcode, name, short, level, parent, level == 1 and adcode in DEFAULT_REMOTE_PROVINCES))
    rows.sort(key=lambda r: (r.level, r.adcode))
    return rows


def load_regions(region_model: Any) -> int:
    """Create the regions missing from the table; returns how many were created.

    Existing rows are left alone so re-running never resets an operator's remote-province choices.
    """
    existing = set(region_model.objects.values_list("adcode", flat=True))
    created = 0
    for level in (1, 2, 3):
        batch = [
            region_model(adcode=r.adcode, name=r.name, short_name=r.short_name, level=r.level,
                         parent_id=r.parent_code, is_remote=r.is_remote)
            for r in read_rows() if r.level == level and r.adcode not in existing
        ]
        region_model.objects.bulk_create(batch, batch_size=500)
        created += len(batch)
    return created


def unload_regions(region_model: Any) -> None:
    # Children first: parent is PROTECT.
    for level in (3, 2, 1):
        region_model.objects.filter(level=level).delete()
