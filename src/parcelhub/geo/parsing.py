"""智能地址解析: split pasted text into name, phone, province / city / district and street detail.

Pure Python (no Django), so imports and the API can share it and it is tested on its own. Province, city and
district recognition is `cpca`'s; this module adds what cpca leaves to its caller: separating the contact from
the address, phone numbers, ambiguity (朝阳区 alone is in Beijing and in Changchun, cpca silently picks one),
mainland-only checks and errors that say what is missing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from parcelhub.geo.regions_data import EXCLUDED_PROVINCE_PREFIXES, read_rows

MUNICIPALITY_PREFIXES = frozenset({"11", "12", "31", "50"})


class ParseError(Exception):
    """Why a text could not be read: a stable `code`, messages in English and Chinese, and what is missing."""

    def __init__(self, code: str, message: str, message_zh: str, *, missing: Sequence[str] = (),
                 candidates: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_zh = message_zh
        self.missing = tuple(missing)
        self.candidates = tuple(candidates)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "message_zh": self.message_zh,
                "missing": list(self.missing), "candidates": list(self.candidates)}


@dataclass(frozen=True)
class ParsedAddress:
    province: str
    city: str
    district: str | None
    detail: str
    province_code: str
    city_code: str
    district_code: str | None
    name: str | None = None
    phone: str | None = None
    # Optional parts the text did not contain (name, phone, district, detail), for the caller to ask for.
    missing: tuple[str, ...] = field(default=())

    @property
    def adcode(self) -> str:
        """The most specific region found."""
        return self.district_code or self.city_code


# --- region tables (from the same CSV the database is loaded from) -------------------------------------


@dataclass(frozen=True)
class _Tables:
    names: dict[str, str]                   # adcode -> name as stored in Region
    districts_by_name: dict[str, tuple[str, ...]]
    region_words: frozenset[str]            # full and short names of provinces and cities
    # Short names of provinces and cities at least two characters long, to spot "浙江义乌" as an address.
    region_prefixes: frozenset[str]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    names: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    words: set[str] = set()
    for row in read_rows():
        names[row.adcode] = row.name
        if row.level == 3:
            by_name.setdefault(row.name, []).append(row.adcode)
        words.update((row.name, row.short_name))
    prefixes = {w for w in words if 2 <= len(w) <= 4}
    return _Tables(names, {k: tuple(v) for k, v in by_name.items()}, frozenset(words), frozenset(prefixes))


def _city_name(city_code: str) -> str:
    names = _tables().names
    if city_code[:2] in MUNICIPALITY_PREFIXES:
        # 重庆's counties sit under a "县" pseudo-city; people write 重庆市 for both halves.
        return names[city_code[:2] + "0000"]
    return names[city_code]


def _full_label(adcode: str) -> str:
    names = _tables().names
    parts = [names[adcode[:2] + "0000"]]
    if adcode[2:] != "0000":
        parts.append(_city_name(adcode[:4] + "00"))
    if adcode[4:] != "00":
        parts.append(names[adcode])
    return " ".join(dict.fromkeys(parts))  # 北京市 北京市 朝阳区 -> 北京市 朝阳区


# --- phones -------------------------------------------------------------------------------------------

_EXT = r"(?:\s*(?:-|转|分机|ext\.?|x|#)\s*\d{1,6})?"
_MOBILE = r"(?:(?:\+|00)?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}"
_LANDLINE = r"(?:(?:\+|00)?86[\s-]?)?(?:\(0?\d{2,3}\)|0\d{2,3})[\s-]?[2-9]\d{2,3}[\s-]?\d{4}"
# Digit runs that can only have been meant as a phone, masked ones (138****8000) from marketplace exports included.
_PHONE_ATTEMPT_RE = re.compile(r"\+?(?=(?:[^\d]*\d){7})[\d*()\-]{7,}")
_POSTCODE_RE = re.compile(r"\d{6}")
_PHONE_RE = re.compile(rf"(?<![\d+])(?:(?P<mobile>{_MOBILE})|(?P<landline>{_LANDLINE})){_EXT}(?!\d)", re.I)


def _phone_error(text: str) -> ParseError:
    return ParseError("phone_invalid",
                      f"“{text}” is not a mainland mobile (11 digits starting 13–19) or landline "
                      "number with area code (e.g. 0571-88888888).",
                      f"“{text}”不是有效的大陆手机号（1 开头的 11 位数字）或带区号的固定电话（如 0571-88888888）。",
                      missing=("phone",))


def normalize_phone(text: str) -> str:
    """Canonical form: 13800138000, 0571-88888888, with an extension as a "-1234" suffix; else ParseError."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    # The whole text as one number first, so "0571-8888-8888" is not read as 0571-8888 extension 8888.
    candidates: list[tuple[str, str | None]] = [(raw, None)]
    split = re.fullmatch(r"(.+?)\s*(?:-|转|分机|ext\.?|x|#)\s*(\d{1,6})", raw, re.I)
    if split:
        candidates.append((split[1], split[2]))
    for main, ext in candidates:
        number = _number(main)
        if number is not None:
            return f"{number}-{ext}" if ext else number
    raise _phone_error(text)


