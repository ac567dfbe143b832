"""Quotes for parcels described by addresses or region names: resolves places, then asks the pure engine.

This is the Django-facing side of rating: it turns request data into engine Parcels (grams, centimetres,
fen, adcodes), takes the rate cards in effect today, and returns engine Quotes in the engine's order.
"""

from __future__ import annotations

from dataclasses import dataclass

from parcelhub.accounts.models import Merchant
from parcelhub.carriers.selectors import rating_inputs
from parcelhub.core.errors import DomainError
from parcelhub.geo.models import Region
from parcelhub.geo.selectors import origin_chain, region_from_text, resolve_region
from parcelhub.rating.batch import quote_many
from parcelhub.rating.engine import quote_all
from parcelhub.rating.types import Parcel, Quote

MAX_WEIGHT_G = 1_000_000          # 1,000 kg: above any express service, and keeps the engine's integers small
MAX_SIDE_CM = 500
MAX_DECLARED_VALUE_FEN = 1_000_000_000  # ¥10,000,000


@dataclass(frozen=True)
class Place:
    """Where a parcel starts or ends: a free-text address, or province / city / district names or adcodes."""

    address: str | None = None
    province: str | None = None
    city: str | None = None
    district: str | None = None

    @property
    def is_empty(self) -> bool:
        return not any((self.address, self.province, self.city, self.district))

    def cache_key(self) -> tuple[str | None, ...]:
        return (self.address, self.province, self.city, self.district)


@dataclass(frozen=True)
class ParcelRequest:
    origin: Place | None
    destination: Place
    weight_g: int
    length_cm: int = 0
    width_cm: int = 0
    height_cm: int = 0
    declared_value_fen: int = 0


def resolve_place(place: Place) -> Region:
    if place.address:
        region, _detail = region_from_text(place.address)
        return region
    return resolve_region(province=place.province, city=place.city, district=place.district)


class _PlaceResolver:
    """Resolves each distinct place once: a batch of thousands of parcels usually shares a few origins."""

    def __init__(self, merchant: Merchant | None) -> None:
        self.merchant = merchant
        self.cache: dict[tuple[str | None, ...], Region] = {}

    def origin(self, place: Place | None) -> Region:
        if place is None or place.is_empty:
            if self.merchant is None or self.merchant.origin_region is None:
                raise DomainError("origin_required", "Give an origin: this account has no default origin.",
                                  "请填写发货地：该账户没有默认发货地。", status=422)
            return self.merchant.origin_region
        return self.resolve(place)

    def resolve(self, place: Place) -> Region:
        key = place.cache_key()
        if key not in self.cache:
            self.cache[key] = resolve_place(place)
        return self.cache[key]


def _engine_parcel(request: ParcelRequest, origin: Region, destination: Region) -> Parcel:
    return Parcel(
        origin=origin_chain(origin), destination_province=destination.province_code, weight_g=request.weight_g,
        length_cm=request.length_cm, width_cm=request.width_cm, height_cm=request.height_cm,
        declared_value_fen=request.declared_value_fen,
    )


def quote_parcel(request: ParcelRequest, *, merchant: Merchant | None = None, priced: bool = False,
                 with_offers: bool = True) -> list[Quote]:
    """List prices; with `priced`, the merchant's own prices (tier discount, promotions, margin guardrail —
    marketing.pricing), each discount a line of the breakdown."""
    resolver = _PlaceResolver(merchant)
    parcel = _engine_parcel(request, resolver.origin(request.origin), resolver.resolve(request.destination))
    quotes = quote_all(parcel, rating_inputs())
    if not priced or merchant is None:
        return quotes
    from parcelhub.marketing.pricing import count_quote_guardrail, price_quotes

    result = price_quotes(quotes, merchant=merchant, origin=parcel.origin[-1],
                          destination=parcel.destination_province, with_offers=with_offers)
    count_quote_guardrail(result)
    return result.quotes


def quote_parcels(requests: list[ParcelRequest], *, merchant: Merchant | None = None, priced: bool = False,
                  with_offers: bool = True) -> list[list[Quote]]:
    """Quotes every parcel through the vectorised path; a place that cannot be resolved fails the whole batch
    with every bad item listed, so nothing is half-answered. `priced` as for `quote_parcel`."""
    resolver = _PlaceResolver(merchant)
    parcels, problems = [], []
    for index, request in enumerate(requests):
        try:
            origin = resolver.origin(request.origin)
            destination = resolver.resolve(request.destination)
        except DomainError as exc:
            problems.append({"index": index, "code": exc.code, "message": exc.localized()})
            continue
        parcels.append(_engine_parcel(request, origin, destination))
    if problems:
        first = problems[0]
        raise DomainError("invalid_parcels", f"{len(problems)} parcel(s) cannot be quoted; the first, "
                          f"#{first['index']}: {first['message']}",
                          f"{len(problems)} 个包裹无法报价；第一个（#{first['index']}）：{first['message']}",
                          status=422, details=problems)
    batches = quote_many(parcels, rating_inputs())
    if not priced or merchant is None:
        return batches
    from parcelhub.marketing.pricing import price_batch

    return price_batch(batches, merchant=merchant, with_offers=with_offers,
                       places=[(p.origin[-1], p.destination_province) for p in parcels])
