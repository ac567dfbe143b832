from __future__ import annotations

from django import template

from parcelhub.core.money import format_fen
from parcelhub.rating.reasons import PRICE_LINES

register = template.Library()


@register.filter
def fen(value: int | None) -> str:
    """Show integer fen as yuan: {{ 1250|fen }} -> ¥12.50."""
    return "—" if value is None else format_fen(int(value))


@register.filter
def kg(grams: int | None) -> str:
    """Show grams as kilograms without trailing zeros: 1500 -> 1.5 kg."""
    if grams is None:
        return "—"
    text = f"{grams / 1000:.3f}".rstrip("0").rstrip(".")
    return f"{text} kg"


@register.filter
def price_line(code: str) -> str:
    """A price line's code in words: {{ "remote_surcharge"|price_line }} -> Remote-area surcharge."""
    return str(PRICE_LINES.get(code, code))
