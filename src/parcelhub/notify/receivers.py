"""Signal receivers: status changes become a bare outbox row in the same transaction as the change, and
composed messages in the worker once it has committed."""

from __future__ import annotations

from django.dispatch import receiver

from parcelhub.notify.outbox import outbox_expand_pending, outbox_record_changes
from parcelhub.tracking.services import changes_committed, status_changed


@receiver(status_changed, dispatch_uid="notify.outbox_write")
def write_outbox(sender, changes, **kwargs) -> None:
    # No try/except on purpose: a failure here rolls the ingest back rather than losing notifications.
    outbox_record_changes(changes=changes)


@receiver(changes_committed, dispatch_uid="notify.outbox_expand")
def expand_outbox(sender, tracking_ids, **kwargs) -> None:
    # Every pending batch, not only this ingest's: a batch whose job was lost goes along too.
    outbox_expand_pending()
