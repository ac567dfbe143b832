"""Operator console pages: who may open them, create, preview, launch, stop, the reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from parcelhub.accounts.models import OperatorRole
from parcelhub.core import clock
from parcelhub.marketing.campaigns import services
from parcelhub.marketing.campaigns.models import Campaign, RegionalPush
from parcelhub.simulation import campaigns_world


@pytest.fixture
def marketing(operator_factory):
    client = Client()
    client.force_login(operator_factory(OperatorRole.MARKETING))
    return client


def form_data(segment, coupon, **overrides) -> dict:
    today = clock.today()
    return {"name": "双11 红包", "description": "", "segment": segment.public_id, "offer": coupon.public_id,
            "control_percent": "20", "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=13)).isoformat(), "pre_days": "28", "post_days": "14"} | overrides


def test_only_marketing_operators_open_the_pages(console_a, operator_factory, segment, coupon):
    campaign = services.campaign_create(name="x", segment=segment, offer_ref=coupon.public_id,
                                        starts_on=clock.today(), ends_on=clock.today())
    pricing = Client()
    pricing.force_login(operator_factory(OperatorRole.PRICING))
    for url in ("/operator/campaigns/", "/operator/campaigns/new/", f"/operator/campaigns/{campaign.public_id}/"):
        assert console_a.get(url).status_code == 403
        assert pricing.get(url).status_code == 403
    assert console_a.post(f"/operator/campaigns/{campaign.public_id}/launch/").status_code == 403
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.DRAFT and campaign.assignments.count() == 0
    assert Client().get("/operator/campaigns/").status_code == 302


def test_create_preview_launch_stop(marketing, segment, coupon, population):
    page = marketing.get("/operator/campaigns/new/")
    assert page.status_code == 200
    assert coupon.public_id in page.content.decode()
    preview = marketing.get("/operator/campaigns/preview/", {"segment": segment.public_id, "control_percent": "20"})
    assert "holds 20 merchants now: about 16 would receive the offer and 4 be held out" in preview.content.decode()

    response = marketing.post("/operator/campaigns/new/", form_data(segment, coupon))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/operator/campaigns/{campaign.public_id}/"
    assert (campaign.control_bp, campaign.post_days, campaign.state) == (2000, 14, "draft")

    marketing.post(f"/operator/campaigns/{campaign.public_id}/launch/")
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.LAUNCHED and campaign.assignments.count() == 20
    detail = marketing.get(f"/operator/campaigns/{campaign.public_id}/").content.decode()
    assert 'id="stop"' in detail and "<svg" in detail
    marketing.post(f"/operator/campaigns/{campaign.public_id}/stop/")
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.STOPPED


def test_bad_form_shows_the_error_and_creates_nothing(marketing, segment, coupon):
    response = marketing.post("/operator/campaigns/new/", form_data(segment, coupon, control_percent="60"))
    assert response.status_code == 422
    response = marketing.post("/operator/campaigns/new/", form_data(
        segment, coupon, ends_on=(clock.today() - dt.timedelta(days=1)).isoformat()))
    assert response.status_code == 422
    assert "the campaign must end on or after its first day" in response.content.decode()
    assert Campaign.objects.count() == 0


def test_unknown_ids_are_404(marketing):
    assert marketing.get("/operator/campaigns/cmp_NOPE/").status_code == 404
    assert marketing.post("/operator/campaigns/cmp_NOPE/launch/").status_code == 404
    assert marketing.get("/operator/campaigns/pushes/rgp_NOPE/").status_code == 404


def test_reports_on_the_demo_world(marketing, django_assert_max_num_queries):
    today = clock.today()
    campaigns_world.synthetic_population(count=240, first=today - dt.timedelta(days=130),
                                         last=today - dt.timedelta(days=1))
    campaigns_world.run(today=today)
    with django_assert_max_num_queries(8):
        page = marketing.get("/operator/campaigns/")
    assert page.status_code == 200 and "双11 预热红包" in page.content.decode()
    detail = marketing.get(f"/operator/campaigns/{campaigns_world.UPLIFT_ID}/").content.decode()
    assert 'id="effects"' in detail and "significant" in detail and detail.count("<svg") == 2
    push = marketing.get(f"/operator/campaigns/pushes/{campaigns_world.PUSH_ID}/").content.decode()
    assert 'id="did"' in push and "义乌市" in push


def test_push_form(marketing):
    today = clock.today()
    response = marketing.post("/operator/campaigns/pushes/new/", {
        "name": "义乌地推", "treated_regions": "330782", "comparison_regions": "440100, 440300",
        "starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=29)).isoformat(), "pre_days": "28"})
    push = RegionalPush.objects.get()
    assert response.status_code == 302
    assert (push.treated_regions, push.comparison_regions) == (["330782"], ["440100", "440300"])
    bad = marketing.post("/operator/campaigns/pushes/new/", {
        "name": "x", "treated_regions": "330782", "comparison_regions": "330000",
        "starts_on": today.isoformat(), "ends_on": today.isoformat(), "pre_days": "28"})
    assert bad.status_code == 422 and RegionalPush.objects.count() == 1
