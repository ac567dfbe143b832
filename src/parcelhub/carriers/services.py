"""Writes for carriers, services and rate cards. Each runs in one transaction with an audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from parcelhub.carriers.models import (
    CARD_TERMS,
    SIDES,
    VOLUMETRIC_DIVISORS,
    Carrier,
    RateCard,
    RateCardLane,
    Service,
    validate_rounding,
)
from parcelhub.carriers.ratecard_files import FileUnreadable, read_table
from parcelhub.carriers.ratecard_validation import CardDraft, LaneDraft, RowError, check_table
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.geo.models import Region

PROVINCE_COUNT = 31  # mainland provinces, autonomous regions and municipalities


class RateCardFileInvalid(DomainError):
    """The upload had problems; `errors` lists each with its row and column. Nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        count = len(errors)
        super().__init__("ratecard_file_invalid",
                         f"The file has {count} problem(s); nothing was saved.",
                         f"文件有 {count} 处问题，未保存任何内容。",
                         status=422, details=[e.as_dict() for e in errors])
        self.errors = errors


@dataclass(frozen=True)
class CardSummary:
    public_id: str            # empty on a dry run for a new card
    service_key: str
    service_name: str
    origin: str
    origin_name: str
    effective_from: dt.date
    lanes: int
    missing_provinces: int    # provinces without a row: not served by this card
    replaces: bool            # a scheduled card with the same service, origin and date is replaced


@dataclass(frozen=True)
class ImportResult:
    dry_run: bool
    rows: int
    cards: tuple[CardSummary, ...]
    warnings: tuple[RowError, ...]


def ratecard_import(*, content: bytes, filename: str, actor=None, dry_run: bool = False) -> ImportResult:
    """Validate a whole CSV/XLSX file and, unless `dry_run`, write all its cards or none of them."""
    today = clock.today()
    try:
        table = read_table(content, filename)
    except FileUnreadable as exc:
        raise RateCardFileInvalid([RowError(None, "", exc.message, exc.message_zh)]) from None
    checked = check_table(table, today=today)
    if checked.errors:
        raise RateCardFileInvalid(checked.errors)
    written: dict[tuple, RateCard] = {}
    if not dry_run:
        try:
            with transaction.atomic():
                _lock_and_recheck(checked.cards, today=today)
                for draft in checked.cards:
                    written[draft.key] = _write_card(draft, actor=actor, source=filename)
        except IntegrityError:
            # Another upload created one of these cards between our check and our insert.
            raise DomainError("ratecard_conflict", "Another upload changed these cards just now; try again.",
                              "其他上传刚刚修改了这些价格表，请重试。", status=409) from None
    summaries = tuple(_summary(d, written.get(d.key)) for d in checked.cards)
    return ImportResult(dry_run=dry_run, rows=len(table.rows), cards=summaries, warnings=tuple(checked.warnings))


