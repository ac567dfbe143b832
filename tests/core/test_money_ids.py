from __future__ import annotations

import re

import pytest

from parcelhub.core.ids import new_id
from parcelhub.core.money import MoneyFormatError, fen_to_yuan_str, format_fen, parse_yuan


@pytest.mark.parametrize(("text", "fen"), [("12", 1200), ("12.5", 1250), ("0.01", 1), ("¥1,234.56", 123456),
                                            ("-3.10", -310)])
def test_parse_yuan(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["12.345", "abc", "", "NaN", "inf"])
def test_parse_yuan_refuses(text):
    with pytest.raises(MoneyFormatError):
        parse_yuan(text)


def test_formatting():
    assert fen_to_yuan_str(1250) == "12.50"
    assert fen_to_yuan_str(-5) == "-0.05"
    assert format_fen(123456) == "¥1234.56"
    assert format_fen(-310) == "-¥3.10"


def test_ids_are_prefixed_and_time_ordered():
    first, second = new_id("shp"), new_id("shp")
    assert re.fullmatch(r"shp_[0-9A-HJKMNP-TV-Z]{26}", first)
    assert first[:14] <= second[:14]
    assert first != second
