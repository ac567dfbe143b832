from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from parcelhub.accounts.models import Merchant
from parcelhub.marketing.services import tier_check, tiers_daily


@db_task()
def tier_check_task(merchant_id: int) -> None:
    """After a purchase commits: upgrade at once when the label crossed a threshold."""
    merchant = Merchant.objects.filter(pk=merchant_id).first()
    if merchant is not None:
        tier_check(merchant=merchant)


@db_periodic_task(crontab(hour="0", minute="40"))
def tiers_daily_task() -> None:
    # After insights' 00:20 rollup refresh, so yesterday's labels are in the averages.
    tiers_daily()
