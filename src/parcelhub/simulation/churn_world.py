"""Demo world: churn alerts over the population's history and their outcomes, a retention coupon for the
automated offers, and tasks and offers for the alerts of the last month that are still open."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from parcelhub.accounts.models import Merchant
from parcelhub.crm.churn.models import ChurnAlert, ChurnSettings
from parcelhub.crm.churn.services import churn_history_load

RETENTION_COUPON = "好久不见 · 满30减8"


def build(*, merchants: list[Merchant], today: dt.date) -> dict[str, int]:
    """`merchants` are the hand-made demo merchants; returns counts for the demo command's summary."""
    if ChurnAlert.objects.exists():
        return {"churn_alerts": 0}
    _retention_coupon(today)
    return churn_history_load(today=today)


def _retention_coupon(today: dt.date) -> None:
    from parcelhub.marketing.promotions.models import Coupon

    config = ChurnSettings.current()
    if config.retention_coupon is not None:
        return
    start = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=400), dt.time()))
    coupon, _ = Coupon.objects.get_or_create(
        name=RETENTION_COUPON,
        defaults={"amount_off_fen": 800, "min_spend_fen": 3000, "valid_from": start,
                  "valid_until": start + dt.timedelta(days=800), "per_merchant_limit": 3})
    config.retention_coupon = coupon
    config.save(update_fields=["retention_coupon"])
