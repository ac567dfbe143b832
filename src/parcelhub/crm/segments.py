"""Evaluate a segment definition (a saved filter) into the merchants it holds.

A definition is a dict of filter keys, all of which must match (AND); a list value matches any of its items (OR).
Keys on the merchant: `industry` (Industry values), `acquisition_channel`, `origin_province` (province adcodes),
`merchant` (merchant public ids). Keys on the stored CRM profile (crm.MerchantProfile, refreshed daily, so a
merchant without a profile row matches none of them): `volume_band` (long_tail / waist / head), `lifecycle`
(new / activating / active / at_risk / dormant / churned), `belt` (crm.models.Belt values), `plan` (plan codes),
`tier` (tier codes), and `rfm`: a dict of bounds per letter, e.g. `{"r_min": 4, "m_max": 2}` (1–5, inclusive)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from parcelhub.accounts.models import Merchant
from parcelhub.core.errors import DomainError

RFM_BOUNDS = ("r_min", "r_max", "f_min", "f_max", "m_min", "m_max")


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def _any_prefix(field: str, prefixes: list[str]) -> Q:
    query = Q(pk__in=[])
    for prefix in prefixes:
        query |= Q(**{f"{field}__startswith": prefix})
    return query


def _rfm(values: list) -> Q:
    query = Q()
    for bounds in values:
        for key, bound in bounds.items():
            letter, side = key.split("_")
            query &= Q(**{f"crm_profile__{letter}__{'gte' if side == 'min' else 'lte'}": int(bound)})
    return query


FILTERS: dict[str, Callable[[list], Q]] = {
    "industry": lambda values: Q(industry__in=values),
    "acquisition_channel": lambda values: Q(acquisition_channel__in=values),
    # Province adcodes ("330000"); a merchant's origin may be a district, so match on the code's first two digits.
    "origin_province": lambda values: _any_prefix("origin_region__adcode", [str(v)[:2] for v in values]),
    "merchant": lambda values: Q(public_id__in=values),
    "volume_band": lambda values: Q(crm_profile__volume_band__in=values),
    "lifecycle": lambda values: Q(crm_profile__lifecycle__in=values),
    "belt": lambda values: Q(crm_profile__belt__in=values),
    "plan": lambda values: Q(crm_profile__plan_code__in=values),
    "tier": lambda values: Q(crm_profile__tier_code__in=values),
    "rfm": _rfm,
}


def _invalid(message: str, message_zh: str) -> DomainError:
    return DomainError("segment_filter_invalid", message, message_zh, status=422)


def _validate_rfm(value: Any) -> None:
    if not isinstance(value, dict) or not value:
        raise _invalid("rfm takes bounds such as {\"r_min\": 4}.", "rfm 条件应为范围，例如 {\"r_min\": 4}。")
    unknown = sorted(set(value) - set(RFM_BOUNDS))
    if unknown:
        raise _invalid(f"Unknown rfm bound: {', '.join(unknown)}.", f"未知的 RFM 范围：{', '.join(unknown)}。")
    for bound in value.values():
        if isinstance(bound, bool) or not isinstance(bound, int) or not 1 <= bound <= 5:
            raise _invalid("RFM bounds are whole numbers from 1 to 5.", "RFM 范围须为 1 到 5 的整数。")


def definition_validate(definition: dict) -> None:
    if not isinstance(definition, dict):
        raise _invalid("A segment filter is an object of keys.", "分群条件须为键值对象。")
    unknown = sorted(set(definition) - set(FILTERS))
    if unknown:
        raise DomainError("segment_filter_unknown", f"Unknown segment filter: {', '.join(unknown)}.",
                          f"未知的分群条件：{', '.join(unknown)}。", status=422)
    if "rfm" in definition:
        _validate_rfm(definition["rfm"])


def segment_merchants(definition: dict) -> QuerySet[Merchant]:
    """Active merchants matching every key of the definition."""
    definition_validate(definition)
    query = Q(is_active=True)
    for key, value in definition.items():
        query &= FILTERS[key](_as_list(value))
    return Merchant.objects.filter(query)


# Form and query-string fields that map to definition keys (the merchant list filters and the segment editor share
# them, so "save these filters as a segment" is a link carrying the same query).
LIST_KEYS = ("volume_band", "lifecycle", "belt", "industry", "plan", "tier", "origin_province",
             "acquisition_channel")


def definition_from_params(params) -> dict:
    """A definition from a QueryDict (GET or POST): list keys from repeated fields, `acquisition_channel` also as
    comma-separated text, RFM bounds from r_min … m_max. Empty fields are left out."""
    definition: dict = {}
    for key in LIST_KEYS:
        values = [v.strip() for raw in params.getlist(key) for v in raw.split(",") if v.strip()]
        if values:
            definition[key] = values
    bounds = {}
    for key in RFM_BOUNDS:
        raw = (params.get(key) or "").strip()
        if raw:
            if not raw.isdigit():
                raise DomainError("segment_filter_invalid", "RFM bounds are whole numbers from 1 to 5.",
                                  "RFM 范围须为 1 到 5 的整数。", status=422)
            bounds[key] = int(raw)
    if bounds:
        definition["rfm"] = bounds
    definition_validate(definition)
    return definition


def definition_to_params(definition: dict) -> list[tuple[str, str]]:
    """The inverse, for links and for filling the editor's fields."""
    pairs: list[tuple[str, str]] = []
    for key, value in definition.items():
        if key == "rfm":
            pairs += [(bound, str(n)) for bound, n in value.items()]
        else:
            pairs += [(key, str(v)) for v in _as_list(value)]
    return pairs