def _number(main: str) -> str | None:
    digits = re.sub(r"[\s\-()（）.]", "", main)
    international = False
    for prefix in ("+86", "0086", "86"):
        # A bare 86 is only a country code when something 11+ digits long follows it.
        if digits.startswith(prefix) and (prefix != "86" or len(digits) >= 12):
            digits, international = digits[len(prefix):], True
            break
    if not digits.isdigit():
        return None
    if international and not digits.startswith(("0", "1")):
        digits = "0" + digits  # +86 571 …: the international form drops the area code's trunk 0
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        return digits
    if not digits.startswith("0") or digits.startswith("00"):
        return None
    # Beijing, Tianjin, Shanghai, Chongqing and the 02x cities have 3-digit area codes, the rest 4.
    area_len = 3 if digits[1] in "12" else 4
    area, local = digits[:area_len], digits[area_len:]
    if len(local) in (7, 8) and local[0] not in "01":
        return f"{area}-{local}"
    return None


# --- splitting the contact from the address -------------------------------------------------------------

_LABELS = {
    "name": ("收件人姓名", "收货人姓名", "收件人", "收货人", "联系人", "姓名", "名字", "name", "consignee",
             "recipient"),
    "phone": ("联系电话", "手机号码", "电话号码", "手机号", "联系方式", "手机", "电话", "phone", "mobile", "tel"),
    "address": ("收货地址", "收件地址", "详细地址", "所在地区", "地址", "address"),
}
_LABEL_KIND = {label: kind for kind, labels in _LABELS.items() for label in labels}
_LABEL_RE = re.compile(
    r"(?:^|(?<=[\s,，、;；|]))(?P<label>"
    + "|".join(sorted(map(re.escape, _LABEL_KIND), key=len, reverse=True))
    + r")\s*(?:[:：]\s*|(?=[\u4e00-\u9fff\d+(]))",
    re.I,
)
_SEPARATORS = r"[\s,，、;；:：|/]+"
_ADDRESS_ENDINGS = tuple("省市区县镇乡村街路道巷弄号室楼栋幢座层园苑庄组厦城里湾旗盟")
_CJK = r"\u4e00-\u9fff"
_NAME_RE = re.compile(rf"[{_CJK}]{{1,5}}(?:[·•][{_CJK}]{{1,8}}){{0,2}}|[A-Za-z][A-Za-z.'-]{{0,29}}")


@dataclass
class _Split:
    address: str
    name: str | None
    phone: str | None
    phone_error: ParseError | None = None


def _normalize_text(text: str) -> str:
    # NFKC turns full-width digits, letters and the ideographic space into ASCII; keep Chinese punctuation
    # readable for the separator pattern.
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ").strip()


def _labelled_parts(text: str) -> tuple[dict[str, str], str]:
    """Values following labels (收件人: …), and the unlabelled rest."""
    found: dict[str, str] = {}
    rest: list[str] = []
    matches = list(_LABEL_RE.finditer(text))
    cursor = 0
    for i, match in enumerate(matches):
        rest.append(text[cursor:match.start()])
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        kind = _LABEL_KIND[match["label"].lower()]
        value = text[match.end():end].strip(" ,，、;；|")
        if kind == "address":
            found[kind] = f"{found[kind]} {value}" if kind in found else value  # 所在地区: … 详细地址: …
            value = ""
        elif kind not in found and value:
            found[kind], value = _take_labelled(kind, value)
        rest.append(value)
        cursor = end
    rest.append(text[cursor:])
    return found, " ".join(rest)


def _take_labelled(kind: str, value: str) -> tuple[str, str]:
    """A name or phone label covers one value; what follows it (often the address) is left over."""
    if kind == "phone":
        match = _PHONE_RE.match(value)
        if match:
            return match.group(0), value[match.end():]
        head, _, tail = value.partition(" ")
        return head, tail
    parts = re.split(r"[,，、;；|]", value, maxsplit=1)
    head, tail = parts[0], parts[1] if len(parts) > 1 else ""
    words = head.split()
    if len(words) > 1 and all(re.fullmatch(r"[A-Za-z.'-]+", w) for w in words):
        return head, tail  # John Smith
    return words[0], " ".join(words[1:] + [tail])


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(_SEPARATORS, text) if t]


