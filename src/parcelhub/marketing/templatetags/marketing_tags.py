from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def bp_number(bp: int | None) -> str:
    """Basis points as a plain percentage number for an input: 250 -> "2.5"."""
    if bp is None:
        return ""
    whole, rest = divmod(int(bp), 100)
    return f"{whole}" if not rest else f"{whole}.{rest:02d}".rstrip("0")


@register.filter
def bp_percent(bp: int | None) -> str:
    """Basis points for people: 300 -> "3 %", 250 -> "2.5 %"."""
    return "—" if bp is None else f"{bp_number(bp)} %"


@register.filter
def tier_name(tier) -> str:
    """A tier's name in the page's language (普通 / Standard)."""
    from django.utils import translation

    return tier.display_name(translation.get_language()) if tier is not None else ""
