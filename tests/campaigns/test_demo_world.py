"""On the demo world's data the reports' 95 % intervals contain the truth that was written into it."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.marketing.campaigns.models import Assignment, Campaign, RegionalPush
from parcelhub.marketing.campaigns.selectors import campaign_report, regional_push_report
from parcelhub.simulation import campaigns_world, population_world
from parcelhub.simulation.campaigns_world import NULL_ID, PUSH_ID, UPLIFT_ID


@pytest.fixture
def demo(db):
    today = clock.today()
    campaigns_world.synthetic_population(count=240, first=today - dt.timedelta(days=130),
                                         last=today - dt.timedelta(days=1))
    return campaigns_world.run(today=today)


def test_uplift_campaign_interval_contains_the_true_uplift(demo):
    campaign = Campaign.objects.get(public_id=UPLIFT_ID)
    report = campaign_report(campaign)
    truth = demo.campaign_effect[UPLIFT_ID]
    shipments = report.result("shipments", "during").result
    # The static segment chose established long-tail and waist merchants before the start: not the top tenth.
    assert 200 < report.n_treatment + report.n_control < 240
    assert report.n_control == campaign.assignments.filter(arm=Assignment.Arm.CONTROL).count()
    assert shipments.adjusted.contains(truth)
    assert not shipments.adjusted.contains(0.0)
    # The truth is +15 % of what treatment would have shipped; the estimate relative to control is close to it.
    assert 0.08 < shipments.adjusted.relative < 0.22
    # CUPED narrows the interval a lot on merchants whose volume is stable.
    assert shipments.adjusted.se < 0.5 * shipments.plain.se
    # Nothing was added after the campaign: that interval contains 0.
    assert report.result("shipments", "after").result.adjusted.contains(0.0)
    # The simulated redemptions are the campaign's cost.
    assert report.redemptions.count > 0
    assert report.redemptions.amount_fen == report.redemptions.count * 300
    assert report.roi is not None


def test_null_campaign_interval_contains_zero(demo):
    report = campaign_report(Campaign.objects.get(public_id=NULL_ID))
    assert demo.campaign_effect[NULL_ID] == 0.0
    for window in ("during", "after"):
        assert report.result("shipments", window).result.adjusted.contains(0.0)


def test_regional_push_did_interval_contains_the_true_uplift(demo):
    push = RegionalPush.objects.get(public_id=PUSH_ID)
    assert (push.treated_regions, push.comparison_regions) == (["330782"], ["440100", "440300"])
    report = regional_push_report(push)
    assert (report.n_treated, report.n_comparison) == (80, 120)
    estimate = report.results["shipments"]
    assert estimate.contains(demo.push_effect_per_day)
    assert not estimate.contains(0.0)


def test_run_is_idempotent(demo):
    assert campaigns_world.run(today=clock.today()).campaign_effect == {}
    assert Campaign.objects.count() == 2


def test_on_the_population_world(db):
    """The same checks on the population the demo command builds first (its merchants get fixed ids here, so the
    arms — a hash of the ids — and with them this test are deterministic)."""
    today = clock.today()
    population_world.build(merchants=[], today=today)
    for pk in Merchant.objects.values_list("pk", flat=True):
        Merchant.objects.filter(pk=pk).update(public_id=f"mch_POP{pk:05d}")
    truth = campaigns_world.run(today=today)
    uplift = campaign_report(Campaign.objects.get(public_id=UPLIFT_ID)).result("shipments", "during").result
    assert uplift.adjusted.contains(truth.campaign_effect[UPLIFT_ID]) and not uplift.adjusted.contains(0.0)
    null = campaign_report(Campaign.objects.get(public_id=NULL_ID))
    assert all(null.result("shipments", w).result.adjusted.contains(0.0) for w in ("during", "after"))
    push = regional_push_report(RegionalPush.objects.get(public_id=PUSH_ID)).results["shipments"]
    assert push.contains(truth.push_effect_per_day) and not push.contains(0.0)