def _looks_like_name(token: str) -> bool:
    if not _NAME_RE.fullmatch(token) or token.endswith(_ADDRESS_ENDINGS):
        return False
    tables = _tables()
    if token in tables.region_words:
        return False
    # "浙江义乌" or "杭州西湖" are addresses without suffixes; real names rarely start with a place name.
    return not (len(token) >= 4 and any(token[:n] in tables.region_prefixes for n in (2, 3)))


def _split_contact(text: str) -> _Split:
    labelled, rest = _labelled_parts(text)
    phone: str | None = None
    phone_error: ParseError | None = None
    if "phone" in labelled:
        try:
            phone = normalize_phone(labelled["phone"])
        except ParseError as exc:
            phone_error = exc
    # Cut phone numbers out of the unlabelled text; the pieces around them delimit name and address.
    pieces: list[str] = []
    cursor = 0
    for match in _PHONE_RE.finditer(rest):
        if phone is None and phone_error is None:
            try:
                phone = normalize_phone(match.group(0))
            except ParseError:
                continue
        pieces.append(rest[cursor:match.start()])
        cursor = match.end()
    pieces.append(rest[cursor:])
    name = labelled.get("name")
    token_lists = [_tokens(p) for p in pieces]
    # Digit runs that failed as phones would otherwise hide the name next to them and end up in the detail;
    # a lone six-digit number is a postcode, which the region already implies.
    for tokens in token_lists:
        for token in [t for t in tokens if _PHONE_ATTEMPT_RE.fullmatch(t) or _POSTCODE_RE.fullmatch(t)]:
            tokens.remove(token)
            if phone is None and phone_error is None and not _POSTCODE_RE.fullmatch(token):
                phone_error = _phone_error(token)
    if name is None:
        name = _pick_name(token_lists, need_address="address" not in labelled)
    address_tokens = [t for tokens in token_lists for t in tokens]
    address = labelled.get("address") or " ".join(address_tokens)
    if "address" in labelled and address_tokens and name is None:
        # Everything else was labelled; a leftover short word is the name.
        name = next((t for t in address_tokens if _looks_like_name(t)), None)
    return _Split(address=address, name=name, phone=phone, phone_error=phone_error)


def _pick_name(token_lists: list[list[str]], *, need_address: bool) -> str | None:
    """Find the name among the tokens (removing it): next to the phone first, then at either end."""
    positions: list[tuple[int, int]] = []
    for i in range(len(token_lists) - 1):  # tokens touching a phone number
        if token_lists[i]:
            positions.append((i, len(token_lists[i]) - 1))
        if token_lists[i + 1]:
            positions.append((i + 1, 0))
    non_empty = [i for i, tokens in enumerate(token_lists) if tokens]
    if non_empty:
        positions += [(non_empty[0], 0), (non_empty[-1], len(token_lists[non_empty[-1]]) - 1)]
    total = sum(len(tokens) for tokens in token_lists)
    for i, j in positions:
        token = token_lists[i][j]
        if _looks_like_name(token) and (total > 1 or not need_address):
            del token_lists[i][j]
            return token
    return None


# --- reading the region out of the address ----------------------------------------------------------------


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _pos(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _clean_detail(detail: str) -> str:
    detail = detail.strip(" ,，、;；:：|/-")
    # Spaces between Chinese characters are separators people type, not part of the address.
    detail = re.sub(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])", "", detail)
    return re.sub(r"\s+", " ", detail)


def _missing_region(parts: Sequence[str]) -> ParseError:
    if "province" in parts:
        return ParseError("address_missing_region", "Cannot tell the province and city of this address.",
                          "无法识别该地址所在的省份和城市。", missing=parts)
    return ParseError("address_missing_region", "Cannot tell the city of this address; add the city.",
                      "无法识别该地址所在的城市，请补充城市。", missing=parts)


def _ambiguity(record: dict[str, Any], adcode: str) -> ParseError | None:
    """A district name that exists more than once under the region actually written is ambiguous."""
    district = _text_or_none(record.get("区"))
    if district is None or _pos(record.get("区_pos")) < 0:
        return None
    if _pos(record.get("市_pos")) >= 0:
        scope = adcode[:4]
    elif _pos(record.get("省_pos")) >= 0:
        scope = adcode[:2]
    else:
        scope = ""
    candidates = [c for c in _tables().districts_by_name.get(district, ()) if c.startswith(scope)]
    if len(candidates) < 2:
        return None
    labels = [_full_label(c) for c in candidates]
    return ParseError(
        "address_ambiguous",
        f"“{district}” exists in several places ({'; '.join(labels)}); add the province or city.",
        f"“{district}”对应多个地区（{'；'.join(labels)}），请补充省份或城市。",
        missing=("city",) if scope else ("province", "city"),
        candidates=labels,
    )


