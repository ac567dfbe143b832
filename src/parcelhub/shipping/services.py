"""Writes for shipments: create, buy (charge + waybill + label, all or nothing), void, and pickups.

Buying runs in one transaction: the wallet is charged first (so an unaffordable label never takes a waybill
number), then the carrier issues the waybill, then the label is rendered. Any failure rolls the charge back;
a waybill already issued is cancelled with the carrier.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction

from parcelhub.billing.selectors import charge_exists
from parcelhub.billing.services import prepaid_label_post, wallet_charge, wallet_refund
from parcelhub.carriers.adapters.base import (
    Address,
    CarrierRefused,
    PickupRequest,
    WaybillRequest,
    adapter_for,
)
from parcelhub.carriers.selectors import rating_inputs
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.geo.models import Region
from parcelhub.geo.parsing import ParseError, normalize_phone
from parcelhub.geo.selectors import origin_chain
from parcelhub.marketing import pricing as merchant_pricing
from parcelhub.marketing.services import purchase_commit, purchase_release
from parcelhub.rating.engine import quote_all
from parcelhub.rating.reasons import reason_text
from parcelhub.rating.types import Parcel, Quote, RatingInputs
from parcelhub.shipping.models import Pickup, Shipment
from parcelhub.shipping.selectors import label_pdf
from parcelhub.tracking.services import IncomingEvent, tracking_ingest, tracking_start
from parcelhub.tracking.status import Status

logger = logging.getLogger("parcelhub.shipping")

RULES = ("cheapest", "fastest", "recommended")


@dataclass(frozen=True)
class Party:
    name: str
    phone: str
    region: Region
    detail: str = ""


def _phone(text: str, who: str) -> str:
    try:
        return normalize_phone(text)
    except ParseError as exc:
        raise DomainError("phone_invalid", f"The {who}'s phone: {exc.message}",
                          f"{'发件人' if who == 'sender' else '收件人'}电话：{exc.message_zh}", status=422) from exc


def merchant_origin(merchant) -> Party:
    if merchant.origin_region is None:
        raise DomainError("origin_required", "Give a sender address: this account has no default origin.",
                          "请填写发件地址：该账户没有默认发货地。", status=422)
    return Party(merchant.contact_name, merchant.phone, merchant.origin_region, merchant.origin_address)


def _deliverable(party: Party, who: str) -> None:
    """Carriers route to a city at least: a province alone cannot be printed as a sort code."""
    if party.region.level < Region.Level.CITY:
        raise DomainError("address_incomplete", f"The {who}'s address needs at least a city.",
                          f"{'发件' if who == 'sender' else '收件'}地址至少需要精确到城市。", status=422)


def shipment_create(*, merchant, recipient: Party, weight_g: int, sender: Party | None = None, length_cm: int = 0,
                    width_cm: int = 0, height_cm: int = 0, declared_value_fen: int = 0, cod_fen: int = 0,
                    items_summary: str = "", reference: str = "", order=None, test_mode: bool = False,
                    actor=None) -> Shipment:
    """A draft shipment; the sender defaults to the merchant's shipping origin."""
    sender = sender or merchant_origin(merchant)
    _deliverable(sender, "sender")
    _deliverable(recipient, "recipient")
    if weight_g <= 0:
        raise DomainError("weight_invalid", "The weight must be above zero.", "重量必须大于零。", status=422)
    with transaction.atomic():
        shipment = Shipment.objects.create(
            merchant=merchant, order=order, test_mode=test_mode, reference=reference[:64],
            sender_name=sender.name, sender_phone=_phone(sender.phone, "sender"), sender_region=sender.region,
            sender_detail=sender.detail, recipient_name=recipient.name,
            recipient_phone=_phone(recipient.phone, "recipient"), recipient_region=recipient.region,
            recipient_detail=recipient.detail, weight_g=weight_g, length_cm=length_cm, width_cm=width_cm,
            height_cm=height_cm, declared_value_fen=declared_value_fen, cod_fen=cod_fen,
            items_summary=items_summary[:200], label_size=merchant.label_size, privacy=merchant.privacy_waybills,
        )
        audit(action="shipment.create", actor=actor, merchant=merchant, target=shipment)
    return shipment


def shipment_from_order(*, order, actor=None) -> Shipment:
    items = ", ".join(f"{item.name} ×{item.quantity}" for item in order.items.all())
    return shipment_create(
        merchant=order.merchant, order=order, test_mode=order.test_mode, reference=order.external_id or order.public_id,
        recipient=Party(order.recipient_name, order.recipient_phone, order.recipient_region, order.recipient_detail),
        weight_g=order.weight_g, length_cm=order.length_cm or 0, width_cm=order.width_cm or 0,
        height_cm=order.height_cm or 0, declared_value_fen=order.declared_value_fen or 0, items_summary=items,
        actor=actor,
    )


