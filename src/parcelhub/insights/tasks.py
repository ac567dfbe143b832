from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from parcelhub.core import clock
from parcelhub.insights.services import merchant_days_backfill


@db_periodic_task(crontab(hour="0", minute="20"))
def refresh_recent_merchant_days() -> None:
    # Yesterday and the day before: a void inside the 24 h window changes the day it was bought on.
    today = clock.today()
    merchant_days_backfill(first=today - dt.timedelta(days=2), last=today - dt.timedelta(days=1))
