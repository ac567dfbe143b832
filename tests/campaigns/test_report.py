"""The evaluation report on hand-made MerchantDay rows: arms, means, cost, margin before discounts, ROI."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.core import clock
from parcelhub.insights.models import MerchantDay
from parcelhub.marketing.campaigns import evaluation, services
from parcelhub.marketing.campaigns.models import Campaign
from parcelhub.marketing.campaigns.selectors import campaign_report, campaign_windows
from parcelhub.marketing.offers import QuoteContext
from parcelhub.marketing.promotions.offers import offers_consume, offers_for

UPLIFT = 5


@pytest.fixture
def launched(segment, coupon, population):
    today = clock.today()
    campaign = services.campaign_create(name="测试活动", segment=segment, offer_ref=coupon.public_id,
                                        starts_on=today - dt.timedelta(days=10), ends_on=today, control_bp=3000,
                                        pre_days=7, post_days=0)
    # A fixed id makes the hashed split fixed (6 of the 20 in control) instead of random with each run's id.
    Campaign.objects.filter(pk=campaign.pk).update(public_id="cmp_TESTAPI")
    campaign.refresh_from_db()
    services.campaign_launch(campaign=campaign)
    arms = dict(campaign.assignments.values_list("merchant_id", "arm"))
    for i, merchant in enumerate(population):
        base = 10 + i
        during = base + (UPLIFT if arms[merchant.pk] == "treatment" else 0)
        MerchantDay.objects.create(merchant=merchant, day=today - dt.timedelta(days=12), shipments=base,
                                   revenue_fen=base * 500, cost_fen=base * 400)
        MerchantDay.objects.create(merchant=merchant, day=today - dt.timedelta(days=5), shipments=during,
                                   revenue_fen=during * 500, cost_fen=during * 400)
    # Outside every window: must not count.
    MerchantDay.objects.create(merchant=population[0], day=today - dt.timedelta(days=30), shipments=999)
    return campaign, arms


def redeem(merchant, discount_fen: int) -> None:
    context = QuoteContext(merchant_id=merchant.pk, carrier_code="sandbox", service_code="std",
                           origin_province="330000", destination_province="310000", at=clock.now())
    offer = next(o for o in offers_for(context) if o.source_id.startswith("cpg_"))
    offers_consume(merchant=merchant, offers=[offer], shipment_public_id="shp_TEST", charged_fen=1000,
                   subsidy_fen=0, discounts={offer.source_id: discount_fen})


def test_windows(launched):
    campaign, _ = launched
    today = clock.today()
    windows = campaign_windows(campaign, today)
    assert (windows["pre"].first, windows["pre"].last) == (today - dt.timedelta(days=17),
                                                           today - dt.timedelta(days=11))
    assert (windows["during"].first, windows["during"].last) == (today - dt.timedelta(days=10), today)
    assert "after" not in windows
    # The report itself stops at yesterday, the rollup's last complete day.
    assert campaign_report(campaign).windows["during"].last == today - dt.timedelta(days=1)


def test_report_figures(launched, population):
    campaign, arms = launched
    treated = [i for i, m in enumerate(population) if arms[m.pk] == "treatment"]
    control = [i for i, m in enumerate(population) if arms[m.pk] == "control"]
    first = population[treated[0]]
    redeem(first, 300)

    # As of today, so that today's redemption lies inside the window (by default reports stop at yesterday).
    report = campaign_report(campaign, as_of=clock.today())
    assert (report.n_treatment, report.n_control, report.delivered) == (len(treated), len(control), len(treated))
    shipments = report.result("shipments", "during").result
    assert shipments.plain.treatment_mean == pytest.approx(sum(10 + i + UPLIFT for i in treated) / len(treated))
    assert shipments.plain.control_mean == pytest.approx(sum(10 + i for i in control) / len(control))
    # Y − X is exactly UPLIFT for treatment and 0 for control: the within-arm slope θ is 1 and CUPED recovers the
    # uplift exactly, although the arms' pre-period volumes differ (the plain difference does not).
    assert shipments.theta == pytest.approx(1.0)
    assert shipments.adjusted.effect == pytest.approx(UPLIFT)
    assert shipments.adjusted.se == pytest.approx(0.0, abs=1e-9)
    assert shipments.plain.effect != pytest.approx(UPLIFT)
    # Cost: one redemption of ¥3. The margin is measured before that discount (added back for that merchant).
    assert (report.redemptions.count, report.redemptions.amount_fen) == (1, 300)
    margin = report.result("margin_fen", "during").result
    assert margin.plain.treatment_mean == pytest.approx(
        (sum((10 + i + UPLIFT) * 100 for i in treated) + 300) / len(treated))
    assert report.incremental_margin_fen == pytest.approx(margin.adjusted.effect * len(treated))
    assert report.roi == pytest.approx((report.incremental_margin_fen - 300) / 300)
    assert report.roi_low == pytest.approx((margin.adjusted.low * len(treated) - 300) / 300)
    # Everybody shipped before and during: retention is 100 % in both arms.
    assert (report.retention.treatment_mean, report.retention.control_mean) == (1.0, 1.0)
    # The daily chart: each arm's mean per merchant on the day the during rows were written.
    day = report.daily["days"].index(clock.today() - dt.timedelta(days=5))
    assert report.daily["treatment"][day] == round(sum(10 + i + UPLIFT for i in treated) / len(treated), 3)
    assert report.daily["control"][day] == round(sum(10 + i for i in control) / len(control), 3)


def test_arms_do_not_change_on_re_evaluation(launched):
    campaign, arms = launched
    campaign_report(campaign)
    assert dict(campaign.assignments.values_list("merchant_id", "arm")) == arms
    assert all(arm == evaluation.arm_for(campaign.public_id, public_id, 3000)
               for public_id, arm in campaign.assignments.values_list("merchant__public_id", "arm"))


def test_report_before_the_start_has_only_the_pre_period(segment, coupon, population):
    today = clock.today()
    campaign = services.campaign_create(name="未开始", segment=segment, offer_ref=coupon.public_id,
                                        starts_on=today + dt.timedelta(days=3), ends_on=today + dt.timedelta(days=9))
    report = campaign_report(campaign)
    assert list(report.windows) == ["pre"]
    assert report.results == [] and report.roi is None and report.retention is None
