from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from parcelhub.crm.workbench.assignments import assignments_apply
from parcelhub.crm.workbench.sources import daily_tasks_open
from parcelhub.crm.workbench.value import merchant_values_refresh


# After the merchant-day rollup (00:20) so yesterday's shipping counts.
@db_periodic_task(crontab(hour="1", minute="40"))
def refresh_merchant_values() -> None:
    merchant_values_refresh()


# Assignments first so renewal, downgrade and review tasks land with the right manager.
@db_periodic_task(crontab(hour="2", minute="10"))
def assign_and_open_daily_tasks() -> None:
    assignments_apply()
    daily_tasks_open()
