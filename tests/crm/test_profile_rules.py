"""The pure profile rules: volume band, lifecycle stage, RFM scores, belts and the health score."""

from __future__ import annotations

from parcelhub.crm import profile as rules
from parcelhub.crm.profile import HealthInputs, Thresholds, VolumeFacts

T = Thresholds()


def facts(**kw) -> VolumeFacts:
    base = dict(age_days=200, total_shipments=5000, days_since_last=1, shipments_30d=400, shipments_90d=1200,
                shipments_prev_90d=1200, revenue_90d_fen=1_000_000)
    base.update(kw)
    return VolumeFacts(**base)


def test_volume_bands_at_their_thresholds():
    assert [rules.volume_band(n, T) for n in (0, 299, 300, 2999, 3000)] == [
        "long_tail", "long_tail", "waist", "waist", "head"]
    assert rules.volume_band(100, Thresholds(waist_min_30d=100)) == "waist"


def test_lifecycle_stages():
    assert rules.lifecycle_stage(facts(total_shipments=0, days_since_last=None, age_days=3), T) == "new"
    assert rules.lifecycle_stage(facts(total_shipments=0, days_since_last=None, age_days=15), T) == "activating"
    assert rules.lifecycle_stage(facts(total_shipments=0, days_since_last=None, age_days=90), T) == "dormant"
    assert rules.lifecycle_stage(facts(total_shipments=9, age_days=14), T) == "new"
    assert rules.lifecycle_stage(facts(total_shipments=9, age_days=15), T) == "activating"
    assert rules.lifecycle_stage(facts(total_shipments=10, age_days=5), T) == "active"
    assert rules.lifecycle_stage(facts(), T) == "active"
    assert rules.lifecycle_stage(facts(days_since_last=14), T) == "at_risk"
    assert rules.lifecycle_stage(facts(), T, risk_level="high") == "at_risk"
    assert rules.lifecycle_stage(facts(days_since_last=30), T) == "dormant"
    assert rules.lifecycle_stage(facts(days_since_last=90), T) == "churned"


def test_a_drop_below_half_the_usual_month_is_at_risk_but_not_for_tiny_shippers():
    # usual month 1200 / 3 = 400: 199 is below half, 200 is not
    assert rules.lifecycle_stage(facts(shipments_30d=199), T) == "at_risk"
    assert rules.lifecycle_stage(facts(shipments_30d=200), T) == "active"
    # usual month 29 parcels: too small to judge by share
    assert rules.lifecycle_stage(facts(shipments_30d=1, shipments_prev_90d=87), T) == "active"


def test_rfm_scores_at_the_breakpoints():
    assert rules.rfm_scores(facts(days_since_last=7, shipments_90d=3000, revenue_90d_fen=3_000_000)) == (5, 5, 5)
    assert rules.rfm_scores(facts(days_since_last=8, shipments_90d=2999, revenue_90d_fen=2_999_999)) == (4, 4, 4)
    assert rules.rfm_scores(facts(days_since_last=30, shipments_90d=300, revenue_90d_fen=300_000)) == (3, 3, 3)
    assert rules.rfm_scores(facts(days_since_last=60, shipments_90d=30, revenue_90d_fen=30_000)) == (2, 2, 2)
    assert rules.rfm_scores(facts(days_since_last=61, shipments_90d=29, revenue_90d_fen=29_999)) == (1, 1, 1)
    assert rules.rfm_scores(facts(days_since_last=None, shipments_90d=0, revenue_90d_fen=0)) == (1, 1, 1)


def test_belts_take_the_most_specific_prefix():
    assert rules.belt_for_adcode("330782") == "yiwu"        # 义乌市, a county of 金华
    assert rules.belt_for_adcode("330702") == "jinhua"      # 婺城区
    assert rules.belt_for_adcode("440106") == "guangzhou"
    assert rules.belt_for_adcode("440305") == "shenzhen"
    assert rules.belt_for_adcode("310115") == "shanghai"
    assert rules.belt_for_adcode("620102") == "other"
    assert rules.belt_for_adcode(None) == ""


def test_a_healthy_merchant_scores_100_with_no_reasons():
    health = rules.health_score(HealthInputs(churn_risk=0.05, shipments_30d=300, shipments_prev_30d=290,
                                             exceptions_30d=3, nps=60, nps_answers=10, wallet_balance_fen=500_000,
                                             spend_30d_fen=300_000))
    assert (health.score, health.reasons, health.level) == (100, (), "good")


def test_health_penalties_add_up_with_their_reasons():
    health = rules.health_score(HealthInputs(churn_risk=0.5, shipments_30d=100, shipments_prev_30d=200,
                                             exceptions_30d=8, nps=-10, nps_answers=4, wallet_balance_fen=20_000,
                                             spend_30d_fen=300_000))
    assert [(r.code, r.points, r.values) for r in health.reasons] == [
        ("churn_risk", -20, {"pct": 50}),
        ("exceptions", -16, {"rate_pm": 80, "count": 8}),
        ("nps", -15, {"nps": -10, "answers": 4}),
        ("wallet_low", -10, {"days": 2}),
        ("volume_down", -12, {"pct": -50}),
    ]
    assert (health.score, health.level) == (27, "poor")

