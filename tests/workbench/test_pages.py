"""Workbench pages: who sees which tasks, logging from the page, assignments and the business review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from parcelhub.core import clock
from parcelhub.crm.models import Activity
from parcelhub.crm.workbench.models import Assignment, MerchantValue, Task, TaskAction
from parcelhub.crm.workbench.services import task_open
from parcelhub.marketing.promotions.models import CouponGrant

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def tasks(managed, merchant_b, am, am2):
    other, _ = merchant_b
    Assignment.objects.create(merchant=other, manager=am2, assigned_at=clock.now())
    now = clock.now()
    MerchantValue.objects.create(merchant=managed, clv_fen=500_000, p_alive=0.8, expected_active_weeks=30,
                                 margin_per_week_fen=16_000, frequency=40, recency_weeks=40, age_weeks=41,
                                 as_of=clock.today(), computed_at=now)
    small = task_open(merchant=managed, kind="renewal", title="Renewal", reason="", value_at_risk_fen=9_900)
    big = task_open(merchant=managed, kind="churn", title="Volume dropped", reason="−62%", source_ref="chn_1",
                    value_at_risk_fen=300_000)
    theirs = task_open(merchant=other, kind="churn", title="Their task", reason="", value_at_risk_fen=1_000_000)
    return big, small, theirs


def test_queue_shows_my_tasks_by_value_at_risk(tasks, am, django_assert_max_num_queries):
    big, small, theirs = tasks
    client = client_for(am)
    with django_assert_max_num_queries(12):
        response = client.get("/operator/workbench/")
    assert response.status_code == 200
    order = [item.task.public_id for item in response.context["items"]]
    assert order == [big.public_id, small.public_id]
    assert response.context["total_at_risk_fen"] == 309_900
    assert theirs.public_id not in response.content.decode()


def test_admin_sees_every_task_and_other_managers_get_404(tasks, am, operator_factory):
    big, small, theirs = tasks
    admin = client_for(operator_factory("admin"))
    assert [i.task.public_id for i in admin.get("/operator/workbench/").context["items"]] == [
        theirs.public_id, big.public_id, small.public_id]
    assert client_for(am).get(f"/operator/workbench/tasks/{theirs.public_id}/").status_code == 404
    response = client_for(am).post(f"/operator/workbench/tasks/{theirs.public_id}/log/", {"outcome": "called"})
    assert response.status_code == 404
    assert TaskAction.objects.count() == 0


def test_merchants_and_other_roles_are_refused(tasks, merchant_a, operator_factory):
    big, _, _ = tasks
    _, owner = merchant_a
    assert client_for(owner).get("/operator/workbench/").status_code == 403
    assert client_for(owner).get(f"/operator/workbench/tasks/{big.public_id}/").status_code == 403
    assert client_for(operator_factory("pricing")).get("/operator/workbench/").status_code == 403
    assert Client().get("/operator/workbench/").status_code == 302


def test_logging_a_call_with_a_coupon_from_the_page(tasks, am, retention_coupon):
    big, _, _ = tasks
    client = client_for(am)
    page = client.get(f"/operator/workbench/tasks/{big.public_id}/")
    assert page.status_code == 200
    assert "Find out why shipping dropped" in page.content.decode()
    follow = (clock.today() + dt.timedelta(days=2)).isoformat()
    response = client.post(f"/operator/workbench/tasks/{big.public_id}/log/", {
        "outcome": "offer_made", "note": "Competitor is cheaper to 广东", "follow_up_on": follow,
        "coupon": retention_coupon.public_id})
    assert response.status_code == 302
    assert CouponGrant.objects.get().source == big.public_id
    action = TaskAction.objects.get()
    assert (action.outcome, action.coupon_ref, action.actor) == ("offer_made", retention_coupon.public_id, am)
    assert Activity.objects.filter(merchant=big.merchant, kind="offer", ref=big.public_id).count() == 1
    history = client.get(f"/operator/workbench/tasks/{big.public_id}/").content.decode()
    assert "Competitor is cheaper to 广东" in history


def test_bad_log_and_snooze_change_nothing(tasks, am):
    big, _, _ = tasks
    client = client_for(am)
    response = client.post(f"/operator/workbench/tasks/{big.public_id}/log/", {
        "outcome": "called", "follow_up_on": "2000-01-01"})
    assert response.status_code == 422
    response = client.post(f"/operator/workbench/tasks/{big.public_id}/log/", {"outcome": "renewed"})
    assert response.status_code == 422  # not an outcome of a churn task's playbook
    assert TaskAction.objects.count() == 0
    until = (clock.today() + dt.timedelta(days=3)).isoformat()
    assert client.post(f"/operator/workbench/tasks/{big.public_id}/snooze/", {"until": until}).status_code == 302
    assert big.public_id not in [i.task.public_id for i in client.get("/operator/workbench/").context["items"]]
    shown = client.get("/operator/workbench/?snoozed=1").context["items"]
    assert big.public_id in [i.task.public_id for i in shown]


def test_done_and_review_scheduling(tasks, am):
    big, _, _ = tasks
    client = client_for(am)
    on = (clock.today() + dt.timedelta(days=7)).isoformat()
    assert client.post(f"/operator/workbench/tasks/{big.public_id}/review/", {"on": on}).status_code == 302
    review = Task.objects.get(kind="business_review")
    assert (review.due_on.isoformat(), review.source_ref, review.assignee) == (on, f"scheduled:{big.public_id}", am)
    assert client.post(f"/operator/workbench/tasks/{big.public_id}/done/").status_code == 302
    assert Task.objects.get(pk=big.pk).state == "done"


def test_assignments_page_and_admin_only_changes(tasks, am, am2, operator_factory, managed):
    assert client_for(am).get("/operator/workbench/assignments/").status_code == 200
    assert client_for(am).post("/operator/workbench/assignments/apply/").status_code == 403
    admin = client_for(operator_factory("admin"))
    response = admin.post("/operator/workbench/assignments/override/", {
        "merchant": managed.public_id, "manager": am2.pk, "reason": "holiday cover"})
    assert response.status_code == 302
    got = Assignment.objects.get(merchant=managed)
    assert (got.manager, got.manual, got.reason) == (am2, True, "holiday cover")
    assert Task.objects.get(pk=tasks[0].pk).assignee == am2
    response = admin.post(f"/operator/workbench/managers/{am.pk}/", {
        f"m{am.pk}-capacity": "12", f"m{am.pk}-provinces": "330000, 440000", f"m{am.pk}-industries": ["apparel"],
        f"m{am.pk}-accepts_new": "on"})
    assert response.status_code == 302
    profile = am.manager_profile
    profile.refresh_from_db()
    assert (profile.capacity, profile.provinces, profile.industries) == (12, ["330000", "440000"], ["apparel"])
    admin.post(f"/operator/workbench/managers/{am.pk}/", {f"m{am.pk}-capacity": "5", f"m{am.pk}-provinces": "浙江"})
    profile.refresh_from_db()
    assert profile.capacity == 12  # a bad province code saves nothing


def test_business_review_page_and_pdf(tasks, am, am2):
    big, _, theirs = tasks
    client = client_for(am)
    response = client.get(f"/operator/workbench/reviews/{big.merchant.public_id}/")
    assert response.status_code == 200
    assert response.context["review"].shipments == 0
    pdf = client.get(f"/operator/workbench/reviews/{big.merchant.public_id}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(f"/operator/workbench/reviews/{theirs.merchant.public_id}/").status_code == 404
    assert client.get(f"/operator/workbench/reviews/{theirs.merchant.public_id}/pdf/").status_code == 404


def test_a_follow_up_that_has_come_is_flagged(tasks, am):
    big, small, _ = tasks
    Task.objects.filter(pk=big.pk).update(follow_up_on=clock.today())
    Task.objects.filter(pk=small.pk).update(follow_up_on=clock.today() + dt.timedelta(days=1))
    items = {i.task.public_id: i for i in client_for(am).get("/operator/workbench/").context["items"]}
    assert (items[big.public_id].follow_up_due, items[small.public_id].follow_up_due) == (True, False)
