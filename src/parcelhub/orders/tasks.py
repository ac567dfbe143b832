from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def process_order_import(import_id: int) -> None:
    """Import a stored marketplace export; progress and results are written on the OrderImport row."""
    from parcelhub.orders.importing.run import order_import_run

    order_import_run(import_id)