def shipment_parcel(shipment: Shipment) -> Parcel:
    return Parcel(origin=origin_chain(shipment.sender_region),
                  destination_province=shipment.recipient_region.province_code, weight_g=shipment.weight_g,
                  length_cm=shipment.length_cm, width_cm=shipment.width_cm, height_cm=shipment.height_cm,
                  declared_value_fen=shipment.declared_value_fen)


def shipment_quotes(shipment: Shipment, inputs: RatingInputs | None = None) -> list[Quote]:
    return quote_all(shipment_parcel(shipment), inputs or rating_inputs())


def choose_quote(quotes: list[Quote], *, service_key: str | None = None, rule: str | None = None) -> Quote:
    """The quote to buy: a named service ("sf.standard"), or the one a rule flags."""
    if service_key:
        quote = next((q for q in quotes if f"{q.carrier}.{q.service}" == service_key), None)
        if quote is None:
            raise DomainError("unknown_service", f"There is no service {service_key}.", f"没有产品 {service_key}。",
                              status=422)
        if not quote.eligible:
            reason = reason_text(quote.reason)
            raise DomainError("service_unavailable", f"{quote.service_name} cannot take this parcel: {reason}",
                              f"{quote.service_name} 无法承运此包裹：{reason}", status=422)
        return quote
    if rule not in RULES:
        raise DomainError("rule_invalid", "Choose a service, or a rule: cheapest, fastest or recommended.",
                          "请选择产品，或选择规则：最便宜、最快或推荐。", status=422)
    quote = next((q for q in quotes if rule in q.flags), None)
    if quote is None:
        raise DomainError("no_eligible_service", "No service can take this parcel on this lane.",
                          "该线路没有可承运此包裹的产品。", status=422)
    return quote


def _address(region: Region, name: str, phone: str, detail: str) -> Address:
    chain = origin_chain(region)  # district, city, province (as deep as the region goes)
    codes = list(reversed(chain)) + [""] * (3 - len(chain))
    return Address(name=name, phone=phone, province_code=codes[0], city_code=codes[1], district_code=codes[2],
                   detail=detail)


def _waybill_request(shipment: Shipment, quote: Quote) -> WaybillRequest:
    return WaybillRequest(
        carrier=quote.carrier, service=quote.service, reference=shipment.public_id,
        sender=_address(shipment.sender_region, shipment.sender_name, shipment.sender_phone, shipment.sender_detail),
        recipient=_address(shipment.recipient_region, shipment.recipient_name, shipment.recipient_phone,
                           shipment.recipient_detail),
        weight_g=shipment.weight_g, length_cm=shipment.length_cm, width_cm=shipment.width_cm,
        height_cm=shipment.height_cm, declared_value_fen=shipment.declared_value_fen, cod_fen=shipment.cod_fen,
        items_summary=shipment.items_summary, test_mode=shipment.test_mode,
    )


def _record_purchase(shipment: Shipment, quote: Quote, waybill) -> None:
    shipment.status = Shipment.Status.PURCHASED
    shipment.carrier_code, shipment.service_code, shipment.service_name = quote.carrier, quote.service, quote.service_name
    shipment.total_fen, shipment.cost_fen = quote.total_fen, quote.cost_fen
    shipment.billable_weight_g, shipment.transit_days = quote.billable_weight_g, quote.transit_days
    shipment.breakdown = [merchant_pricing.line_payload(line) for line in quote.breakdown]
    shipment.waybill_no, shipment.sort_code, shipment.hub = waybill.waybill_no, waybill.sort_code, waybill.hub
    shipment.purchased_at = clock.now()
    shipment.save()


def _cancel_issued_waybill(waybill) -> None:
    try:
        adapter_for(waybill.carrier).cancel_waybill(carrier=waybill.carrier, waybill_no=waybill.waybill_no)
    except Exception:  # the purchase already failed; the carrier's own void window will expire the number
        logger.warning("could not cancel waybill %s after a failed purchase", waybill.waybill_no, exc_info=True)


# Refusals after which a rule may go on to its next choice; anything else ends the purchase.
_TRY_NEXT_SERVICE = frozenset({"unsupported_destination", "overweight"})


def _days(quote: Quote) -> int:
    return quote.transit_days if quote.transit_days is not None else 1_000


_RULE_ORDER = {
    "cheapest": lambda q: (q.total_fen, _days(q), q.carrier, q.service),
    "fastest": lambda q: (_days(q), q.total_fen, q.carrier, q.service),
    "recommended": lambda q: (q.total_fen, _days(q), q.carrier, q.service),
}


