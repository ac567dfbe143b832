"""Waybill and pickup numbers: each carrier's public format, the test marker, check digits, uniqueness."""

from __future__ import annotations

import pytest

from parcelhub.carriers.adapters.sandbox import HOTLINES, PICKUP_CAPACITY, UNSERVED
from parcelhub.carriers.adapters.sandbox_numbers import (
    FORMATS,
    LIVE_SERIES,
    PICKUP_PATTERNS,
    WAYBILL_PATTERNS,
    carriers_matching,
    is_test_waybill,
    luhn_digit,
    pickup_number,
    waybill_number,
    waybill_number_valid,
)
from parcelhub.carriers.sandbox_models import SandboxCounter, SandboxWaybill
from tests.carriers.test_sandbox_world import freeze, make_world, waybill_request

CARRIERS = ("sf", "zto", "yto", "sto", "yunda", "jt", "jd", "ems")

FIRST_NUMBERS = {
    "sf": ("SF1041640627041", "SF1045514831936", "SF9041640627043"),
    "zto": ("752007193523", "755881398415", "792007193529"),
    "yto": ("YT4012304292478", "YT4016178497360", "YT9012304292473"),
    "sto": ("7734554481694", "7738428686586", "7794554481698"),
    "yunda": ("4317803897796", "4311678102689", "4397803897798"),
    "jt": ("JT5026965909120", "JT5030840114013", "JT9026965909126"),
    "jd": ("JDV028717726369", "JDV032591931251", "JDV928717726360"),
    "ems": ("1132061826541", "1135936031437", "1932061826544"),
}


@pytest.fixture
def world(db, monkeypatch):
    freeze(monkeypatch)
    return make_world()


def test_the_sandbox_covers_the_eight_demo_carriers():
    assert tuple(FORMATS) == CARRIERS == tuple(WAYBILL_PATTERNS) == tuple(PICKUP_PATTERNS)
    assert set(UNSERVED) == set(PICKUP_CAPACITY) == set(HOTLINES) == set(CARRIERS)
    assert "9" not in LIVE_SERIES.values()


@pytest.mark.parametrize("carrier", CARRIERS)
def test_first_numbers_are_exact(carrier):
    first, second, first_test = FIRST_NUMBERS[carrier]
    assert waybill_number(carrier, 1, test_mode=False) == first
    assert waybill_number(carrier, 2, test_mode=False) == second
    assert waybill_number(carrier, 1, test_mode=True) == first_test


@pytest.mark.parametrize("carrier", CARRIERS)
def test_many_numbers_match_the_format_are_unique_and_check(carrier):
    live = [waybill_number(carrier, n, test_mode=False) for n in range(1, 5001)]
    test = [waybill_number(carrier, n, test_mode=True) for n in range(1, 5001)]
    assert len(set(live) | set(test)) == 10_000
    for number in live + test:
        assert WAYBILL_PATTERNS[carrier].match(number), number
        assert carriers_matching(number) == (carrier,)
        assert waybill_number_valid(carrier, number)
    assert not any(is_test_waybill(carrier, n) for n in live)
    assert all(is_test_waybill(carrier, n) for n in test)


def test_patterns_reject_near_misses():
    assert not WAYBILL_PATTERNS["sf"].match("SF104164062704")       # 12 digits
    assert not WAYBILL_PATTERNS["zto"].match("652007193523")        # does not start with 7
    assert not WAYBILL_PATTERNS["sto"].match("7834554481694")       # 78, not 77
    assert not WAYBILL_PATTERNS["yunda"].match("4417803897796")
    assert not WAYBILL_PATTERNS["jd"].match("JD028717726369")       # JD without V
    assert not WAYBILL_PATTERNS["ems"].match("2132061826541")
    assert carriers_matching("EA123456789CN") == ()


def test_a_mistyped_digit_fails_the_check():
    assert waybill_number_valid("sf", "SF1041640627041")
    assert not waybill_number_valid("sf", "SF1041640627042")
    assert not waybill_number_valid("sf", "SF1041640672041")    # two digits swapped
    assert not waybill_number_valid("zto", "SF1041640627041")   # another carrier's number
    assert not waybill_number_valid("ups", "1Z999AA10123456784")


def test_luhn_digit_of_the_textbook_example():
    assert luhn_digit("7992739871") == "3"


def test_the_series_is_bounded():
    with pytest.raises(OverflowError):
        waybill_number("zto", 10**9, test_mode=False)
    with pytest.raises(OverflowError):
        waybill_number("zto", 0, test_mode=False)


def test_pickup_numbers():
    assert pickup_number("sf", 42, day="270301") == "SFP270301000042"
    assert pickup_number("yunda", 1_234_567, day="270301") == "YDP2703011234567"
    for carrier in CARRIERS:
        assert PICKUP_PATTERNS[carrier].match(pickup_number(carrier, 7, day="270301"))
    assert not PICKUP_PATTERNS["sf"].match("ZTP270301000042")


def test_numbers_issued_through_the_network_are_unique_and_counted(world):
    issued = []
    for carrier in CARRIERS:
        service = "tehui" if carrier == "jd" else "standard"
        for n in range(40):
            issued.append(world.create_waybill(waybill_request(carrier, service, reference=f"shp_{carrier}_{n}",
                                                               test_mode=n % 4 == 0)).waybill_no)
    assert len(set(issued)) == len(issued) == 320
    assert SandboxWaybill.objects.count() == 320
    assert SandboxWaybill.objects.filter(test_mode=True).count() == 80
    assert dict(SandboxCounter.objects.filter(name__startswith="sf:").values_list("name", "value")) == {
        "sf:waybill:live": 30, "sf:waybill:test": 10}
    assert issued[:3] == ["SF9041640627043", "SF1041640627041", "SF1045514831936"]
    for row in SandboxWaybill.objects.all():
        assert WAYBILL_PATTERNS[row.carrier].match(row.waybill_no)
        assert is_test_waybill(row.carrier, row.waybill_no) is row.test_mode
