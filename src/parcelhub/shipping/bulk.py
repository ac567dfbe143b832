"""Bulk labels: quote a selection of orders at once, then buy them all by one rule in the background.

The preview prices every order × service through the vectorised engine in one pass; the purchase then buys
each order in its own transaction (so one refusal never undoes the others), records failures with their
reasons (nothing is charged for them) and keeps progress counters for the page's progress bar.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F

from parcelhub.carriers.selectors import rating_inputs
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.geo.selectors import origin_chain
from parcelhub.marketing.pricing import price_batch
from parcelhub.marketing.promotions.spend_offs import spend_offs_settle_bulk
from parcelhub.marketing.services import tier_check
from parcelhub.rating.batch import quote_many
from parcelhub.rating.types import Parcel
from parcelhub.shipping.models import BulkPurchase, Shipment
from parcelhub.shipping.services import RULES, merchant_origin, shipment_buy, shipment_from_order

MAX_ORDERS = 5_000
_PROGRESS_EVERY = 20


@dataclass
class RuleSummary:
    rule: str
    buyable: int = 0
    total_fen: int = 0
    by_service: Counter = field(default_factory=Counter)

    @property
    def services(self) -> list[tuple[str, int]]:
        # A Counter answers any template lookup ("most_common") with 0, so templates get a plain list.
        return self.by_service.most_common()


@dataclass
class BulkPreview:
    orders: int
    rules: list[RuleSummary]
    unquotable: list[dict]          # orders no service can take: {"order", "reason"}


def _pending_orders(merchant, order_ids: list[str]):
    from parcelhub.orders.selectors import orders_for

    orders = list(orders_for(merchant).filter(public_id__in=order_ids, status="pending")
                  .select_related("recipient_region__parent__parent").prefetch_related("items"))
    position = {public_id: i for i, public_id in enumerate(order_ids)}
    return sorted(orders, key=lambda o: position[o.public_id])


def _check_selection(order_ids: list[str]) -> None:
    if not order_ids:
        raise DomainError("no_orders", "Select the orders to ship.", "请选择要发货的订单。", status=422)
    if len(order_ids) > MAX_ORDERS:
        raise DomainError("too_many_orders", f"Select at most {MAX_ORDERS:,} orders at once.",
                          f"一次最多选择 {MAX_ORDERS} 个订单。", status=422)


def bulk_preview(*, merchant, order_ids: list[str]) -> BulkPreview:
    """What each rule would buy and cost for the pending orders among `order_ids`."""
    _check_selection(order_ids)
    orders = _pending_orders(merchant, order_ids)
    origin = origin_chain(merchant_origin(merchant).region)
    parcels = [Parcel(origin=origin, destination_province=o.recipient_region.province_code, weight_g=o.weight_g,
                      length_cm=o.length_cm or 0, width_cm=o.width_cm or 0, height_cm=o.height_cm or 0,
                      declared_value_fen=o.declared_value_fen or 0) for o in orders]
    summaries = {rule: RuleSummary(rule) for rule in RULES}
    unquotable = []
    # The merchant's tier prices. Coupons and packages are left out: each is used once, label by label, at
    # purchase, so applying the same one to every order would understate the total.
    priced = price_batch(quote_many(parcels, rating_inputs()), merchant=merchant, with_offers=False,
                         places=[(p.origin[-1], p.destination_province) for p in parcels])
    for order, quotes in zip(orders, priced, strict=True):
        flagged = False
        for quote in quotes:
            for rule in quote.flags:
                summary = summaries[rule]
                summary.buyable += 1
                summary.total_fen += quote.total_fen
                summary.by_service[quote.service_name] += 1
                flagged = True
        if not flagged:
            unquotable.append({"order": order.public_id, "reason": "no_eligible_service"})
    return BulkPreview(orders=len(orders), rules=[summaries[r] for r in RULES], unquotable=unquotable)


def bulk_purchase_start(*, merchant, order_ids: list[str], rule: str, actor=None) -> BulkPurchase:
    _check_selection(order_ids)
    if rule not in RULES:
        raise DomainError("rule_invalid", "Choose cheapest, fastest or recommended.", "请选择最便宜、最快或推荐。",
                          status=422)
    merchant_origin(merchant)  # fail now, not in the background, when there is no sender address
    with transaction.atomic():
        bulk = BulkPurchase.objects.create(merchant=merchant, rule=rule, order_ids=order_ids, total=len(order_ids),
                                           created_by=actor)
        audit(action="bulk_purchase.start", actor=actor, merchant=merchant, target=bulk,
              data={"orders": len(order_ids), "rule": rule})
        from parcelhub.shipping.tasks import run_bulk_purchase

        transaction.on_commit(lambda: run_bulk_purchase(bulk.pk))
    return bulk


def bulk_purchase_run(bulk_id: int) -> BulkPurchase:
    """The background part; safe to run twice (a finished or running job is left alone)."""
    claimed = BulkPurchase.objects.filter(pk=bulk_id, status=BulkPurchase.Status.QUEUED).update(
        status=BulkPurchase.Status.RUNNING)
    bulk = BulkPurchase.objects.select_related("merchant", "created_by").get(pk=bulk_id)
    if not claimed:
        return bulk
    orders = {o.public_id: o for o in _pending_orders(bulk.merchant, bulk.order_ids)}
    inputs = rating_inputs()
    failures, bought, charged, step = [], 0, 0, 0
    for public_id in bulk.order_ids:
        order = orders.get(public_id)
        try:
            if order is None:
                raise DomainError("order_not_pending", "Not a pending order of this account.", "不是本账户的待发货订单。")
            shipment = _buy_order(order, bulk, inputs)
        except DomainError as exc:
            failures.append({"order": public_id, "code": exc.code, "message": exc.message,
                             "message_zh": exc.message_zh})
        else:
            bought += 1
            charged += 0 if shipment.test_mode else shipment.total_fen
        step += 1
        if step == _PROGRESS_EVERY:
            BulkPurchase.objects.filter(pk=bulk.pk).update(processed=F("processed") + step)
            step = 0
    BulkPurchase.objects.filter(pk=bulk.pk).update(
        processed=bulk.total, bought=bought, failed=len(failures), charged_fen=charged, failures=failures,
        status=BulkPurchase.Status.DONE, finished_at=clock.now())
    bulk.refresh_from_db()
    if bought:
        _after_bulk(bulk)
    return bulk


def _after_bulk(bulk: BulkPurchase) -> None:
    """Once per run rather than per label: the tier upgrade check, and 满减 on the run as one purchase."""
    tier_check(merchant=bulk.merchant)
    spend_offs_settle_bulk(bulk=bulk)


def _buy_order(order, bulk: BulkPurchase, inputs) -> Shipment:
    """A draft is only kept when its label was bought; a refused one leaves nothing behind."""
    with transaction.atomic():
        shipment = shipment_from_order(order=order, actor=bulk.created_by)
        return shipment_buy(shipment=shipment, rule=bulk.rule, actor=bulk.created_by, inputs=inputs,
                            render_label=False, tier_check=False)


def bulk_shipments(bulk: BulkPurchase):
    return (Shipment.objects.filter(merchant=bulk.merchant, order__public_id__in=bulk.order_ids,
                                    status=Shipment.Status.PURCHASED, purchased_at__gte=bulk.created_at)
            .select_related("sender_region__parent__parent", "recipient_region__parent__parent")
            .order_by("purchased_at", "id"))
