from __future__ import annotations

import json

from django import template

register = template.Library()


@register.filter
def getitem(mapping, key):
    """{{ selected|getitem:"volume_band" }}: a dict entry by a computed key (empty list when missing)."""
    if mapping is None:
        return []
    return mapping.get(key, [])


@register.filter
def zip_shares(counts, shares):
    """Pairs of (count, share %) for the funnel table."""
    return list(zip(counts, shares, strict=True))


@register.filter
def named(code: str, names: dict) -> str:
    """{{ p.plan_code|named:plan_names }}: a code's display name, the code itself when unknown."""
    return names.get(code, code) if code else "—"


@register.filter
def as_json(value) -> str:
    """A segment definition as compact JSON, Chinese left readable."""
    return json.dumps(value, ensure_ascii=False)
