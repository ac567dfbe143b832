"""Checking recipients in bulk: names, phones through geo's normalize_phone, addresses through geo's batch parser.

Shared by the single-order service and the file import so both accept and refuse the same things. Each
problem names the field it belongs to, so an import can point at the column and an API answer at the key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from parcelhub.core.errors import DomainError
from parcelhub.geo.models import Region
from parcelhub.geo.parsing import ParsedAddress, ParseError, normalize_phone, parse_addresses
from parcelhub.geo.selectors import addresses_parse

MAX_NAME_LENGTH = 60
MAX_DETAIL_LENGTH = 200

# Marketplace addresses often end in the postcode, "(311121)"; the region already implies it.
_POSTCODE_TAIL_RE = re.compile(r"\s*[(（]\s*\d{6}\s*[)）]\s*$")
# A pasted "张三，86-13900000004，江苏省…" carries the contact inside the address text.
_PHONE_INSIDE_RE = re.compile(r"(?<!\d)(?:86-?)?1[3-9]\d{9}(?!\d)")


@dataclass(frozen=True)
class RecipientInput:
    name: str
    phone: str
    # Either the parts of a split address (province, city, district, street) or one free text in `address`;
    # they are joined in that order, so a file may fill any of them.
    address: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""

    def address_text(self) -> str:
        parts = [p.strip() for p in (self.province, self.city, self.district, self.street, self.address)]
        return _POSTCODE_TAIL_RE.sub("", " ".join(p for p in parts if p))


@dataclass(frozen=True)
class Recipient:
    name: str
    phone: str
    region: Region      # the most specific region found: the district, else the city
    detail: str
    province_code: str
    city_code: str
    district_code: str  # blank when the address named no district


@dataclass(frozen=True)
class FieldProblem:
    field: str          # name | phone | address
    code: str
    message: str
    message_zh: str

    def as_domain_error(self) -> DomainError:
        return DomainError(self.code, self.message, self.message_zh, status=422, details={"field": self.field})


def _phone(text: str) -> str | FieldProblem:
    text = text.strip()
    if not text:
        return FieldProblem("phone", "phone_missing", "The phone number is missing.", "缺少手机号。")
    if "*" in text:
        # Marketplaces mask numbers unless the export is made with the full data (解密导出).
        return FieldProblem("phone", "phone_masked",
                            f"“{text}” is masked; export the orders with full phone numbers.",
                            f"“{text}”是打码的号码，请导出含完整手机号的订单。")
    try:
        return normalize_phone(text)
    except ParseError as exc:
        return FieldProblem("phone", exc.code, exc.message, exc.message_zh)


def _name(text: str) -> str | FieldProblem:
    text = " ".join(text.split())
    if not text:
        return FieldProblem("name", "name_missing", "The recipient's name is missing.", "缺少收件人姓名。")
    if len(text) > MAX_NAME_LENGTH:
        return FieldProblem("name", "name_too_long", f"The name is longer than {MAX_NAME_LENGTH} characters.",
                            f"姓名超过 {MAX_NAME_LENGTH} 个字符。")
    return text


def recipients_check(inputs: Sequence[RecipientInput]) -> list[Recipient | list[FieldProblem]]:
    """One Recipient, or the problems found, per input, in order; addresses parsed in one batch."""
    texts = [i.address_text() for i in inputs]
    # Separate columns are parsed as pure addresses: the contact splitter would take a trailing "前台" or
    # "菜鸟驿站" for a name. Only a text that visibly carries a phone number is split into contact and address.
    pasted = [bool(_PHONE_INSIDE_RE.search(t)) and not (i.name.strip() and i.phone.strip())
              for i, t in zip(inputs, texts, strict=True)]
    plain_results = iter(parse_addresses([t for t, p in zip(texts, pasted, strict=True) if not p], contact=False))
    pasted_results = iter(addresses_parse([t for t, p in zip(texts, pasted, strict=True) if p]))
    parsed: list[ParsedAddress | ParseError | DomainError] = [
        next(pasted_results) if p else next(plain_results) for p in pasted]
    regions = Region.objects.in_bulk({p.adcode for p in parsed if isinstance(p, ParsedAddress)})
    results: list[Recipient | list[FieldProblem]] = []
    for item, address in zip(inputs, parsed, strict=True):
        problems: list[FieldProblem] = []
        contact_name = item.name if item.name.strip() or not isinstance(address, ParsedAddress) \
            else (address.name or "")
        contact_phone = item.phone if item.phone.strip() or not isinstance(address, ParsedAddress) \
            else (address.phone or "")
        name, phone = _name(contact_name), _phone(contact_phone)
        for value in (name, phone):
            if isinstance(value, FieldProblem):
                problems.append(value)
        region = None
        if isinstance(address, ParseError | DomainError):
            problems.append(FieldProblem("address", address.code, address.message, address.message_zh))
        elif not address.detail:
            problems.append(FieldProblem("address", "address_missing_detail",
                                         "The address has no street detail (street, building, room).",
                                         "地址缺少详细信息（街道、门牌号等）。"))
        elif len(address.detail) > MAX_DETAIL_LENGTH:
            problems.append(FieldProblem("address", "address_too_long",
                                         f"The street address is longer than {MAX_DETAIL_LENGTH} characters.",
                                         f"详细地址超过 {MAX_DETAIL_LENGTH} 个字符。"))
        else:
            region = regions.get(address.adcode)
            if region is None:
                problems.append(FieldProblem("address", "address_missing_region",
                                             "Cannot tell the province and city of this address.",
                                             "无法识别该地址所在的省份和城市。"))
        if problems:
            results.append(problems)
        else:
            assert isinstance(name, str) and isinstance(phone, str) and isinstance(address, ParsedAddress)
            results.append(Recipient(name=name, phone=phone, region=region, detail=address.detail,
                                     province_code=address.province_code, city_code=address.city_code,
                                     district_code=address.district_code or ""))
    return results


def recipient_check(recipient: RecipientInput) -> Recipient:
    """The single form: raises the first problem as a DomainError (400)."""
    result = recipients_check([recipient])[0]
    if isinstance(result, list):
        raise result[0].as_domain_error()
    return result
