"""Months of past shipments for the demo merchants, bought through the real services on a moved clock.

Each past day has orders that were shipped: the order is created, its label bought by the merchant's usual
rule (charged to the wallet, a sandbox waybill taken) and handed to the courier a few hours later. Volume
follows the week (quieter weekends) and the Double 11 peak; wallets are topped up through the sandbox payment
provider whenever they run low, as a merchant would. Deterministic; a merchant with history is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from parcelhub.accounts.models import Merchant
from parcelhub.billing.selectors import wallet_for
from parcelhub.billing.services import recharge_confirm, recharge_create
from parcelhub.carriers.adapters.sandbox import sandbox_collect
from parcelhub.carriers.selectors import rating_inputs
from parcelhub.core.errors import DomainError
from parcelhub.orders.models import Order, Sku
from parcelhub.orders.services import ItemInput, order_create
from parcelhub.shipping.models import Shipment
from parcelhub.shipping.services import shipment_buy, shipment_from_order
from parcelhub.simulation.orders_world import demo_recipient
from parcelhub.simulation.timeline import clock_at

# Average labels per weekday for each demo merchant (in DEMO_MERCHANTS order), and the rule each one buys by.
DAILY_LABELS = (3.0, 5.0, 1.2)
RULES = ("cheapest", "cheapest", "recommended")
TOP_UP_BELOW_FEN = 30_000
TOP_UP_FEN = 300_000
_WEEKDAY_FACTOR = (1.1, 1.1, 1.0, 1.0, 1.0, 0.7, 0.6)


def _day_count(rng: random.Random, mean: float, day: dt.date) -> int:
    factor = _WEEKDAY_FACTOR[day.weekday()]
    if day.month == 11 and 10 <= day.day <= 13:  # Double 11 orders ship in the days after the 11th
        factor *= 3.0
    expected = mean * factor
    return int(expected) + (1 if rng.random() < expected - int(expected) else 0)


def _top_up(merchant: Merchant, moment: dt.datetime, number: int) -> None:
    with clock_at(moment):
        recharge = recharge_create(merchant=merchant, amount_fen=TOP_UP_FEN, actor=None)
        recharge_confirm(provider_txn_id=f"sbx_demo_topup_{merchant.public_id}_{number}",
                         recharge_public_id=recharge.public_id, amount_fen=TOP_UP_FEN)


def _ship_one(merchant: Merchant, rng: random.Random, moment: dt.datetime, rule: str, skus: list[Sku],
              inputs, serial: int) -> Shipment | None:
    sku = rng.choice(skus)
    with clock_at(moment), transaction.atomic():
        order = order_create(merchant=merchant, source="taobao", external_id=f"DEMO-HIST-{serial:06d}",
                             recipient=demo_recipient(rng),
                             items=[ItemInput(quantity=rng.choice((1, 1, 2)), sku_code=sku.code)])
        Order.objects.filter(pk=order.pk).update(created_at=moment - dt.timedelta(hours=rng.randrange(2, 20)))
        try:
            shipment = shipment_buy(shipment=shipment_from_order(order=order), rule=rule, inputs=inputs,
                                    render_label=False)
        except DomainError:
            return None  # e.g. too heavy for every service: stays a pending order, as in real life
        Shipment.objects.filter(pk=shipment.pk).update(created_at=moment)
    sandbox_collect(carrier=shipment.carrier_code, waybill_no=shipment.waybill_no,
                    at=moment + dt.timedelta(hours=rng.randrange(2, 8)))
    return shipment


def build_shipment_history(*, merchants: Sequence[Merchant], today: dt.date, days: int = 120) -> dict:
    zone = timezone.get_default_timezone()
    inputs = rating_inputs(today)
    bought = topups = 0
    for index, merchant in enumerate(merchants):
        if Shipment.objects.filter(merchant=merchant, purchased_at__date__lt=today).exists():
            continue
        rng = random.Random(zlib.crc32(f"history:{merchant.name}".encode()))
        skus = list(Sku.objects.filter(merchant=merchant).order_by("code"))
        mean, rule = DAILY_LABELS[index % len(DAILY_LABELS)], RULES[index % len(RULES)]
        serial = index * 100_000
        for offset in range(days, 0, -1):
            day = today - dt.timedelta(days=offset)
            for _ in range(_day_count(rng, mean, day)):
                moment = dt.datetime.combine(day, dt.time(rng.randrange(9, 18), rng.randrange(60)), tzinfo=zone)
                if wallet_for(merchant).balance_fen < TOP_UP_BELOW_FEN:
                    topups += 1
                    _top_up(merchant, moment - dt.timedelta(minutes=5), topups)
                serial += 1
                bought += _ship_one(merchant, rng, moment, rule, skus, inputs, serial) is not None
    return {"past_shipments": bought, "top_ups": topups}
