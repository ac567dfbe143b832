"""The workbench demo world on a small history: managers, the first demo merchant's manager, values, tasks."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import Merchant, User
from parcelhub.core import clock
from parcelhub.crm.workbench.models import Assignment, ManagerProfile, MerchantValue, Task
from parcelhub.simulation import workbench_world
from tests.workbench.conftest import write_days

pytestmark = pytest.mark.django_db


def test_build_twice_gives_the_same_world(merchant_a):
    first, _ = merchant_a
    today = clock.today()
    merchants = [first]
    for i in range(12):
        m = Merchant.objects.create(name=f"人口{i}", contact_name="c", phone="1")
        merchants.append(m)
    for i, m in enumerate(merchants):
        write_days(m, [today - dt.timedelta(days=d) for d in range(1 + i % 3, 120, 2 + i % 4)], shipments=25)
    counts = workbench_world.build(merchants=[first], today=today)
    am = User.objects.get(email="am@parcelhub.local")
    assert am.check_password("parcelhub-demo") and am.operator_role == "account_manager"
    assert ManagerProfile.objects.get(user=am).provinces == ["330000"]
    manual = Assignment.objects.get(merchant=first)
    assert (manual.manager, manual.manual) == (am, True)
    assert counts["account_managers"] == 2 and counts["merchant_values"] == 13 == MerchantValue.objects.count()
    intro = Task.objects.filter(source_ref="demo:intro")
    # One introduction call per manager with accounts, for that manager's most valuable one.
    managers = set(Assignment.objects.values_list("manager_id", flat=True))
    assert sorted(t.assignee_id for t in intro) == sorted(managers)
    again = workbench_world.build(merchants=[first], today=today)
    assert again == counts
