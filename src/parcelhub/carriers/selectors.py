"""Reads for carriers, services and rate cards, including the rating engine's inputs for a day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from parcelhub.carriers.models import Carrier, RateCard, RateCardLane, Service
from parcelhub.core import clock
from parcelhub.geo.models import Region
from parcelhub.rating import types


def _in_effect_filter(on: dt.date) -> Q:
    """Cards dated on or before `on` with no later card for the same service and origin also dated by then."""
    superseded = RateCard.objects.filter(
        service_id=OuterRef("service_id"), origin_id=OuterRef("origin_id"),
        effective_from__gt=OuterRef("effective_from"), effective_from__lte=on,
    )
    return Q(effective_from__lte=on) & ~Q(Exists(superseded))


def cards_in_effect(on: dt.date | None = None) -> QuerySet[RateCard]:
    """One card per (service, origin): the latest whose effective_from is not after `on` (default today)."""
    on = on or clock.today()
    return (RateCard.objects.filter(_in_effect_filter(on))
            .select_related("service__carrier", "origin"))


def card_in_effect(*, service: Service, origin: Region, on: dt.date | None = None) -> RateCard | None:
    on = on or clock.today()
    return (RateCard.objects.filter(service=service, origin=origin, effective_from__lte=on)
            .order_by("-effective_from").first())


def card_get(public_id: str) -> RateCard | None:
    lanes = RateCardLane.objects.select_related("destination").order_by("destination_id")
    return (RateCard.objects.select_related("service__carrier", "origin", "created_by")
            .prefetch_related(Prefetch("lanes", queryset=lanes))
            .filter(public_id=public_id).first())


def cards_for_export(*, on: dt.date | None = None, public_id: str | None = None) -> list[RateCard]:
    """Cards with their lanes (destinations loaded) for a file: one card, or all those in effect on a day."""
    lanes = RateCardLane.objects.select_related("destination").order_by("destination_id")
    cards = cards_in_effect(on) if public_id is None else RateCard.objects.filter(public_id=public_id).select_related(
        "service__carrier", "origin")
    return list(cards.prefetch_related(Prefetch("lanes", queryset=lanes))
                .order_by("service__carrier__code", "service__code", "origin_id", "effective_from"))


# --- the rating engine's inputs -----------------------------------------------------------------------------


def service_spec(service: Service) -> types.ServiceSpec:
    return types.ServiceSpec(
        carrier=service.carrier.code, service=service.code, name=service.name,
        max_weight_g=service.max_weight_g, volumetric_divisor=service.volumetric_divisor,
        rounding=service.weight_bands(), max_side_cm=service.max_side_cm,
        max_declared_value_fen=service.max_declared_value_fen,
    )


def _tariff(card: RateCard, side: str, lanes: list[tuple]) -> types.Tariff:
    first, additional = (2, 3) if side == "cost" else (4, 5)
    return types.Tariff(
        lanes={row[0]: types.LaneTariff(first_weight_g=row[1], first_price_fen=row[first],
                                        additional_per_kg_fen=row[additional]) for row in lanes},
        **card.terms(side),
    )


def rating_inputs(on: dt.date | None = None) -> types.RatingInputs:
    """Active services of active carriers, the cards in effect on `on` (default today) and remote provinces.

    Four queries whatever the number of cards: lanes come back as tuples rather than model instances because
    building ~1,000 model objects per quote request is the slow part (see tests/carriers for the figures).
    """
    services = list(Service.objects.filter(is_active=True, carrier__is_active=True).select_related("carrier"))
    by_id = {s.pk: s for s in services}
    cards = list(RateCard.objects.filter(_in_effect_filter(on or clock.today()), service_id__in=list(by_id)))
    lanes_by_card: dict[int, list[tuple]] = defaultdict(list)
    rows = RateCardLane.objects.filter(card_id__in=[c.pk for c in cards]).values_list(
        "card_id", "destination_id", "first_weight_g", "cost_first_fen", "cost_additional_per_kg_fen",
        "list_first_fen", "list_additional_per_kg_fen", "transit_days")
    for card_id, *lane in rows:
        lanes_by_card[card_id].append(tuple(lane))
    built: dict[tuple[str, str], types.RateCard] = {}
    for card in cards:
        lanes = lanes_by_card[card.pk]
        key = by_id[card.service_id].key
        built[(key, card.origin_id)] = types.RateCard(
            service_key=key, origin=card.origin_id,
            cost=_tariff(card, "cost", lanes), list=_tariff(card, "list", lanes),
            transit_days={row[0]: row[6] for row in lanes},
        )
    remote = frozenset(Region.objects.filter(level=Region.Level.PROVINCE, is_remote=True)
                       .values_list("adcode", flat=True))
    return types.RatingInputs(services=tuple(service_spec(s) for s in services), cards=built,
                              remote_provinces=remote)


# --- operator pages ------------------------------------------------------------------------------------------


def carriers_with_services() -> list[Carrier]:
    return list(Carrier.objects.prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("code"))).order_by("code"))


@dataclass
class CardGroup:
    """All cards of one service from one origin: the one in effect, those scheduled and those superseded."""

    service: Service
    origin: Region
    current: RateCard | None = None
    scheduled: list[RateCard] = field(default_factory=list)   # soonest first
    superseded: list[RateCard] = field(default_factory=list)  # newest first

    @property
    def is_demo(self) -> bool:
        return any(c.is_demo for c in [self.current, *self.scheduled] if c is not None)


def card_groups(*, on: dt.date | None = None, carrier_code: str = "", origin_adcode: str = "") -> list[CardGroup]:
    """Cards grouped by (service, origin) for the list page; one query, lanes counted in SQL."""
    on = on or clock.today()
    cards = (RateCard.objects.select_related("service__carrier", "origin").annotate(lane_count=Count("lanes"))
             .order_by("service__carrier__code", "service__code", "origin_id", "-effective_from"))
    if carrier_code:
        cards = cards.filter(service__carrier__code=carrier_code)
    if origin_adcode:
        cards = cards.filter(origin_id=origin_adcode)
    groups: dict[tuple[int, str], CardGroup] = {}
    for card in cards:
        group = groups.setdefault((card.service_id, card.origin_id), CardGroup(card.service, card.origin))
        if card.effective_from > on:
            group.scheduled.insert(0, card)
        elif group.current is None:
            group.current = card
        else:
            group.superseded.append(card)
    return list(groups.values())


def card_origins() -> list[Region]:
    """Origins that have at least one card, for the list page's filter."""
    return list(Region.objects.filter(adcode__in=RateCard.objects.values("origin_id")).order_by("adcode"))


def provinces() -> list[Region]:
    return list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("adcode"))


def card_status(card: RateCard, on: dt.date | None = None) -> str:
    """"scheduled" before its date, "in_effect" while it is the latest dated card, "superseded" after."""
    on = on or clock.today()
    if card.effective_from > on:
        return "scheduled"
    newer = RateCard.objects.filter(service_id=card.service_id, origin_id=card.origin_id,
                                    effective_from__gt=card.effective_from, effective_from__lte=on)
    return "superseded" if newer.exists() else "in_effect"
