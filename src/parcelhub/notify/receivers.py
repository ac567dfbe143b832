"""Signal receivers: status changes become outbox rows in the same transaction as the change."""

from __future__ import annotations

from django.dispatch import receiver

from parcelhub.notify.outbox import outbox_write_for_changes
from parcelhub.tracking.services import status_changed


@receiver(status_changed, dispatch_uid="notify.outbox_write")
def write_outbox(sender, changes, **kwargs) -> None:
    # No try/except on purpose: a failure here rolls the ingest back rather than losing notifications.
    outbox_write_for_changes(changes=changes)