def _lock_and_recheck(drafts: list[CardDraft], *, today: dt.date) -> None:
    """A card may have come into effect since validation (midnight passed); in-effect cards stay as they are."""
    ids = [d.replaces.pk for d in drafts if d.replaces is not None]
    locked = {c.pk: c for c in RateCard.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    problems = [
        RowError(d.first_row, "effective_from", f"the card {d.replaces.public_id} is already in effect",
                 f"价格表 {d.replaces.public_id} 已生效")
        for d in drafts
        if d.replaces is not None and (d.replaces.pk not in locked or locked[d.replaces.pk].effective_from <= today)
    ]
    if problems:
        raise RateCardFileInvalid(problems)


def _write_card(draft: CardDraft, *, actor, source: str) -> RateCard:
    card = draft.replaces
    if card is None:
        card = RateCard(service=draft.service, origin=draft.origin, effective_from=draft.effective_from)
    replacing = card.pk is not None
    previous_lanes = card.lanes.count() if replacing else 0
    for name, value in draft.terms.items():
        setattr(card, name, value)
    card.note, card.created_by = draft.note, actor if getattr(actor, "is_authenticated", False) else None
    card.save()
    card.lanes.all().delete()
    RateCardLane.objects.bulk_create([_lane(card, lane) for lane in draft.lanes])
    audit(action="ratecard.replace" if replacing else "ratecard.create", actor=actor, target=card,
          data={"service": draft.service.key, "origin": draft.origin.pk,
                "effective_from": draft.effective_from.isoformat(), "lanes": len(draft.lanes),
                "previous_lanes": previous_lanes, "source": source[:100]})
    return card


def _lane(card: RateCard, lane: LaneDraft) -> RateCardLane:
    return RateCardLane(card=card, destination=lane.destination, first_weight_g=lane.first_weight_g,
                        cost_first_fen=lane.cost_first_fen, cost_additional_per_kg_fen=lane.cost_additional_per_kg_fen,
                        list_first_fen=lane.list_first_fen, list_additional_per_kg_fen=lane.list_additional_per_kg_fen,
                        transit_days=lane.transit_days)


def _summary(draft: CardDraft, card: RateCard | None) -> CardSummary:
    return CardSummary(
        public_id=card.public_id if card else (draft.replaces.public_id if draft.replaces else ""),
        service_key=draft.service.key, service_name=str(draft.service), origin=draft.origin.pk,
        origin_name=draft.origin.name, effective_from=draft.effective_from, lanes=len(draft.lanes),
        missing_provinces=max(PROVINCE_COUNT - len(draft.lanes), 0), replaces=draft.replaces is not None,
    )


def ratecard_create(*, service: Service, origin: Region, effective_from: dt.date, terms: dict[str, int],
                    lanes: list[LaneDraft], note: str = "", actor=None) -> RateCard:
    """Create one card from values already checked (the demo world uses this; people upload files)."""
    unknown = set(terms) - {f"{side}_{term}" for side in SIDES for term in CARD_TERMS}
    if unknown:
        raise ValueError(f"unknown card terms: {sorted(unknown)}")
    draft = CardDraft(service=service, origin=origin, effective_from=effective_from, first_row=0,
                      terms=terms, term_texts={}, note=note, lanes=lanes)
    with transaction.atomic():
        return _write_card(draft, actor=actor, source="ratecard_create")


def ratecard_cancel(*, card: RateCard, actor=None) -> None:
    """Withdraw a scheduled card before its date; a card in effect is history that quotes refer to."""
    with transaction.atomic():
        locked = RateCard.objects.select_for_update().filter(pk=card.pk).first()
        if locked is None:
            return
        if locked.effective_from <= clock.today():
            raise DomainError("ratecard_in_effect", "This card is already in effect and cannot be withdrawn.",
                              "该价格表已生效，不能撤销。", status=409)
        audit(action="ratecard.cancel", actor=actor, target=locked,
              data={"service": locked.service.key, "origin": locked.origin_id,
                    "effective_from": locked.effective_from.isoformat()})
        locked.delete()


def carrier_create(*, code: str, name: str, name_en: str, actor=None) -> Carrier:
    with transaction.atomic():
        carrier = Carrier.objects.create(code=code, name=name, name_en=name_en)
        audit(action="carrier.create", actor=actor, target=carrier, data={"code": code})
    return carrier


def service_create(*, carrier: Carrier, code: str, name: str, name_en: str, max_weight_g: int,
                   volumetric_divisor: int, rounding: list[dict], max_side_cm: int | None = None,
                   max_declared_value_fen: int | None = None, actor=None) -> Service:
    if volumetric_divisor not in VOLUMETRIC_DIVISORS:
        raise DomainError("invalid_divisor", "The volumetric divisor must be 6000, 8000 or 12000.",
                          "抛比必须是 6000、8000 或 12000。")
    try:
        validate_rounding(rounding)
    except ValidationError as exc:
        raise DomainError("invalid_rounding", " ".join(exc.messages), "计重进位规则无效。") from exc
    with transaction.atomic():
        service = Service.objects.create(
            carrier=carrier, code=code, name=name, name_en=name_en, max_weight_g=max_weight_g,
            volumetric_divisor=volumetric_divisor, rounding=rounding, max_side_cm=max_side_cm,
            max_declared_value_fen=max_declared_value_fen)
        audit(action="service.create", actor=actor, target=service, data={"service": service.key})
    return service
