from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from parcelhub.notify.delivery import outbox_deliver, outbox_sweep


@db_task()
def deliver_outbox(ids: list[int]) -> None:
    """Queued after the commit that wrote the rows; each row is claimed, so a duplicate task sends nothing."""
    for row_id in ids:
        outbox_deliver(row_id)


@db_periodic_task(crontab(minute="*"))
def sweep_outbox() -> int:
    """Every minute: retries that are due, and rows whose after-commit task never ran."""
    return outbox_sweep()
