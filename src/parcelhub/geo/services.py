"""Writes for regions: operators decide which provinces count as remote destinations."""

from __future__ import annotations

from django.db import transaction

from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.geo.models import Region


def region_set_remote(*, region: Region, is_remote: bool, actor) -> Region:
    """Mark a province remote (rate cards add their remote surcharge there) or not; audited."""
    if region.level != Region.Level.PROVINCE:
        raise DomainError("region_not_province", "Only provinces can be marked remote.",
                          "只有省级地区可以设为偏远地区。")
    with transaction.atomic():
        locked = Region.objects.select_for_update().get(pk=region.pk)
        was = locked.is_remote
        if was != is_remote:
            locked.is_remote = is_remote
            locked.save(update_fields=["is_remote"])
            audit(action="region.set_remote", actor=actor, target=locked,
                  data={"adcode": locked.adcode, "name": locked.name, "from": was, "to": is_remote})
    region.is_remote = is_remote
    return locked
