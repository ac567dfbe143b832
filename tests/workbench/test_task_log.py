"""Logging what an account manager did: outcomes, coupon offers, follow-ups, snooze and close."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.core.models import AuditLog
from parcelhub.crm.models import Activity
from parcelhub.crm.workbench.models import Task, TaskAction
from parcelhub.crm.workbench.services import task_close, task_log, task_open, task_snooze
from parcelhub.marketing.promotions.models import CouponGrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(managed):
    return task_open(merchant=managed, kind="churn", title="Volume dropped", reason="−62%", source_ref="chn_1")


def test_a_call_with_a_coupon_offer_grants_it_and_writes_the_timeline(task, am, retention_coupon):
    follow = clock.today() + dt.timedelta(days=3)
    action = task_log(task=task, outcome="offer_made", actor=am, note="Price was the issue", follow_up_on=follow,
                      coupon=retention_coupon)
    grant = CouponGrant.objects.get()
    assert (grant.merchant_id, grant.coupon_id, grant.source) == (task.merchant_id, retention_coupon.pk,
                                                                  task.public_id)
    assert (action.outcome, action.coupon_ref, action.follow_up_on, action.actor) == (
        "offer_made", retention_coupon.public_id, follow, am)
    task.refresh_from_db()
    assert (task.state, task.outcome, task.follow_up_on) == ("open", "offer_made", follow)
    entry = Activity.objects.filter(merchant=task.merchant, kind="offer").get()
    assert entry.summary == (f"Offer made: Volume dropped · coupon 挽留红包 ({retention_coupon.public_id}) · "
                             "Price was the issue")
    assert (entry.actor, entry.ref, entry.details["coupon"]) == (am, task.public_id, retention_coupon.public_id)
    assert AuditLog.objects.filter(action="workbench.task_log", actor=am).count() == 1


def test_closing_outcomes_close_the_task(task, am):
    task_log(task=task, outcome="recovered", actor=am)
    task.refresh_from_db()
    assert (task.state, task.outcome) == ("done", "recovered") and task.closed_at is not None
    with pytest.raises(DomainError) as err:
        task_log(task=task, outcome="called", actor=am)
    assert (err.value.code, err.value.status) == ("task_closed", 409)
    assert TaskAction.objects.count() == 1


def test_a_coupon_the_merchant_already_holds_rolls_everything_back(task, am, retention_coupon):
    task_log(task=task, outcome="offer_made", actor=am, coupon=retention_coupon)
    before = (TaskAction.objects.count(), Activity.objects.count(), CouponGrant.objects.count())
    with pytest.raises(DomainError) as err:
        task_log(task=task, outcome="offer_made", actor=am, note="again", coupon=retention_coupon, close=True)
    assert err.value.code == "coupon_not_granted"
    assert (TaskAction.objects.count(), Activity.objects.count(), CouponGrant.objects.count()) == before
    task.refresh_from_db()
    assert task.state == "open"


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"outcome": "bogus"}, "task_outcome_invalid"),
    ({"outcome": "done"}, "task_outcome_invalid"),
    ({"outcome": "note", "note": " "}, "task_note_required"),
    ({"outcome": "called", "follow_up_on": dt.date(2000, 1, 1)}, "task_follow_up_past"),
])
def test_bad_logs_change_nothing(task, am, kwargs, code):
    activities = Activity.objects.count()
    with pytest.raises(DomainError) as err:
        task_log(task=task, actor=am, **kwargs)
    assert err.value.code == code
    assert TaskAction.objects.count() == 0 and Activity.objects.count() == activities
    assert Task.objects.get(pk=task.pk).outcome == ""


def test_snooze_hides_until_a_later_day_and_close_finishes(task, am):
    until = clock.today() + dt.timedelta(days=5)
    task_snooze(task=task, until=until, actor=am)
    assert Task.objects.get(pk=task.pk).snoozed_until == until
    with pytest.raises(DomainError, match="later day"):
        task_snooze(task=task, until=clock.today(), actor=am)
    task_close(task=task, actor=am, note="handled")
    task.refresh_from_db()
    assert (task.state, task.outcome) == ("done", "done")
    assert list(TaskAction.objects.filter(task=task).values_list("outcome", flat=True)) == ["done", "snoozed"]
    assert Activity.objects.filter(merchant=task.merchant, summary="Done: Volume dropped").count() == 1
