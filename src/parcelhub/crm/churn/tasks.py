from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from parcelhub.crm.churn.services import churn_scan_run


@db_periodic_task(crontab(hour="1", minute="10"))
def churn_scan_daily() -> None:
    # After insights' rollup of yesterday (00:20): the scan reads MerchantDay up to yesterday.
    churn_scan_run()
