"""Privacy waybills: what of a recipient's name and phone a label may show."""

from __future__ import annotations

import pytest

from parcelhub.shipping.labels.privacy import mask_name, mask_phone


@pytest.mark.parametrize(("name", "masked"), [
    ("张三", "张*"), ("李小龙", "李**"), ("欧阳娜娜", "欧***"), ("王", "*"), ("", ""), (" 张三 ", "张*"),
    ("John Smith", "J*** *****"),
])
def test_mask_name_keeps_the_first_character(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(("phone", "masked"), [
    ("13812348000", "138****8000"),
    ("+86 138 1234 8000", "138****8000"),
    ("8613812348000", "138****8000"),
    ("138-1234-8000", "138****8000"),
    ("0571-88881234", "0571-****1234"),   # a landline keeps its area code
    ("010-12345678", "010-****5678"),     # 01x / 02x area codes have three digits
    ("057188881234", "0571****1234"),
    ("400-811-1111", "***-***-1111"),
    ("95338", "***38"),
    ("8", "*"),
    ("", ""),
])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_masked_phone_never_contains_the_hidden_digits():
    phone = "13812348000"
    assert "1234" not in mask_phone(phone)
