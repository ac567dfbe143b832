"""API key format and hashing: `ph_live_` / `ph_test_` followed by 40 random base62 characters."""

from __future__ import annotations

import hashlib
import secrets
import string

_ALPHABET = string.ascii_letters + string.digits
_RANDOM_LENGTH = 40
DISPLAY_PREFIX_LENGTH = 12


def generate_key(mode: str) -> str:
    return f"ph_{mode}_" + "".join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_LENGTH))


def hash_key(raw_key: str) -> str:
    # Keys carry ~238 bits of randomness, so a plain SHA-256 (no salt, no stretching) is safe and lets the
    # lookup be one indexed equality query.
    return hashlib.sha256(raw_key.encode()).hexdigest()


def looks_like_key(raw_key: str) -> bool:
    return raw_key.startswith(("ph_live_", "ph_test_")) and len(raw_key) == len("ph_live_") + _RANDOM_LENGTH
