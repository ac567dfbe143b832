"""The daily scan: alerts from insights.MerchantDay, tasks for key accounts, retention offers for the long tail,
automatic and manual outcomes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from parcelhub.core.errors import DomainError
from parcelhub.core.models import AuditLog
from parcelhub.crm.churn.models import AlertAction, AlertState, ChurnAlert, ChurnSettings
from parcelhub.crm.churn.services import alert_outcome_set, churn_outcomes_update, churn_scan_run
from parcelhub.crm.models import Activity
from parcelhub.crm.workbench.models import Task
from parcelhub.marketing.promotions.models import Coupon, CouponGrant
from parcelhub.notify.models import Outbox
from tests.churn.conftest import TODAY, poisson, write_days
from tests.conftest import make_merchant


def coupon() -> Coupon:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return Coupon.objects.create(name="好久不见", amount_off_fen=800, min_spend_fen=3000, valid_from=start,
                                 valid_until=start + dt.timedelta(days=700))


@pytest.fixture
def stopped(db, today):
    """A waist merchant that stopped 3 days ago, a long-tail one that stopped 6 days ago, one that is fine."""
    waist, _ = make_merchant("广州衣橱服饰", "waist@a.example")
    tail, _ = make_merchant("义乌小饰品", "tail@b.example")
    fine, _ = make_merchant("深圳数码", "fine@c.example")
    series = poisson(60, seed=1)
    series[-3:] = 0
    write_days(waist, series)
    series = poisson(6, seed=2)
    series[-6:] = 0
    write_days(tail, series)
    write_days(fine, poisson(40, seed=3))
    config = ChurnSettings.current()
    config.retention_coupon = coupon()
    config.save()
    return waist, tail, fine


def test_the_daily_scan_opens_a_task_for_a_key_account_and_an_offer_for_the_long_tail(stopped):
    waist, tail, fine = stopped
    counts = churn_scan_run(today=TODAY)
    assert counts == {"alerts_opened": 2, "recovered": 0, "churned": 0}
    key = ChurnAlert.objects.get(merchant=waist)
    assert (key.kind, key.alert_date, key.state, key.action, key.volume_band) == (
        "drop", TODAY - dt.timedelta(days=2), AlertState.OPEN, AlertAction.TASK, "waist")
    assert key.reason_en == "volume −100% vs baseline over 2 days"
    task = Task.objects.get(merchant=waist)
    assert (task.kind, task.source_ref, task.public_id) == ("churn", key.public_id, key.action_ref)
    assert task.reason_zh == key.reason_zh and task.due_on == TODAY + dt.timedelta(days=2)
    offer = ChurnAlert.objects.get(merchant=tail)
    assert (offer.action, offer.volume_band) == (AlertAction.OFFER, "long_tail")
    grant = CouponGrant.objects.get(merchant=tail)
    assert (grant.source, grant.public_id) == (f"churn:{offer.public_id}", offer.action_ref)
    email = Outbox.objects.get(merchant=tail, event_type="churn.retention_offer")
    assert email.recipient == "tail@b.example" and "好久不见" in email.body
    assert not Task.objects.filter(merchant=tail).exists()
    assert not ChurnAlert.objects.filter(merchant=fine).exists()
    assert Activity.objects.filter(merchant=waist, kind="churn_alert", ref=key.public_id).count() == 1
    assert AuditLog.objects.filter(action="churn.alert_open").count() == 2


def test_a_merchant_with_an_open_alert_gets_no_second_one_the_next_day(stopped):
    churn_scan_run(today=TODAY)
    assert churn_scan_run(today=TODAY + dt.timedelta(days=1))["alerts_opened"] == 0
    assert ChurnAlert.objects.count() == 2 and Task.objects.count() == 1 and CouponGrant.objects.count() == 1


def test_without_a_retention_coupon_the_long_tail_gets_the_email_only(stopped):
    ChurnSettings.objects.update(retention_coupon=None)
    churn_scan_run(today=TODAY)
    offer = ChurnAlert.objects.get(merchant=stopped[1])
    assert offer.action_ref == "email" and not CouponGrant.objects.exists()
    assert Outbox.objects.filter(merchant=stopped[1], event_type="churn.retention_offer").count() == 1


def test_a_week_back_near_the_usual_volume_is_recorded_as_recovered(stopped):
    waist = stopped[0]
    churn_scan_run(today=TODAY)
    alert = ChurnAlert.objects.get(merchant=waist)
    write_days(waist, np.full(8, 60), last=TODAY + dt.timedelta(days=7))
    assert churn_outcomes_update(today=TODAY + dt.timedelta(days=9)) == {"recovered": 1, "churned": 0}
    alert.refresh_from_db()
    # Nothing from the 13th, alert on the 14th, 60 a day from the 16th: the window 15th–21st holds 360 parcels,
    # the first after the alert day to reach 80 % of a week at the usual ~60 a day (336), so the 21st decides.
    assert alert.alert_date == dt.date(2026, 9, 14)
    assert (alert.state, alert.outcome_on) == (AlertState.RECOVERED, dt.date(2026, 9, 21))
    assert Activity.objects.filter(merchant=waist, kind="churn_alert").count() == 2


def test_thirty_days_without_a_shipment_is_recorded_as_churned(stopped):
    tail = stopped[1]
    churn_scan_run(today=TODAY)
    assert churn_outcomes_update(today=TODAY + dt.timedelta(days=23)) == {"recovered": 0, "churned": 0}
    assert churn_outcomes_update(today=TODAY + dt.timedelta(days=24)) == {"recovered": 0, "churned": 1}
    alert = ChurnAlert.objects.get(merchant=tail)
    # The last shipment was on 9 September; thirty days of nothing later is 9 October, known the day after.
    assert (alert.state, alert.outcome_on) == (AlertState.CHURNED, dt.date(2026, 10, 9))


def test_an_operator_closes_an_alert_once(stopped, operator_factory):
    churn_scan_run(today=TODAY)
    manager = operator_factory("account_manager")
    alert = ChurnAlert.objects.get(merchant=stopped[0])
    alert_outcome_set(alert=alert, state="dismissed", actor=manager, note="warehouse move")
    alert.refresh_from_db()
    assert (alert.state, alert.outcome_on, alert.outcome_by, alert.outcome_note) == (
        AlertState.DISMISSED, TODAY, manager, "warehouse move")
    with pytest.raises(DomainError) as error:
        alert_outcome_set(alert=alert, state="recovered", actor=manager)
    assert error.value.code == "churn_alert_closed"
    alert.refresh_from_db()
    assert alert.state == AlertState.DISMISSED
    assert AuditLog.objects.filter(action="churn.alert_outcome").count() == 1


def test_an_unknown_outcome_changes_nothing(stopped, operator_factory):
    churn_scan_run(today=TODAY)
    alert = ChurnAlert.objects.get(merchant=stopped[0])
    with pytest.raises(DomainError) as error:
        alert_outcome_set(alert=alert, state="open", actor=operator_factory("account_manager"))
    assert error.value.code == "churn_outcome_invalid"
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN and alert.outcome_on is None
    assert not AuditLog.objects.filter(action="churn.alert_outcome").exists()


def test_a_scan_without_any_history_opens_nothing(db, today):
    make_merchant("新商户", "new@e.example")
    assert churn_scan_run(today=TODAY) == {"alerts_opened": 0, "recovered": 0, "churned": 0}
    assert not ChurnAlert.objects.exists() and not Task.objects.exists()
