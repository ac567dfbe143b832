"""The demo: the population's history replayed through the scan, with outcomes and the actions of the last month."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count

from parcelhub.crm.churn.models import AlertAction, AlertState, ChurnAlert, ChurnSettings
from parcelhub.crm.workbench.models import Task
from parcelhub.marketing.promotions.models import CouponGrant
from parcelhub.simulation import churn_world, population_world

TODAY = dt.date(2026, 11, 23)


@pytest.mark.django_db
def test_churn_world_replays_the_history_with_outcomes_and_recent_actions(merchant_a):
    population_world.build(merchants=[merchant_a[0]], today=TODAY)
    counts = churn_world.build(merchants=[merchant_a[0]], today=TODAY)
    alerts = ChurnAlert.objects.all()
    assert counts["churn_alerts"] == alerts.count() > 30
    states = dict(alerts.values_list("state").annotate(n=Count("pk")))
    assert states.get(AlertState.RECOVERED, 0) == counts["churn_recovered"] > 0
    assert states.get(AlertState.CHURNED, 0) == counts["churn_churned"] > 0
    assert not alerts.filter(state=AlertState.DISMISSED).exists()
    # Decided alerts carry the day it was decided, on or after the alert and before today.
    for alert in alerts.exclude(state=AlertState.OPEN):
        assert alert.alert_date <= alert.outcome_on < TODAY
    # Only open alerts of the last 30 days acted: a task per key account, a coupon per long-tail merchant.
    recent = alerts.filter(alert_date__gte=TODAY - dt.timedelta(days=30))
    acted = alerts.exclude(action_ref="")
    assert set(acted.values_list("pk", flat=True)) <= set(recent.values_list("pk", flat=True))
    tasks = Task.objects.filter(kind="churn")
    assert set(tasks.values_list("source_ref", flat=True)) == set(
        acted.filter(action=AlertAction.TASK).values_list("public_id", flat=True))
    coupon = ChurnSettings.current().retention_coupon
    assert coupon is not None
    assert CouponGrant.objects.filter(coupon=coupon).count() == acted.filter(action=AlertAction.OFFER).count()
    # A second run adds nothing.
    assert churn_world.build(merchants=[merchant_a[0]], today=TODAY) == {"churn_alerts": 0}
