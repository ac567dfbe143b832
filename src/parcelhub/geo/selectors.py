"""Reads for regions: lookup by adcode or name, the hierarchy, remote provinces, and addresses from free text."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from parcelhub.core.errors import DomainError
from parcelhub.geo.models import Region
from parcelhub.geo.parsing import ParsedAddress, ParseError, parse_address, parse_addresses

_LEVEL_WORDS = {Region.Level.PROVINCE: ("province", "省份"), Region.Level.CITY: ("city", "城市"),
                Region.Level.DISTRICT: ("district", "区县")}


def _unknown(value: str, level: int) -> DomainError:
    en, zh = _LEVEL_WORDS[Region.Level(level)]
    return DomainError("region_unknown", f"There is no {en} called “{value}” in mainland China.",
                       f"中国大陆没有名为“{value}”的{zh}。", details={"level": en, "value": value})


def region_get(adcode: str) -> Region:
    try:
        return Region.objects.get(adcode=adcode)
    except Region.DoesNotExist:
        raise DomainError("region_unknown", f"There is no region with code “{adcode}”.",
                          f"没有代码为“{adcode}”的地区。", status=404) from None


def provinces() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.PROVINCE)


def children(adcode: str | None) -> QuerySet[Region]:
    """The regions directly under `adcode`, or the provinces when it is None; unknown codes raise."""
    if not adcode:
        return provinces()
    parent = region_get(adcode)
    return Region.objects.filter(parent=parent)


def remote_province_codes() -> frozenset[str]:
    return frozenset(provinces().filter(is_remote=True).values_list("adcode", flat=True))


def origin_chain(region: Region) -> tuple[str, ...]:
    """Adcodes from the region up to its province (district, city, province), without queries.

    Rate cards look a destination up most specific first, so this is the order to try.
    """
    chain = [region.adcode]
    if region.level == Region.Level.DISTRICT and region.parent_id:
        chain.append(region.parent_id)
    if region.level != Region.Level.PROVINCE:
        chain.append(region.province_code)
    return tuple(chain)


# --- resolving names -----------------------------------------------------------------------------------


def _match(value: str) -> Q:
    value = value.strip()
    return Q(adcode=value) | Q(name=value) | Q(short_name=value)


def _one(candidates: list[Region], value: str, level: int) -> Region:
    if not candidates:
        raise _unknown(value, level)
    if len(candidates) > 1:
        labels = [_label(r) for r in candidates]
        raise DomainError(
            "region_ambiguous",
            f"“{value}” matches several places ({'; '.join(labels)}); give the province or city too.",
            f"“{value}”对应多个地区（{'；'.join(labels)}），请同时提供省份或城市。",
            details={"candidates": labels},
        )
    return candidates[0]


def _label(region: Region) -> str:
    return " ".join(region.path_names())


def _mismatch(child: Region, parent: Region) -> DomainError:
    return DomainError("region_mismatch", f"{child.name} is not in {parent.name}.",
                       f"{child.name}不属于{parent.name}。",
                       details={"region": child.adcode, "expected_parent": parent.adcode})


def _within(qs: QuerySet[Region], scope: Region | None) -> QuerySet[Region]:
    if scope is None:
        return qs
    prefix = scope.adcode[:2] if scope.level == Region.Level.PROVINCE else scope.adcode[:4]
    return qs.filter(adcode__startswith=prefix)


def _resolve_level(value: str, level: int, scope: Region | None) -> Region:
    """Find `value` at `level`, inside `scope` when given; a match elsewhere is a mismatch, not unknown."""
    base = Region.objects.filter(_match(value), level=level).select_related("parent__parent")
    found = list(_within(base, scope))
    if not found and level == Region.Level.CITY:
        # 济源, 仙桃 … are county-level cities under a 省直辖 pseudo-city; people give them as the city.
        found = list(_within(Region.objects.filter(_match(value), level=Region.Level.DISTRICT,
                                                       adcode__regex=r"^\d{2}90"), scope))
    if not found and scope is not None:
        elsewhere = list(base[:1])
        if elsewhere:
            raise _mismatch(elsewhere[0], scope)
    return _one(found, value, level)


def resolve_region(*, province: str | None = None, city: str | None = None,
                   district: str | None = None) -> Region:
    """The most specific Region named by full names, short names or adcodes (浙江 / 金华市 / 330782).

    Raises DomainError `region_unknown`, `region_mismatch` (the city is not in the province …) or
    `region_ambiguous` (鼓楼区 without a city).
    """
    region: Region | None = None
    for value, level in ((province, Region.Level.PROVINCE), (city, Region.Level.CITY),
                         (district, Region.Level.DISTRICT)):
        if not value or not value.strip():
            continue
        if region is not None and region.level == Region.Level.DISTRICT:
            # The "city" was a county-level city (济源); the district must then be that same place.
            if Region.objects.filter(_match(value), adcode=region.adcode).exists():
                continue
            raise _mismatch(_resolve_level(value, level, None), region)
        region = _resolve_level(value, level, region)
    if region is None:
        raise DomainError("region_unknown", "Give a province, city or district.", "请提供省份、城市或区县。")
    return region


# --- free-text addresses --------------------------------------------------------------------------------


def _domain_error(exc: ParseError) -> DomainError:
    details = {"missing": list(exc.missing)}
    if exc.candidates:
        details["candidates"] = list(exc.candidates)
    return DomainError(exc.code, exc.message, exc.message_zh, details=details)


def address_parse(text: str, *, require_detail: bool = False) -> ParsedAddress:
    """Name, phone, region and detail from pasted text; DomainError (address_… / phone_invalid) otherwise."""
    try:
        return parse_address(text, require_detail=require_detail)
    except ParseError as exc:
        raise _domain_error(exc) from None


def addresses_parse(texts: Iterable[str], *, require_detail: bool = False) -> list[ParsedAddress | DomainError]:
    """The batch form for imports: one result or error per text, in order."""
    return [_domain_error(r) if isinstance(r, ParseError) else r
            for r in parse_addresses(texts, require_detail=require_detail)]


def region_from_text(text: str) -> tuple[Region, str]:
    """(Region, detail) for a free-text address; raises DomainError(code 'address_…') when it cannot."""
    try:
        parsed = parse_address(text, contact=False)
    except ParseError as exc:
        raise _domain_error(exc) from None
    region = Region.objects.filter(adcode=parsed.adcode).first()
    if region is None:  # regions not loaded: say so in the address's terms rather than fail
        raise DomainError("address_missing_region", "Cannot tell the province and city of this address.",
                          "无法识别该地址所在的省份和城市。")
    return region, parsed.detail
