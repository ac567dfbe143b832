"""Creating, launching, stopping and finishing campaigns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.core.models import AuditLog
from parcelhub.crm.models import Activity
from parcelhub.marketing.campaigns import evaluation, services
from parcelhub.marketing.campaigns.models import Assignment, Campaign
from parcelhub.marketing.promotions.models import CouponGrant
from parcelhub.notify.models import Outbox
from tests.campaigns.conftest import fixed_id


def make(segment, coupon, **fields) -> Campaign:
    today = clock.today()
    values = {"name": "双11 红包", "segment": segment, "offer_ref": coupon.public_id, "starts_on": today,
              "ends_on": today + dt.timedelta(days=13), "control_bp": 3000} | fields
    return fixed_id(services.campaign_create(**values))


def test_create_is_a_draft_with_defaults(segment, coupon):
    today = clock.today()
    campaign = services.campaign_create(name="双11 红包", segment=segment, offer_ref=coupon.public_id,
                                        starts_on=today, ends_on=today + dt.timedelta(days=13))
    assert campaign.state == Campaign.State.DRAFT
    assert (campaign.control_bp, campaign.pre_days, campaign.post_days) == (1000, 28, 28)
    assert campaign.public_id.startswith("cmp_")
    assert campaign.assignments.count() == 0
    assert AuditLog.objects.filter(action="campaign.create", target_id=campaign.public_id).count() == 1


@pytest.mark.parametrize("fields,field", [
    ({"name": " "}, "name"),
    ({"control_bp": 6000}, "control_bp"),
    ({"control_bp": -1}, "control_bp"),
    ({"ends_on": dt.date(2000, 1, 1)}, "ends_on"),
    ({"pre_days": 3}, "pre_days"),
    ({"offer_ref": "cpn_NOPE"}, "offer"),
])
def test_bad_input_is_refused_and_nothing_is_written(segment, coupon, fields, field):
    with pytest.raises(DomainError) as error:
        make(segment, coupon, **fields)
    assert error.value.status == 422
    assert error.value.details == {"field": field}
    assert Campaign.objects.count() == 0
    assert AuditLog.objects.filter(action="campaign.create").count() == 0


def test_launch_assigns_everybody_persistently_and_delivers_to_treatment_only(segment, coupon, population,
                                                                              django_capture_on_commit_callbacks):
    campaign = make(segment, coupon)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_launch(campaign=campaign) == 20
    assert campaign.state == Campaign.State.LAUNCHED
    arms = dict(campaign.assignments.values_list("merchant__public_id", "arm"))
    assert arms == {m.public_id: evaluation.arm_for(campaign.public_id, m.public_id, 3000) for m in population}
    treated = {pk for pk, arm in campaign.assignments.values_list("merchant_id", "arm") if arm == "treatment"}
    assert 0 < len(treated) < 20
    grants = CouponGrant.objects.filter(coupon=coupon)
    assert set(grants.values_list("merchant_id", flat=True)) == treated
    assert set(grants.values_list("source", flat=True)) == {campaign.public_id}
    # Each treatment assignment records the grant it got; control got nothing.
    for row in campaign.assignments.all():
        expected = grants.get(merchant_id=row.merchant_id).public_id if row.arm == "treatment" else ""
        assert row.delivered_ref == expected
    # One email per treatment owner, sent after the commit.
    owners = {f"owner{int(m.public_id[5:])}@m.example" for m in population if m.pk in treated}
    assert {message.to[0] for message in mail.outbox} == owners
    assert len(mail.outbox) == len(treated)
    assert "新客红包 ¥3" in mail.outbox[0].subject
    assert Outbox.objects.filter(event_type="campaign.offer", state="sent").count() == len(treated)
    # The offer is on the treatment merchants' CRM timelines, not on control's.
    logged = Activity.objects.filter(kind="offer", ref=campaign.public_id)
    assert set(logged.values_list("merchant_id", flat=True)) == treated
    assert logged.first().summary == "双11 红包: 红包「新客红包 ¥3」 / the coupon “新客红包 ¥3”"


def test_stop_then_relaunch_keeps_arms_and_enrols_newcomers(segment, coupon, population):
    campaign = make(segment, coupon)
    services.campaign_launch(campaign=campaign)
    before = dict(campaign.assignments.values_list("merchant_id", "arm"))
    services.campaign_stop(campaign=campaign)
    assert campaign.state == Campaign.State.STOPPED and campaign.stopped_at is not None
    newcomer = Merchant.objects.create(public_id="mch_NEW", name="新商户", contact_name="x", phone="1",
                                       industry="small_commodities")
    # Stopped: the daily enrolment does nothing.
    assert services.campaign_enrol(campaign=campaign) == 0
    assert services.campaign_launch(campaign=campaign) == 1
    after = dict(campaign.assignments.values_list("merchant_id", "arm"))
    assert {k: v for k, v in after.items() if k != newcomer.pk} == before
    assert after[newcomer.pk] == evaluation.arm_for(campaign.public_id, "mch_NEW", 3000)
    grants = CouponGrant.objects.filter(coupon=coupon, source=campaign.public_id)
    assert grants.count() == sum(arm == "treatment" for arm in after.values())


def test_state_rules(segment, coupon):
    campaign = make(segment, coupon)
    with pytest.raises(DomainError) as error:
        services.campaign_stop(campaign=campaign)
    assert (error.value.code, error.value.status) == ("campaign_not_running", 409)
    services.campaign_launch(campaign=campaign)
    assigned = campaign.assignments.count()
    with pytest.raises(DomainError) as error:
        services.campaign_launch(campaign=campaign)
    assert error.value.code == "campaign_not_launchable"
    assert campaign.assignments.count() == assigned


def test_finish_due_and_no_launch_after_the_end(segment, coupon):
    today = clock.today()
    running = make(segment, coupon, starts_on=today - dt.timedelta(days=10), ends_on=today - dt.timedelta(days=1))
    Campaign.objects.filter(pk=running.pk).update(state=Campaign.State.LAUNCHED)
    assert services.campaigns_finish_due(today=today) == 1
    running.refresh_from_db()
    assert running.state == Campaign.State.FINISHED
    late = make(segment, coupon, starts_on=today - dt.timedelta(days=10), ends_on=today - dt.timedelta(days=1))
    with pytest.raises(DomainError) as error:
        services.campaign_launch(campaign=late)
    assert error.value.code == "campaign_over"
    late.refresh_from_db()
    assert late.state == Campaign.State.DRAFT and late.assignments.count() == 0
    assert CouponGrant.objects.count() == 0


def test_control_share_zero_puts_everybody_in_treatment(segment, coupon, population):
    campaign = make(segment, coupon, control_bp=0)
    services.campaign_launch(campaign=campaign)
    assert set(campaign.assignments.values_list("arm", flat=True)) == {Assignment.Arm.TREATMENT}
    assert CouponGrant.objects.filter(source=campaign.public_id).count() == 20


def test_regional_push_validation(db):
    today = clock.today()
    push = services.regional_push_create(name="义乌地推", treated_regions=["330782"],
                                         comparison_regions=["440100", "440300"], starts_on=today,
                                         ends_on=today + dt.timedelta(days=29))
    assert push.public_id.startswith("rgp_")
    for treated, comparison in ((["330782"], ["330000"]), (["33"], ["440100"]), ([], ["440100"])):
        with pytest.raises(DomainError):
            services.regional_push_create(name="x", treated_regions=treated, comparison_regions=comparison,
                                          starts_on=today, ends_on=today)
    assert push.__class__.objects.count() == 1


def test_daily_job_enrols_newcomers_of_running_campaigns_and_finishes_ended_ones(segment, coupon, population):
    from parcelhub.marketing.campaigns.tasks import campaigns_daily

    today = clock.today()
    running = make(segment, coupon)
    services.campaign_launch(campaign=running)
    ended = make(segment, coupon, starts_on=today - dt.timedelta(days=9), ends_on=today - dt.timedelta(days=1))
    Campaign.objects.filter(pk=ended.pk).update(state=Campaign.State.LAUNCHED)
    Merchant.objects.create(public_id="mch_LATE", name="新商户", contact_name="x", phone="1",
                            industry="small_commodities")

    campaigns_daily.call_local()

    assert running.assignments.count() == 21
    assert running.assignments.filter(merchant__public_id="mch_LATE").exists()
    ended.refresh_from_db()
    assert ended.state == Campaign.State.FINISHED and ended.assignments.count() == 0
