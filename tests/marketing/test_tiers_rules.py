"""The pure tier rules (marketing.tiers), no database."""

from __future__ import annotations

import datetime as dt

from parcelhub.marketing import tiers as rules
from parcelhub.marketing.tiers import TierRule

STANDARD = TierRule("standard", 0, 0, 0)
SILVER = TierRule("silver", 1, 500, 300)
GOLD = TierRule("gold", 2, 3000, 600)
PLATINUM = TierRule("platinum", 3, 10000, 1000)
TIERS = [PLATINUM, STANDARD, GOLD, SILVER]  # any order


def test_earned_tier_is_the_best_threshold_reached():
    assert [rules.earned_tier(TIERS, v).code for v in (0, 499, 500, 2999, 3000, 10000, 50000)] == [
        "standard", "standard", "silver", "silver", "gold", "platinum", "platinum"]


def test_window_is_the_last_complete_months_and_skips_holidays():
    assert rules.window_months((2026, 4), size=3) == [(2026, 3), (2026, 2), (2026, 1)]
    # February 2026 is Chinese New Year: the window reaches back to December instead.
    assert rules.window_months((2026, 4), size=3, holidays=[(2026, 2)]) == [(2026, 3), (2026, 1), (2025, 12)]
    assert rules.window_months((2026, 1), size=2) == [(2025, 12), (2025, 11)]


def test_average_counts_only_months_since_joining():
    volumes = {(2026, 3): 900, (2026, 2): 300, (2026, 1): 0}
    months = [(2026, 3), (2026, 2), (2026, 1)]
    assert rules.average_monthly(volumes, months) == 400
    assert rules.average_monthly(volumes, months, joined=(2026, 2)) == 600
    assert rules.average_monthly(volumes, months, joined=(2026, 4)) == 0
    # Whole shipments: 1001 / 3 rounds down.
    assert rules.average_monthly({(2026, 3): 1001}, months) == 333


def test_holiday_month_left_out_changes_the_average():
    volumes = {(2026, 3): 600, (2026, 2): 60, (2026, 1): 600, (2025, 12): 600}
    plain = rules.window_months((2026, 4), size=3)
    holiday = rules.window_months((2026, 4), size=3, holidays=[(2026, 2)])
    assert rules.average_monthly(volumes, plain) == 420      # silver lost in a plain window …
    assert rules.average_monthly(volumes, holiday) == 600    # … kept when the CNY month is left out
    assert rules.review_to(TIERS, SILVER, average=420).code == "standard"
    assert rules.review_to(TIERS, SILVER, average=600).code == "silver"


def test_upgrade_as_soon_as_this_month_crosses_a_threshold():
    assert rules.upgrade_to(TIERS, STANDARD, average=100, month_to_date=499) is None
    assert rules.upgrade_to(TIERS, STANDARD, average=100, month_to_date=500) == SILVER
    # Straight to the tier earned, several steps at once.
    assert rules.upgrade_to(TIERS, STANDARD, average=3200, month_to_date=0) == GOLD
    assert rules.upgrade_to(TIERS, GOLD, average=3200, month_to_date=0) is None


def test_review_downgrades_one_tier_at_most_and_never_upgrades():
    assert rules.review_to(TIERS, PLATINUM, average=0) == GOLD
    assert rules.review_to(TIERS, GOLD, average=2999) == SILVER
    assert rules.review_to(TIERS, GOLD, average=3000) == GOLD
    assert rules.review_to(TIERS, SILVER, average=20000) == SILVER
    assert rules.review_to(TIERS, STANDARD, average=0) == STANDARD


def test_review_keeps_the_grace_tier_while_grace_lasts():
    assert rules.review_to(TIERS, SILVER, average=0, floor=SILVER) == SILVER
    assert rules.review_to(TIERS, GOLD, average=0, floor=SILVER) == SILVER
    assert rules.review_to(TIERS, PLATINUM, average=0, floor=SILVER) == GOLD


def test_grace_lasts_eight_weeks():
    joined = dt.date(2026, 3, 2)
    assert rules.in_grace(joined, dt.date(2026, 4, 26), weeks=8)
    assert not rules.in_grace(joined, dt.date(2026, 4, 27), weeks=8)


def test_risk_notice_is_due_thirty_days_before_the_review():
    assert rules.next_review(dt.date(2026, 11, 23)) == dt.date(2026, 12, 1)
    assert rules.risk_notice_due(dt.date(2026, 12, 1)) is None          # 31 days before 1 January
    assert rules.risk_notice_due(dt.date(2026, 12, 2)) == dt.date(2027, 1, 1)
    assert rules.risk_notice_due(dt.date(2026, 11, 1)) == dt.date(2026, 12, 1)  # November has 30 days


def test_projected_review_average_uses_the_last_30_days_pace():
    volumes = {(2026, 10): 600, (2026, 9): 600, (2026, 8): 600}
    # The review on 1 December sees Sep, Oct, Nov; November is projected at 150 a month.
    assert rules.projected_review_average(volumes, review=dt.date(2026, 12, 1), size=3,
                                          pace_last_30_days=150) == 450
    assert rules.projected_review_average(volumes, review=dt.date(2026, 12, 1), size=3,
                                          pace_last_30_days=300) == 500


def test_shipments_needed_for_the_next_tier():
    assert rules.shipments_needed(TIERS, STANDARD, average=120) == 380
    assert rules.shipments_needed(TIERS, SILVER, average=3500) == 0
    assert rules.shipments_needed(TIERS, PLATINUM, average=12000) is None


def test_service_override_beats_carrier_override_beats_default():
    overrides = {("sf", ""): 200, ("sf", "express"): 100}
    assert rules.discount_for(300, overrides, carrier="sf", service="express") == 100
    assert rules.discount_for(300, overrides, carrier="sf", service="standard") == 200
    assert rules.discount_for(300, overrides, carrier="zto", service="standard") == 300


def test_an_upgrade_is_kept_through_the_first_review():
    assert rules.protected_from_review(dt.date(2026, 11, 23), dt.date(2026, 12, 1))
    assert rules.protected_from_review(dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert not rules.protected_from_review(dt.date(2026, 10, 31), dt.date(2026, 12, 1))
