"""Sort codes (大头笔 / 三段码) and hubs (集包地) of the sandbox network, deterministic by destination.

A sort code has three segments, "571-H12 034":
1. the destination city, 3 digits: the city's telephone area code for the big cities in `AREA_CODES`
   (杭州 571, 北京 010 …); every other city gets a number from 100 upward, in adcode order, skipping those
   codes. County-level cities directly under a province (济源, 仙桃, 石河子 …) count as cities. The order
   comes from the region table shipped in the pinned `cpca`, so numbers never move while that pin stays.
2. the district, a letter and 2 digits: the digits are the district adcode's last two (unique in a city,
   "00" where the address has no district); the letter, derived from the adcode, only makes lines easier
   to tell apart by eye.
3. the delivery station, 3 digits (001–099): from the carrier, the district and the street part of the
   detail address, so one street is always served by the same station of a carrier.

The hub is the destination city's sorting centre when that city has one (the cities of `AREA_CODES`),
otherwise the province capital's, named as the carrier names them: 杭州转运中心, 杭州中转场 (SF) …
"""

from __future__ import annotations

import functools
import re
import zlib

# Big cities with their own sorting centre; the values are their telephone area codes.
AREA_CODES: dict[str, str] = {
    "110100": "010", "120100": "022", "130100": "311", "140100": "351", "150100": "471", "210100": "024",
    "210200": "411", "220100": "431", "230100": "451", "310100": "021", "320100": "025", "320200": "510",
    "320400": "519", "320500": "512", "330100": "571", "330200": "574", "330300": "577", "330400": "573",
    "330500": "572", "330600": "575", "330700": "579", "331000": "576", "340100": "551", "350100": "591",
    "350200": "592", "350500": "595", "360100": "791", "370100": "531", "370200": "532", "410100": "371",
    "420100": "027", "430100": "731", "440100": "020", "440300": "755", "440500": "754", "440600": "757",
    "441900": "769", "442000": "760", "450100": "771", "460100": "898", "500100": "023", "500200": "023",
    "510100": "028", "520100": "851", "530100": "871", "540100": "891", "610100": "029", "620100": "931",
    "630100": "971", "640100": "951", "650100": "991",
}

PROVINCE_CAPITALS: dict[str, str] = {
    "110000": "110100", "120000": "120100", "130000": "130100", "140000": "140100", "150000": "150100",
    "210000": "210100", "220000": "220100", "230000": "230100", "310000": "310100", "320000": "320100",
    "330000": "330100", "340000": "340100", "350000": "350100", "360000": "360100", "370000": "370100",
    "410000": "410100", "420000": "420100", "430000": "430100", "440000": "440100", "450000": "450100",
    "460000": "460100", "500000": "500100", "510000": "510100", "520000": "520100", "530000": "530100",
    "540000": "540100", "610000": "610100", "620000": "620100", "630000": "630100", "640000": "640100",
    "650000": "650100",
}

HUB_SUFFIX: dict[str, str] = {"sf": "中转场", "jd": "分拣中心", "ems": "邮件处理中心"}
DEFAULT_HUB_SUFFIX = "转运中心"

_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"   # no I or O: they read as 1 and 0 on a thermal label
_STATIONS = 99
# The street, lane, village … a detail address starts with; the rest (number, building, room) is the door.
_STREET = re.compile(r"^.*?(?:大道|路|街|道|巷|弄|胡同|村|镇|乡|里)")


def is_direct_county(adcode: str) -> bool:
    """Adcodes under a province's 省直辖县级行政区划 pseudo-city (xx90xx)."""
    return adcode[2:4] == "90"


def sort_city(city_code: str, district_code: str) -> str:
    """The adcode that stands for the destination city in segment 1 and in hub choice."""
    if is_direct_county(city_code) and district_code:
        return district_code
    return city_code


@functools.cache
def _fallback_codes() -> dict[str, str]:
    from parcelhub.geo.regions_data import read_rows

    cities = [r.adcode for r in read_rows()
              if (r.level == 2 and not is_direct_county(r.adcode))
              or (r.level == 3 and is_direct_county(r.adcode))]
    taken = set(AREA_CODES.values())
    free = (f"{n:03d}" for n in range(100, 1000) if f"{n:03d}" not in taken)
    return {adcode: next(free) for adcode in sorted(cities) if adcode not in AREA_CODES}


def city_segment(city: str) -> str:
    if city in AREA_CODES:
        return AREA_CODES[city]
    return _fallback_codes().get(city, "999")


def district_segment(city: str, district_code: str) -> str:
    if not district_code or district_code == city:
        return f"{_LETTERS[int(city) // 100 % len(_LETTERS)]}00"
    return f"{_LETTERS[int(district_code) * 7 % len(_LETTERS)]}{district_code[4:]}"


def street_of(detail: str) -> str:
    compact = "".join(detail.split()).casefold()
    match = _STREET.match(compact)
    return match.group(0) if match else compact


def station_segment(carrier: str, district_code: str, detail: str) -> str:
    key = f"{carrier}|{district_code}|{street_of(detail)}"
    return f"{1 + zlib.crc32(key.encode()) % _STATIONS:03d}"


def sort_code(*, carrier: str, city_code: str, district_code: str, detail: str) -> str:
    city = sort_city(city_code, district_code)
    return (f"{city_segment(city)}-{district_segment(city, district_code)} "
            f"{station_segment(carrier, district_code or city, detail)}")


def hub_city(*, province_code: str, city_code: str, district_code: str) -> str:
    """Adcode of the city whose sorting centre bags parcels for this destination."""
    city = sort_city(city_code, district_code)
    return city if city in AREA_CODES else PROVINCE_CAPITALS.get(province_code, city)


def hub_name(carrier: str, city_short_name: str) -> str:
    return f"{city_short_name}{HUB_SUFFIX.get(carrier, DEFAULT_HUB_SUFFIX)}"
