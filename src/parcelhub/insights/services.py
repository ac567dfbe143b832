"""Writes of the insights rollups."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from parcelhub.core import clock
from parcelhub.insights.models import MerchantDay
from parcelhub.shipping.models import Shipment


def merchant_days_refresh(*, day: dt.date) -> int:
    """Recompute one day's rows for every merchant that bought a label that day (a later void lowers the count).

    Only live-mode labels count. Merchants without shipments that day keep whatever row they have, so rows written
    by the demo's synthetic population survive a refresh. Returns the number of rows written."""
    start = clock.start_of_day(day)
    bought = (Shipment.objects.filter(test_mode=False, purchased_at__gte=start,
                                      purchased_at__lt=start + dt.timedelta(days=1))
              .values("merchant_id")
              .annotate(shipments=Count("pk", filter=Q(voided_at__isnull=True)),
                        revenue=Coalesce(Sum("total_fen", filter=Q(voided_at__isnull=True)), 0),
                        cost=Coalesce(Sum("cost_fen", filter=Q(voided_at__isnull=True)), 0)))
    rows = [MerchantDay(merchant_id=row["merchant_id"], day=day, shipments=row["shipments"],
                        revenue_fen=row["revenue"], cost_fen=row["cost"]) for row in bought]
    with transaction.atomic():
        MerchantDay.objects.bulk_create(rows, update_conflicts=True, unique_fields=["merchant", "day"],
                                        update_fields=["shipments", "revenue_fen", "cost_fen"])
    return len(rows)


def merchant_days_backfill(*, first: dt.date, last: dt.date) -> int:
    written, day = 0, first
    while day <= last:
        written += merchant_days_refresh(day=day)
        day += dt.timedelta(days=1)
    return written
