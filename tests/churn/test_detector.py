"""The pure churn detector: single merchants whose story is known, no look-ahead, and quality on a seeded
population against the targets of issue 6."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from parcelhub.crm.churn.calendar import cny_factor, day_range, season_factor
from parcelhub.crm.churn.detector import DROP, INACTIVE, expected_series, scan
from parcelhub.crm.churn.evaluation import evaluate
from parcelhub.crm.churn.reasons import reason_en, reason_zh
from parcelhub.simulation.population import generate

START = dt.date(2025, 10, 1)
DAYS = 420  # through Double 11 2025, the New Year 2026, 618 and Double 11 2026


def steady(level: float, *, seed: int, cny_strength: float = 0.9) -> np.ndarray:
    """A healthy merchant: Poisson volume following the calendar exactly as the population does."""
    dates = day_range(START, DAYS)
    rng = np.random.default_rng(seed)
    return rng.poisson(level * season_factor(dates) * cny_factor(dates, cny_strength)).astype(float)


def test_a_steady_merchant_through_double_11_and_the_new_year_raises_nothing():
    matrix = np.stack([steady(60, seed=s) for s in range(5)] + [steady(8, seed=s, cny_strength=0.5)
                                                                for s in range(5)])
    assert scan(matrix, START) == []


def test_a_sudden_stop_is_a_drop_alert_within_days_with_its_reason():
    series = steady(60, seed=1)
    stop = 200  # 2026-04-19, an ordinary spring day
    series[stop:] = 0
    alerts = scan(series[None, :], START)
    assert [(a.kind, a.day) for a in alerts] == [(DROP, stop + 1)]
    alert = alerts[0]
    assert alert.deficit == 1.0 and alert.run_days == 2 and alert.score == 1.0
    assert reason_en(alert) == "volume −100% vs baseline over 2 days"
    assert reason_zh(alert) == "近2天发货量较基线下降100%"


def test_a_switch_of_two_thirds_of_the_volume_is_caught_within_a_week():
    series = steady(30, seed=2)
    rng = np.random.default_rng(9)
    series[200:] = rng.binomial(series[200:].astype(int), 1 / 3)
    alerts = scan(series[None, :], START)
    assert len(alerts) == 1
    assert alerts[0].kind == DROP and 200 <= alerts[0].day <= 207
    assert 0.4 <= alerts[0].deficit <= 0.8  # the run starts as the CUSUM leaves zero, with a noisy first day


def test_a_sparse_shipper_going_quiet_is_an_inactivity_alert():
    rng = np.random.default_rng(4)
    series = (rng.random(DAYS) < 0.55).astype(float)  # ships on about every other day
    series[230:] = 0
    series[229] = 1
    alerts = scan(series[None, :], START)
    assert [a.kind for a in alerts] == [INACTIVE]
    alert = alerts[0]
    assert 230 + 7 <= alert.day <= 230 + 14
    assert alert.silence == alert.day - 229
    assert reason_en(alert) == f"no shipment for {alert.silence} days, usually every 2"
    assert reason_zh(alert) == f"已{alert.silence}天未发货，平时约每2天发一次"


def test_a_recovered_dip_ends_its_episode_and_a_later_stop_alerts_again():
    series = steady(80, seed=5)
    series[180:188] = 0          # a warehouse move: a week with nothing
    series[300:] = 0             # then the merchant leaves
    alerts = scan(series[None, :], START)
    assert [a.kind for a in alerts] == [DROP, DROP]
    assert alerts[0].day == 181 and 300 <= alerts[1].day <= 302


@pytest.mark.parametrize("cut", [25, 60, 83, 84, 85, 140, 200, 301])
def test_no_look_ahead_truncating_after_a_day_never_changes_the_alerts_up_to_it(cut):
    pop = generate(merchants=400, days=360, seed=11)
    full = [a for a in scan(pop.shipments, pop.start) if a.day <= cut]
    truncated = scan(pop.shipments[:, :cut + 1], pop.start)
    assert truncated == full
    assert len(full) > 0 or cut < 100


def test_the_baseline_of_a_day_uses_only_earlier_days():
    series = steady(40, seed=6)
    full = expected_series(series, START)
    changed = series.copy()
    changed[300:] = 1000
    assert np.array_equal(expected_series(changed, START)[:301], full[:301])
    assert full[250] == pytest.approx(40 * season_factor(day_range(START, DAYS))[250], rel=0.15)


def test_quality_on_a_seeded_population_meets_the_targets():
    """Precision and recall within 14 days of the drop, median delay, healthy merchants alerted around the
    New Year and Double 11 (definitions in crm.churn.evaluation and docs/churn.md)."""
    # 500 days through mid-December 2026: Double 11 of 2025 and 2026 and the New Year in between are judged.
    pop = generate(merchants=2000, days=500, end=dt.date(2026, 12, 15), seed=2)
    quality = evaluate(scan(pop.shipments, pop.start), drop_day=pop.drop_day, churn_kind=pop.churn_kind,
                       start=pop.start, days=pop.days)
    assert quality.churners == 334
    assert quality.precision >= 0.8
    assert quality.recall >= 0.8
    assert quality.median_delay <= 7
    assert quality.cny_false_share < 0.05
    assert quality.double11_false_share < 0.05
    assert quality.meets_targets()
