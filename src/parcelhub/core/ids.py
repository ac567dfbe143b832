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


class PrefixedIdDefault:
    """A model field default that makes a new id with a fixed prefix; deconstructible for migrations."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self) -> str:
        return new_id(self.prefix)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrefixedIdDefault) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)

    def deconstruct(self) -> tuple[str, tuple[str], dict]:
        return ("parcelhub.core.ids.PrefixedIdDefault", (self.prefix,), {})


def id_factory(prefix: str) -> PrefixedIdDefault:
    """Use as `default=id_factory("mch")` on a public id field."""
    return PrefixedIdDefault(prefix)