def purchase_candidates(quotes: list[Quote], *, service_key: str | None = None,
                        rule: str | None = None) -> list[Quote]:
    """A named service alone; for a rule, its pick first and then the other eligible services in the rule's
    order — what a rule falls back to when a carrier turns the parcel away at booking (the rate card offered
    the lane, but the carrier's network does not reach that address)."""
    pick = choose_quote(quotes, service_key=service_key, rule=rule)
    if service_key:
        return [pick]
    others = sorted((q for q in quotes if q.eligible and q is not pick), key=_RULE_ORDER[rule])
    return [pick, *others]


def _charge_and_book(shipment: Shipment, quote: Quote, actor):
    if not shipment.test_mode:
        # A label paid for by a prepaid package takes nothing from the wallet, but its carrier cost is booked.
        charge = wallet_charge if quote.total_fen > 0 else prepaid_label_post
        extra = {"amount_fen": quote.total_fen} if quote.total_fen > 0 else {}
        charge(merchant=shipment.merchant, cost_fen=quote.cost_fen, carrier_code=quote.carrier,
               reference=shipment.public_id, memo=f"{quote.service_name} {shipment.reference}".strip(),
               lines=[(line.code, line.amount_fen, line.label, line.source_id) for line in quote.breakdown],
               actor=actor, **extra)
    return adapter_for(quote.carrier).create_waybill(_waybill_request(shipment, quote))


def _book_first_accepting(shipment: Shipment, candidates: list[Quote], actor):
    for index, quote in enumerate(candidates):
        try:
            with transaction.atomic():  # a savepoint: a carrier's refusal takes its charge back with it
                return quote, _charge_and_book(shipment, quote, actor)
        except CarrierRefused as exc:
            if exc.code not in _TRY_NEXT_SERVICE or index == len(candidates) - 1:
                raise
            logger.debug("%s refused %s (%s); trying the next service", quote.carrier, shipment.public_id, exc.code)
    raise AssertionError("unreachable: candidates is never empty")


def merchant_quotes(shipment: Shipment, quotes: list[Quote], *,
                    coupon: str | None = None) -> merchant_pricing.PricedQuotes:
    """The merchant's prices (tier, offers, guardrail); test-mode labels get the tier but use no offers."""
    return merchant_pricing.price_quotes(
        quotes, merchant=shipment.merchant, origin=shipment.sender_region.province_code,
        destination=shipment.recipient_region.province_code, coupon=coupon, with_offers=not shipment.test_mode)


def _check_coupon(priced: merchant_pricing.PricedQuotes, quote: Quote, coupon: str | None) -> None:
    stack = priced.stack_for(quote)
    if coupon and stack is not None and stack.chosen_missing:
        raise DomainError("coupon_not_applicable", f"The coupon {coupon} cannot be used on this label.",
                          f"优惠券 {coupon} 不能用于此面单。", status=422)


def shipment_buy(*, shipment: Shipment, service_key: str | None = None, rule: str | None = None, actor=None,
                 inputs: RatingInputs | None = None, render_label: bool = True, coupon: str | None = None,
                 tier_check: bool = True) -> Shipment:
    """Charge, take a waybill, render the label — all or nothing. Test-mode shipments are not charged.
    `coupon`: the public id of the coupon grant the merchant chose ("none" for none; default: the best one)."""
    waybill = None
    try:
        with transaction.atomic():
            locked = Shipment.objects.select_for_update(of=("self",)).select_related(
                "merchant", "sender_region__parent__parent", "recipient_region__parent__parent").get(pk=shipment.pk)
            if locked.status != Shipment.Status.DRAFT:
                raise DomainError("already_purchased", "This shipment's label was already bought.",
                                  "该运单已购买面单。", status=409)
            list_quotes = shipment_quotes(locked, inputs)
            priced = merchant_quotes(locked, list_quotes, coupon=coupon)
            candidates = purchase_candidates(priced.quotes, service_key=service_key, rule=rule)
            _check_coupon(priced, candidates[0], coupon)
            quote, waybill = _book_first_accepting(locked, candidates, actor)
            _record_purchase(locked, quote, waybill)
            list_fen = next(q.total_fen for q in list_quotes
                            if (q.carrier, q.service) == (quote.carrier, quote.service))
            purchase_commit(shipment=locked, stack=priced.stack_for(quote), list_fen=list_fen,
                            tier_check_after=tier_check)
            tracking_start(shipment=locked)
            if render_label:
                label_pdf(locked)  # proves the label renders before anything commits
            if locked.order_id:
                from parcelhub.orders.services import orders_mark_shipped

                orders_mark_shipped(orders=[locked.order], actor=actor)
            audit(action="shipment.buy", actor=actor, merchant=locked.merchant, target=locked,
                  data={"service": locked.service_key, "total_fen": locked.total_fen, "waybill": locked.waybill_no})
    except BaseException:
        if waybill is not None:
            _cancel_issued_waybill(waybill)
        raise
    return locked


