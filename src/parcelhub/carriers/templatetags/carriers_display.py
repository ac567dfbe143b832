from __future__ import annotations

from django import template

from parcelhub.carriers import display
from parcelhub.core.money import format_fen

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    return "—" if fen is None else format_fen(fen)


@register.filter
def kg(grams: int | None) -> str:
    return display.kg(grams)


@register.filter
def pct(bp: int) -> str:
    return display.pct(bp)


@register.filter
def rounding_words(rounding: list[dict]) -> str:
    return display.describe_rounding(rounding)
