from __future__ import annotations

import pytest

from parcelhub.geo.parsing import ParseError, normalize_phone


@pytest.mark.parametrize(("raw", "normal"), [
    ("13800138000", "13800138000"),
    ("138 0013 8000", "13800138000"),
    ("138-0013-8000", "13800138000"),
    ("+86 138 0013 8000", "13800138000"),
    ("+8613800138000", "13800138000"),
    ("8613800138000", "13800138000"),
    ("0086-13800138000", "13800138000"),
    ("１３８００１３８０００", "13800138000"),
    ("19912345678", "19912345678"),
    ("13800138000-1234", "13800138000-1234"),
    ("0571-88888888", "0571-88888888"),
    ("057188888888", "0571-88888888"),
    ("0571 8888 8888", "0571-88888888"),
    ("(0571)88888888", "0571-88888888"),
    ("010-62345678", "010-62345678"),
    ("020-3456789", "020-3456789"),
    ("+86 571 88888888", "0571-88888888"),
    ("0571-88888888转123", "0571-88888888-123"),
    ("0571-88888888-123", "0571-88888888-123"),
    ("0571-88888888 ext. 9", "0571-88888888-9"),
])
def test_valid_numbers_are_normalised(raw, normal):
    assert normalize_phone(raw) == normal


@pytest.mark.parametrize("raw", [
    "", "12345", "1380013800", "138001380001", "12800138000", "23800138000", "400-820-8820",
    "0571-1234567", "0571-888888", "+1 415 555 0100", "phone", "0571-88888888转",
])
def test_invalid_numbers_are_refused(raw):
    with pytest.raises(ParseError) as info:
        normalize_phone(raw)
    assert info.value.code == "phone_invalid"
    assert info.value.missing == ("phone",)
    assert "mobile" in info.value.message and "手机号" in info.value.message_zh