def shipment_void(*, shipment: Shipment, actor=None) -> Shipment:
    """Cancel the waybill within the carrier's void window and refund the wallet; the order can be re-shipped."""
    with transaction.atomic():
        locked = (Shipment.objects.select_for_update(of=("self",)).select_related("merchant", "order")
                  .get(pk=shipment.pk))
        if locked.status != Shipment.Status.PURCHASED:
            raise DomainError("not_voidable", "Only a bought label can be voided.", "只有已购买的面单才能作废。",
                              status=409)
        adapter_for(locked.carrier_code).cancel_waybill(carrier=locked.carrier_code, waybill_no=locked.waybill_no)
        if not locked.test_mode and (locked.total_fen > 0 or charge_exists(locked.public_id)):
            wallet_refund(reference=locked.public_id, reason="void", actor=actor)
        purchase_release(shipment=locked)
        locked.status, locked.voided_at = Shipment.Status.VOIDED, clock.now()
        locked.save(update_fields=["status", "voided_at"])
        tracking_ingest(events=[IncomingEvent(
            carrier=locked.carrier_code, waybill_no=locked.waybill_no, occurred_at=locked.voided_at,
            status=Status.CANCELLED, description="面单已作废，运单取消 (label voided)", source="platform")])
        if locked.order_id:
            from parcelhub.orders.services import order_reopen

            order_reopen(order=locked.order, actor=actor)
        audit(action="shipment.void", actor=actor, merchant=locked.merchant, target=locked)
    return locked


def pickup_book(*, merchant, shipments: list[Shipment], window_start, window_end, actor=None) -> list[Pickup]:
    """One courier visit per carrier for the chosen labels, at the merchant's shipping origin."""
    if not shipments:
        raise DomainError("no_shipments", "Choose the shipments to be picked up.", "请选择需要揽收的运单。", status=422)
    bad = [s.public_id for s in shipments if s.status != Shipment.Status.PURCHASED or s.pickup_id]
    if bad:
        raise DomainError("not_pickable", f"These shipments have no label or already have a pickup: {', '.join(bad)}",
                          f"这些运单没有面单或已预约揽收：{', '.join(bad)}", status=422)
    origin = merchant_origin(merchant)
    by_carrier: dict[str, list[Shipment]] = {}
    for shipment in shipments:
        by_carrier.setdefault(shipment.carrier_code, []).append(shipment)
    pickups = []
    with transaction.atomic():
        for carrier, group in sorted(by_carrier.items()):
            booked = adapter_for(carrier).book_pickup(PickupRequest(
                carrier=carrier, address=_address(origin.region, origin.name, origin.phone, origin.detail),
                window_start=window_start, window_end=window_end,
                waybill_nos=tuple(s.waybill_no for s in group), parcels=len(group), reference=merchant.public_id))
            pickup = Pickup.objects.create(
                merchant=merchant, carrier_code=carrier, contact_name=origin.name, contact_phone=origin.phone,
                region=origin.region, detail=origin.detail, window_start=booked.window_start,
                window_end=booked.window_end, confirmation_no=booked.confirmation_no,
                courier_name=booked.courier_name, courier_phone=booked.courier_phone)
            Shipment.objects.filter(pk__in=[s.pk for s in group]).update(pickup=pickup)
            audit(action="pickup.book", actor=actor, merchant=merchant, target=pickup,
                  data={"carrier": carrier, "shipments": len(group)})
            pickups.append(pickup)
    return pickups


def pickup_cancel(*, pickup: Pickup, actor=None) -> Pickup:
    with transaction.atomic():
        locked = Pickup.objects.select_for_update().get(pk=pickup.pk)
        if locked.status != Pickup.Status.CONFIRMED:
            raise DomainError("pickup_not_cancellable", "This pickup is already cancelled.", "该揽收预约已取消。",
                              status=409)
        adapter_for(locked.carrier_code).cancel_pickup(carrier=locked.carrier_code,
                                                       confirmation_no=locked.confirmation_no)
        locked.status, locked.cancelled_at = Pickup.Status.CANCELLED, clock.now()
        locked.save(update_fields=["status", "cancelled_at"])
        locked.shipments.update(pickup=None)
        audit(action="pickup.cancel", actor=actor, merchant=locked.merchant, target=locked)
    return locked