def _resolve(split: _Split, record: dict[str, Any], *, require_detail: bool) -> ParsedAddress:
    adcode = _text_or_none(record.get("adcode"))
    if adcode is None:
        raise _missing_region(("province", "city"))
    if adcode[:2] in EXCLUDED_PROVINCE_PREFIXES:
        raise ParseError("address_outside_mainland",
                         "Only addresses in mainland China are supported.", "仅支持中国大陆地址。",
                         missing=("province",))
    ambiguous = _ambiguity(record, adcode)
    if ambiguous is not None:
        raise ambiguous
    province_code = adcode[:2] + "0000"
    if adcode[2:] == "0000":
        if adcode[:2] not in MUNICIPALITY_PREFIXES:
            raise _missing_region(("city",))
        city_code = adcode[:2] + "0100"  # 北京市建国路…: the municipality is the city
    else:
        city_code = adcode[:4] + "00"
    names = _tables().names
    # A level-3 code we do not keep (a 市辖区 placeholder) says no more than its city.
    district_code = adcode if adcode[4:] != "00" and adcode in names else None
    if province_code not in names or city_code not in names:
        raise _missing_region(("city",))
    detail = _clean_detail(_text_or_none(record.get("地址")) or "")
    name = split.name or _name_before_region(split.address, record)
    missing = [part for part, value in (("name", name), ("phone", split.phone), ("district", district_code),
                                        ("detail", detail)) if not value]
    if require_detail and not detail:
        raise ParseError("address_missing_detail",
                         "The address has no street detail (street, building, room); please add it.",
                         "地址缺少详细信息（街道、门牌号等），请补充。", missing=("detail",))
    return ParsedAddress(
        province=names[province_code], city=_city_name(city_code),
        district=names[district_code] if district_code else None, detail=detail,
        province_code=province_code, city_code=city_code, district_code=district_code,
        name=name, phone=split.phone, missing=tuple(missing),
    )


def _name_before_region(address: str, record: dict[str, Any]) -> str | None:
    """张三浙江省义乌市…: a short name glued in front of the first region name."""
    starts = [p for p in (_pos(record.get(k)) for k in ("省_pos", "市_pos", "区_pos")) if p >= 0]
    if not starts or min(starts) == 0:
        return None
    prefix = address[: min(starts)].strip(" ,，、;；:：|/")
    return prefix if 2 <= len(prefix) <= 4 and re.fullmatch(rf"[{_CJK}]+", prefix) and _looks_like_name(prefix) \
        else None


def _cpca_records(addresses: Sequence[str]) -> list[dict[str, Any]]:
    import cpca  # slow to import (builds its automaton); only when parsing

    frame = cpca.transform(list(addresses), pos_sensitive=True)
    records: list[dict[str, Any]] = frame.to_dict("records")
    return records


# --- public entry points --------------------------------------------------------------------------------


def parse_addresses(texts: Iterable[str], *, require_detail: bool = False,
                    contact: bool = True) -> list[ParsedAddress | ParseError]:
    """Parse many texts with one cpca call (much faster than one call each); per-text result or error."""
    splits: list[_Split | ParseError] = []
    for text in texts:
        normalized = _normalize_text(text or "")
        if not normalized:
            splits.append(ParseError("address_empty", "The address is empty.", "地址为空。",
                                     missing=("province", "city", "detail")))
        elif contact:
            splits.append(_split_contact(normalized))
        else:
            splits.append(_Split(address=normalized, name=None, phone=None))
    todo = [s for s in splits if isinstance(s, _Split)]
    records = iter(_cpca_records([s.address for s in todo]) if todo else [])
    results: list[ParsedAddress | ParseError] = []
    for item in splits:
        if isinstance(item, ParseError):
            results.append(item)
            continue
        record = next(records)
        try:
            if item.phone_error is not None:
                raise item.phone_error
            results.append(_resolve(item, record, require_detail=require_detail))
        except ParseError as exc:
            results.append(exc)
    return results


def parse_address(text: str, *, require_detail: bool = False, contact: bool = True) -> ParsedAddress:
    """Parse one pasted text ("张三 13800138000 浙江省义乌市稠城街道工人北路1号"); raises ParseError.

    With contact=False the whole text is taken as an address (no name or phone extraction).
    """
    result = parse_addresses([text], require_detail=require_detail, contact=contact)[0]
    if isinstance(result, ParseError):
        raise result
    return result
