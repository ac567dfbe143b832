"""Public ids: a type prefix and a time-ordered random part, e.g. `mch_01JD3...`.

Prefixes make ids self-describing in logs and support tickets; the time-ordered part (ULID layout:
48-bit milliseconds + 80 random bits, Crockford base32) keeps index inserts append-mostly.
"""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _base32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, rem = divmod(value, 32)
        chars.append(_ALPHABET[rem])
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    millis = time.time_ns() // 1_000_000
    return f"{prefix}_{_base32(millis, 10)}{_base32(secrets.randbits(80), 16)}"


def id_factory(prefix: str):
    """A callable for a model field's default (migrations need a named function, hence the attribute)."""

    def make() -> str:
        return new_id(prefix)

    make.__name__ = f"new_{prefix}_id"
    make.__qualname__ = make.__name__
    return make
