from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from parcelhub.plans.services import plans_daily


@db_periodic_task(crontab(hour="16", minute="30"))
def plans_daily_job() -> dict[str, int]:
    # Huey's crontab is UTC: 16:30 UTC is 00:30 in Shanghai, just after the day (clock.today()) turns, so a
    # period that ended yesterday renews before merchants start printing. A second run the same day is a no-op.
    return plans_daily()
