"""task_open: the entry point other apps (churn alerts, onboarding, renewals) use to queue work for an AM."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import OperatorRole
from parcelhub.core.errors import DomainError
from parcelhub.core.models import AuditLog
from parcelhub.crm.models import Activity
from parcelhub.crm.workbench import selectors
from parcelhub.crm.workbench.models import Assignment, Task
from parcelhub.crm.workbench.services import task_open

pytestmark = pytest.mark.django_db


def test_open_assigns_the_account_manager_and_writes_timeline_and_audit(merchant_a, operator_factory):
    merchant, _ = merchant_a
    am = operator_factory(OperatorRole.ACCOUNT_MANAGER)
    Assignment.objects.create(merchant=merchant, manager=am, assigned_at="2026-11-01T00:00:00+08:00")
    task = task_open(merchant=merchant, kind="churn", title="Volume dropped", reason="volume −62% vs baseline",
                     due_on=dt.date(2026, 12, 1), source_ref="chn_1", value_at_risk_fen=120_000)
    assert (task.kind, task.assignee, task.state, task.value_at_risk_fen) == ("churn", am, "open", 120_000)
    assert task.public_id.startswith("tsk_")
    assert selectors.account_manager(merchant) == am
    assert list(selectors.open_tasks(merchant)) == [task]
    activity = Activity.objects.get(merchant=merchant)
    assert (activity.kind, activity.summary, activity.ref) == ("task", "Volume dropped", task.public_id)
    assert AuditLog.objects.filter(action="workbench.task_open", target_id=task.public_id).count() == 1


def test_open_is_idempotent_per_kind_and_source_while_open(merchant_a):
    merchant, _ = merchant_a
    first = task_open(merchant=merchant, kind="churn", title="A", reason="r", source_ref="chn_1")
    again = task_open(merchant=merchant, kind="churn", title="A again", reason="r2", source_ref="chn_1")
    other_source = task_open(merchant=merchant, kind="churn", title="B", reason="r", source_ref="chn_2")
    other_kind = task_open(merchant=merchant, kind="renewal", title="C", reason="r", source_ref="chn_1")
    assert again.pk == first.pk and again.title == "A"
    assert len({first.pk, other_source.pk, other_kind.pk}) == 3
    assert Task.objects.count() == 3
    assert Activity.objects.filter(kind="task").count() == 3
    # Once done, the same source may open a new task.
    Task.objects.filter(pk=first.pk).update(state=Task.State.DONE)
    reopened = task_open(merchant=merchant, kind="churn", title="A", reason="r", source_ref="chn_1")
    assert reopened.pk != first.pk


def test_unassigned_merchant_gets_an_unassigned_task(merchant_a):
    merchant, _ = merchant_a
    task = task_open(merchant=merchant, kind="onboarding_stalled", title="Stalled", reason="no label in 14 days")
    assert task.assignee is None and selectors.account_manager(merchant) is None


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"kind": "bogus", "title": "x"}, "task_kind_invalid"),
    ({"kind": "churn", "title": "  "}, "task_title_required"),
    ({"kind": "churn", "title": "x", "source_ref": "s" * 65}, "task_source_invalid"),
    ({"kind": "churn", "title": "x", "value_at_risk_fen": -1}, "task_value_invalid"),
])
def test_bad_input_is_rejected_and_writes_nothing(merchant_a, kwargs, code):
    merchant, _ = merchant_a
    with pytest.raises(DomainError) as err:
        task_open(merchant=merchant, reason="r", **kwargs)
    assert err.value.code == code and err.value.status == 422
    assert Task.objects.count() == 0 and Activity.objects.count() == 0 and AuditLog.objects.count() == 0
