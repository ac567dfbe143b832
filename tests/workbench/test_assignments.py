"""Applying the key-account rules to the database, manual overrides and their release."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.crm.workbench.assignments import assignment_release, assignment_set, assignments_apply
from parcelhub.crm.workbench.models import Assignment, ManagerProfile, Task
from parcelhub.crm.workbench.services import task_open
from tests.workbench.conftest import write_days

pytestmark = pytest.mark.django_db


def _merchant(name: str, per_day: int, *, region: str | None = None, industry: str = "other") -> Merchant:
    from parcelhub.geo.models import Region

    if region:
        Region.objects.get_or_create(adcode=region[:2] + "0000", defaults={"name": "省", "short_name": "省", "level": 1})
        Region.objects.get_or_create(adcode=region, defaults={"name": "区", "short_name": "区", "level": 3})
    m = Merchant.objects.create(name=name, contact_name="c", phone="1", origin_region_id=region, industry=industry)
    write_days(m, [clock.today() - dt.timedelta(days=d) for d in range(30)], shipments=per_day)
    return m


def test_rules_assign_key_accounts_by_region_and_skip_the_long_tail(am, am2):
    ManagerProfile.objects.create(user=am, capacity=5, provinces=["330000"])
    ManagerProfile.objects.create(user=am2, capacity=5, industries=["apparel"])
    yiwu = _merchant("义乌", 50, region="330782")          # 1,500 in 30 days: key account in 浙江
    canton = _merchant("广州", 20, industry="apparel")     # 600: key account, apparel
    small = _merchant("小店", 5)                           # 150: long tail
    report = assignments_apply()
    assert (report.key_accounts, report.assigned, report.released, report.unassigned) == (2, 2, 0, 0)
    assert Assignment.objects.get(merchant=yiwu).manager == am
    got = Assignment.objects.get(merchant=canton)
    assert (got.manager, got.reason, got.manual) == (am2, "rules: industry", False)
    assert not Assignment.objects.filter(merchant=small).exists()
    # A second run changes nothing.
    assert assignments_apply().assigned == 0


def test_profiles_are_created_for_new_managers_and_open_tasks_follow_the_account(am):
    key = _merchant("头部", 40)
    task = task_open(merchant=key, kind="other", title="Call", reason="")
    assert task.assignee is None
    assignments_apply()
    assert ManagerProfile.objects.get(user=am).capacity == 25
    assert Task.objects.get(pk=task.pk).assignee == am


def test_manual_override_is_kept_by_the_rules_and_released_on_request(am, am2):
    ManagerProfile.objects.create(user=am, capacity=5, provinces=["330000"])
    ManagerProfile.objects.create(user=am2, capacity=5)
    yiwu = _merchant("义乌", 50, region="330782")
    task = task_open(merchant=yiwu, kind="other", title="Call", reason="")
    assignment_set(merchant=yiwu, manager=am2, actor=am, reason="knows the owner")
    assignments_apply()
    got = Assignment.objects.get(merchant=yiwu)
    assert (got.manager, got.manual, got.reason) == (am2, True, "knows the owner")
    assert Task.objects.get(pk=task.pk).assignee == am2
    assignment_release(merchant=yiwu, actor=am)
    assert Task.objects.get(pk=task.pk).assignee is None
    assignments_apply()
    assert Assignment.objects.get(merchant=yiwu).manager == am


def test_only_account_managers_can_be_assigned_and_release_needs_an_override(am, operator_factory):
    key = _merchant("头部", 40)
    with pytest.raises(DomainError) as err:
        assignment_set(merchant=key, manager=operator_factory("marketing"), actor=am)
    assert err.value.code == "assignment_not_manager"
    assert Assignment.objects.count() == 0
    with pytest.raises(DomainError) as err:
        assignment_release(merchant=key, actor=am)
    assert err.value.code == "assignment_not_manual"


def test_accounts_that_fall_out_of_the_key_bands_are_released(am):
    key = _merchant("头部", 40)
    assignments_apply()
    Merchant.objects.filter(pk=key.pk).update(is_active=False)
    report = assignments_apply()
    assert (report.released, Assignment.objects.count()) == (1, 0)
