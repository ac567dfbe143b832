from __future__ import annotations

from typing import Any

from django.db import models

from parcelhub.core.models import AuditLog


def audit(*, action: str, actor=None, merchant=None, target: models.Model | None = None,
          data: dict[str, Any] | None = None) -> AuditLog:
    """Record an audit row; call inside the service's transaction so it commits or rolls back with the change."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditLog.objects.create(
        action=action,
        actor=actor,
        merchant=merchant,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(getattr(target, "public_id", None) or getattr(target, "pk", "") or ""),
        data=data or {},
    )
