from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from parcelhub.notify.delivery import outbox_deliver, outbox_purge, outbox_sweep


@db_task()
def deliver_outbox(ids: list[int]) -> None:
    """Queued after the commit that wrote the rows; each row is claimed, so a duplicate task sends nothing."""
    for row_id in ids:
        outbox_deliver(row_id)


@db_periodic_task(crontab(minute="*"))
def sweep_outbox() -> int:
    """Every minute: retries that are due, and rows whose after-commit task never ran."""
    return outbox_sweep()


@db_periodic_task(crontab(hour="4", minute="23"))
def purge_outbox() -> int:
    """Nightly: finished messages older than NOTIFY_RETENTION_DAYS (90) and their delivery log."""
    return outbox_purge()
