"""Tracking tests reuse the shipping tests' hand-priced world, funded wallet and live-mode keys."""

from tests.shipping.conftest import api_a, api_b, funded, world  # noqa: F401
