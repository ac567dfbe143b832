"""Subscribing bought labels at the tracking aggregator (快递鸟), so the carrier's events are pushed to us.

Only when a 快递鸟 account is configured (KDNIAO_APP_KEY); without one, parcels are tracked by polling the
carrier network. The call runs after the purchase commits, in the worker: a slow or failing aggregator never
holds up or undoes a label purchase, and Huey retries it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from huey.contrib.djhuey import db_task

from parcelhub.tracking.models import Tracking

logger = logging.getLogger("parcelhub.tracking")


def aggregator_configured() -> bool:
    return bool(getattr(settings, "KDNIAO_APP_KEY", "") and getattr(settings, "KDNIAO_EBUSINESS_ID", ""))


def subscribe_after_commit(tracking: Tracking) -> None:
    if aggregator_configured():
        tracking_id = tracking.pk
        transaction.on_commit(lambda: subscribe_tracking(tracking_id))


@db_task(retries=3, retry_delay=60)
def subscribe_tracking(tracking_id: int) -> None:
    # Imported here: the 快递鸟 module maps its pushes to tracking.services' events, which import this module.
    from parcelhub.carriers.adapters.kdniao import KdniaoClient, KdniaoError

    tracking = Tracking.objects.select_related("shipment").get(pk=tracking_id)
    phone = tracking.shipment.recipient_phone
    try:
        KdniaoClient().subscribe(carrier=tracking.carrier_code, waybill_no=tracking.waybill_no,
                                 callback=tracking.shipment.public_id, customer_name=phone[-4:])
    except KdniaoError as exc:
        if exc.code == "kdniao_carrier_unsupported":
            logger.info("快递鸟 does not track %s; %s stays on polling", tracking.carrier_code, tracking.waybill_no)
            return
        raise
