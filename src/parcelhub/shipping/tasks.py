from __future__ import annotations

from huey.contrib.djhuey import db_task

from parcelhub.shipping.bulk import bulk_purchase_run


@db_task()
def run_bulk_purchase(bulk_id: int) -> None:
    bulk_purchase_run(bulk_id)
