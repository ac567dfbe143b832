from __future__ import annotations

import pytest

from parcelhub.accounts.models import OperatorRole
from parcelhub.core.errors import DomainError
from parcelhub.core.models import AuditLog
from parcelhub.geo.models import Region
from parcelhub.geo.services import region_set_remote

pytestmark = pytest.mark.django_db


def test_set_remote_writes_an_audit_row(operator_factory):
    actor = operator_factory(OperatorRole.PRICING)
    zhejiang = Region.objects.get(adcode="330000")
    result = region_set_remote(region=zhejiang, is_remote=True, actor=actor)
    assert result.is_remote is True
    assert Region.objects.get(adcode="330000").is_remote is True
    entry = AuditLog.objects.get()
    assert (entry.action, entry.actor, entry.target_type, entry.target_id) == (
        "region.set_remote", actor, "geo.region", "330000")
    assert entry.data == {"adcode": "330000", "name": "浙江省", "from": False, "to": True}


def test_unchanged_flag_writes_nothing(operator_factory):
    region_set_remote(region=Region.objects.get(adcode="650000"), is_remote=True,
                      actor=operator_factory(OperatorRole.PRICING))
    assert AuditLog.objects.count() == 0


def test_only_provinces(operator_factory):
    with pytest.raises(DomainError) as info:
        region_set_remote(region=Region.objects.get(adcode="330782"), is_remote=True,
                          actor=operator_factory(OperatorRole.PRICING))
    assert info.value.code == "region_not_province"
    assert Region.objects.filter(is_remote=True, level__gt=1).count() == 0
    assert AuditLog.objects.count() == 0
