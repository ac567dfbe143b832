"""Regions named in rate card files: by adcode or by name (浙江, 浙江省, 义乌, 广州市), memoised per file.

A file of 20,000 rows names a few dozen places, so each distinct text costs one query at most. Destinations
are provinces and go through geo's `resolve_region`; an origin may be of any level in one column, which that
level-by-level function cannot decide, so origins are matched here with an explicit ambiguity rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from parcelhub.core.errors import DomainError
from parcelhub.geo.models import Region
from parcelhub.geo.selectors import resolve_region


@dataclass(frozen=True)
class Lookup:
    region: Region | None
    # Filled when the text matches several places none of which contains the others (朝阳: 北京 or 辽宁?).
    ambiguous: tuple[Region, ...] = ()


def _contains(outer: Region, inner: Region) -> bool:
    if outer.level == Region.Level.PROVINCE:
        return inner.adcode[:2] == outer.adcode[:2]
    if outer.level == Region.Level.CITY:
        return inner.adcode[:4] == outer.adcode[:4] and inner.level == Region.Level.DISTRICT
    return inner.adcode == outer.adcode


def _choose(candidates: list[Region]) -> Lookup:
    if len(candidates) <= 1:
        return Lookup(candidates[0] if candidates else None)
    # 北京 names both the municipality and its city level; 吉林 the province and its city. The enclosing
    # region is what people mean by the short form, and the engine falls back from city to province anyway.
    for outer in sorted(candidates, key=lambda r: r.level):
        if all(_contains(outer, other) for other in candidates):
            return Lookup(outer)
    return Lookup(None, ambiguous=tuple(sorted(candidates, key=lambda r: r.adcode)))


class RegionLookup:
    def __init__(self, *, provinces_only: bool = False) -> None:
        self.provinces_only = provinces_only
        self._memo: dict[str, Lookup] = {}

    def find(self, text: str) -> Lookup:
        text = text.strip()
        if text not in self._memo:
            self._memo[text] = self._query(text)
        return self._memo[text]

    def _query(self, text: str) -> Lookup:
        if not text:
            return Lookup(None)
        if self.provinces_only:
            try:
                return Lookup(resolve_region(province=text))
            except DomainError:
                return Lookup(None)
        if text.isdigit():
            return Lookup(Region.objects.filter(adcode=text).first())
        candidates = list(Region.objects.filter(Q(name=text) | Q(short_name=text)))
        # A full official name beats a short form that happens to be the same text.
        exact = [r for r in candidates if r.name == text]
        return _choose(exact or candidates)
