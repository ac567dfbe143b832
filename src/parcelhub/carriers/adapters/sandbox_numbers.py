"""Waybill and pickup confirmation numbers of the sandbox network, in each carrier's public format.

The public formats (what `WAYBILL_PATTERNS` accepts) are tabulated in `adapters.sandbox`.

Inside that format the sandbox lays the digits out as  lead · series · body · check:
- lead: the carrier's fixed leading digits (7 for ZTO, 77 for STO, 43 for Yunda, 1 for EMS, none otherwise);
- series: one digit, the carrier's live series (`LIVE_SERIES`), or 9 for test-mode waybills, so a test label
  is recognisable by eye and by `is_test_waybill`; no live series is 9;
- body: a per-carrier counter passed through a fixed bijection of the body's digit space (n·A + B mod 10^w),
  so numbers are unique for as long as the counter is, yet do not read as 0000001, 0000002 …;
- check: a Luhn digit over everything before it, so a mistyped number is recognised as not ours.

Pickup confirmations are the carrier's letters + "P", the booking day (yymmdd, China time) and a per-carrier
sequence of at least six digits: SFP270301000042.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

TEST_SERIES = "9"


@dataclass(frozen=True)
class WaybillFormat:
    prefix: str   # letters before the digits
    lead: str     # fixed leading digits
    digits: int   # how many digits follow the prefix, lead included

    @property
    def body_width(self) -> int:
        return self.digits - len(self.lead) - 2   # minus series and check digits


FORMATS: dict[str, WaybillFormat] = {
    "sf": WaybillFormat("SF", "", 13),
    "zto": WaybillFormat("", "7", 12),
    "yto": WaybillFormat("YT", "", 13),
    "sto": WaybillFormat("", "77", 13),
    "yunda": WaybillFormat("", "43", 13),
    "jt": WaybillFormat("JT", "", 13),
    "jd": WaybillFormat("JDV", "", 12),
    "ems": WaybillFormat("", "1", 13),
}

LIVE_SERIES: dict[str, str] = {"sf": "1", "zto": "5", "yto": "4", "sto": "3", "yunda": "1", "jt": "5",
                               "jd": "0", "ems": "1"}

WAYBILL_PATTERNS: dict[str, re.Pattern[str]] = {
    "sf": re.compile(r"^SF\d{13}$"),
    "zto": re.compile(r"^7\d{11}$"),
    "yto": re.compile(r"^YT\d{13}$"),
    "sto": re.compile(r"^77\d{11}$"),
    "yunda": re.compile(r"^43\d{11}$"),
    "jt": re.compile(r"^JT\d{13}$"),
    "jd": re.compile(r"^JDV\d{12}$"),
    "ems": re.compile(r"^1\d{12}$"),
}

PICKUP_LETTERS: dict[str, str] = {"sf": "SF", "zto": "ZT", "yto": "YT", "sto": "ST", "yunda": "YD",
                                  "jt": "JT", "jd": "JD", "ems": "EM"}
PICKUP_PATTERNS: dict[str, re.Pattern[str]] = {
    code: re.compile(rf"^{letters}P\d{{6}}\d{{6,}}$") for code, letters in PICKUP_LETTERS.items()}

# Odd and not a multiple of 5, hence invertible modulo every power of ten: the scramble is a bijection.
_MULTIPLIER = 387_420_489


def luhn_digit(digits: str) -> str:
    """The Luhn check digit for a string of digits."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:   # the rightmost payload digit sits next to the check digit: doubled
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def waybill_number(carrier: str, counter: int, *, test_mode: bool) -> str:
    """The `counter`-th (1-based) waybill number of a carrier's live or test series."""
    fmt = FORMATS[carrier]
    width = fmt.body_width
    space = 10 ** width
    if not 1 <= counter < space:
        raise OverflowError(f"{carrier} sandbox waybill series exhausted at {counter}")
    offset = zlib.crc32(carrier.encode()) % space
    body = (counter * _MULTIPLIER + offset) % space
    series = TEST_SERIES if test_mode else LIVE_SERIES[carrier]
    payload = f"{fmt.lead}{series}{body:0{width}d}"
    return f"{fmt.prefix}{payload}{luhn_digit(payload)}"


def waybill_number_valid(carrier: str, waybill_no: str) -> bool:
    """True when the number has the carrier's format and a correct sandbox check digit."""
    pattern = WAYBILL_PATTERNS.get(carrier)
    if pattern is None or not pattern.match(waybill_no):
        return False
    digits = waybill_no[len(FORMATS[carrier].prefix):]
    return luhn_digit(digits[:-1]) == digits[-1]


def is_test_waybill(carrier: str, waybill_no: str) -> bool:
    fmt = FORMATS[carrier]
    position = len(fmt.prefix) + len(fmt.lead)
    return waybill_number_valid(carrier, waybill_no) and waybill_no[position] == TEST_SERIES


def carriers_matching(waybill_no: str) -> tuple[str, ...]:
    """Carrier codes whose public format the number has (more than one only for foreign numbers)."""
    return tuple(code for code, pattern in WAYBILL_PATTERNS.items() if pattern.match(waybill_no))


def pickup_number(carrier: str, counter: int, *, day: str) -> str:
    """`day` is the booking date as yymmdd."""
    return f"{PICKUP_LETTERS[carrier]}P{day}{counter:06d}"
