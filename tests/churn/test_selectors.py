"""churn_risk and volume_with_baseline, the reads other apps (merchant 360, merchant list, workbench) call."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from parcelhub.crm.churn.selectors import churn_risk, churn_risks, volume_with_baseline
from parcelhub.crm.churn.services import churn_scan_run
from tests.churn.conftest import TODAY, write_days
from tests.conftest import make_merchant


@pytest.fixture
def merchants(db, today):
    steady, _ = make_merchant("稳定发货", "steady@a.example")
    quiet, _ = make_merchant("渐渐安静", "quiet@b.example")
    stopped, _ = make_merchant("突然停发", "stopped@c.example")
    write_days(steady, np.full(240, 40.0))
    # Flat series keep the arithmetic exact: noise at its floor (10 %), sd = sqrt(40 + 4²) = 7.48 a day.
    series = np.full(240, 40.0)
    series[-2:] = 20  # two days at half: z = −2.67 each, CUSUM 2.07 then 4.15 of 6.5, no alert yet
    write_days(quiet, series)
    series = np.full(240, 40.0)
    series[-5:] = 0  # z = −5.35: CUSUM 4.7 after one day, over 6.5 after two
    write_days(stopped, series)
    return steady, quiet, stopped


def test_a_steady_merchant_is_low_risk_with_no_reasons(merchants):
    risk = churn_risk(merchants[0])
    assert (risk.score, risk.level, risk.reasons, risk.open_alert) == (0.0, "low", [], None)


def test_an_open_alert_makes_the_risk_high_with_the_alert_reason(merchants):
    churn_scan_run(today=TODAY)
    risk = churn_risk(merchants[2])
    assert risk.open_alert is not None and risk.open_alert.merchant_id == merchants[2].pk
    assert risk.open_alert.alert_date == TODAY - dt.timedelta(days=4)
    assert risk.score == round(0.5 + 0.5 * risk.open_alert.score, 3) == 1.0
    assert (risk.level, risk.reasons) == ("high", ["volume −100% vs baseline over 2 days"])


def test_pressure_before_an_alert_shows_as_a_medium_risk(merchants):
    risk = churn_risk(merchants[1])
    assert (risk.open_alert, risk.level, risk.score) == (None, "medium", 0.319)
    assert risk.reasons == ["volume −50% vs baseline over 2 days"]


def test_churn_risks_batches_many_merchants(merchants, django_assert_max_num_queries):
    churn_scan_run(today=TODAY)
    with django_assert_max_num_queries(4):
        risks = churn_risks(merchants)
    assert [risks[m.pk].level for m in merchants] == ["low", "medium", "high"]


def test_a_merchant_without_history_is_low_risk(db, today):
    merchant, _ = make_merchant("新商户", "new@d.example")
    assert churn_risk(merchant).level == "low"


def test_volume_with_baseline_gives_the_last_days_and_the_baseline_before_each(merchants):
    dates, actual, baseline = volume_with_baseline(merchants[0], days=90)
    assert len(dates) == len(actual) == len(baseline) == 90
    yesterday = TODAY - dt.timedelta(days=1)
    assert dates[-1] == yesterday and dates[0] == yesterday - dt.timedelta(days=89)  # today is not complete yet
    assert actual[-1] == 40
    # A flat 40 a day outside the calendar: the baseline is exactly 40.
    assert baseline[-1] == 40.0
    assert all(b is not None for b in baseline)
