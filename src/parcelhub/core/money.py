"""Money is integer fen everywhere; these helpers convert at the edges (forms, files, display)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

FEN_PER_YUAN = 100


class MoneyFormatError(ValueError):
    """A yuan amount that cannot be read exactly as fen."""


def parse_yuan(text: str | int | float | Decimal) -> int:
    """'12.5' -> 1250 fen. Refuses more than two decimals rather than rounding someone's price."""
    try:
        value = Decimal(str(text).strip().replace(",", "").lstrip("¥￥"))
    except InvalidOperation as exc:
        raise MoneyFormatError(f"not an amount: {text!r}") from exc
    if not value.is_finite():
        raise MoneyFormatError(f"not an amount: {text!r}")
    fen = value * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise MoneyFormatError(f"more than two decimals: {text!r}")
    return int(fen)


def fen_to_yuan_str(fen: int) -> str:
    """1250 -> '12.50' (exact, for files and inputs)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{cents:02d}"


def format_fen(fen: int) -> str:
    """1250 -> '¥12.50' (for display)."""
    text = fen_to_yuan_str(fen)
    return f"-¥{text[1:]}" if text.startswith("-") else f"¥{text}"
