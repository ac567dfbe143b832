"""A console navigation entry. Apps contribute entries through their AppConfig (merchant_nav, operator_nav,
settings_tabs) so that a new app adds its pages without editing a shared list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # Operator roles (OperatorRole values) that see the entry; admin sees everything.
    roles: tuple[str, ...] = ()
    # Also the current section for these URL prefixes (settings spread over several apps).
    also: tuple[str, ...] = ()
