"""Reads for regions. (Being filled in: region lookup by name/adcode and from free-text addresses.)"""

from __future__ import annotations


def region_from_text(text: str):
    """(Region, detail) for a free-text address; raises DomainError(code 'address_…') when it cannot."""
    raise NotImplementedError
