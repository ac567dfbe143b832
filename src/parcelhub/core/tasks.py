from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from parcelhub.core.idempotency import idempotency_purge


@db_periodic_task(crontab(minute="17"))
def purge_idempotency_records() -> int:
    """Hourly: idempotency answers are kept 24 hours, as the API documentation promises."""
    return idempotency_purge()
