"""Signal receivers: status changes become outbox rows in the same transaction (filled in by notify)."""
