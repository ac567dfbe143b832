"""The demo's CRM world: segments with a size history, recent sign-ups at every onboarding step, stalled tasks,
notes and upsell offers; a second run changes nothing."""

from __future__ import annotations

import pytest

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.crm.models import Activity, Segment, SegmentSize, UpsellOffer
from parcelhub.crm.onboarding import onboarding_funnel
from parcelhub.crm.workbench.models import Task
from parcelhub.simulation import crm_world


@pytest.mark.django_db
def test_the_crm_world():
    demo = [Merchant.objects.create(name=f"演示商户{i}", contact_name="c", phone="1") for i in range(3)]
    counts = crm_world.build(merchants=demo, today=clock.today())
    assert {k: counts[k] for k in ("segments", "new_signups", "crm_activities", "upsell_offers",
                                   "stalled_onboarding")} == {
        "segments": 8, "new_signups": 17, "crm_activities": 9, "upsell_offers": 4, "stalled_onboarding": 8}
    assert SegmentSize.objects.filter(segment__name="义乌长尾商家").count() == 9      # eight weeks and today
    yiwu_now = SegmentSize.objects.filter(segment__name="义乌长尾商家").latest("day").size
    assert yiwu_now == 5    # the five 义乌 sign-ups, shipped or not, are all long tail
    assert sorted(Task.objects.filter(kind="onboarding_stalled").values_list("merchant__name", flat=True)) == sorted(
        ["义乌佳和日用百货", "义乌梦想玩具厂", "广州十三行女装", "广州美妆优选", "深圳南山智能家居", "杭州西湖龙井茶庄",
         "泉州晋江运动鞋", "临沂商城百货"])
    assert list(UpsellOffer.objects.order_by("offered_at").values_list("merchant__name", "state")) == [
        ("广州荔湾茶叶", "accepted"), ("杭州西湖龙井茶庄", "declined"), ("临沂生鲜果园", "offered"),
        ("深圳跨境精品", "accepted")]
    by_channel = {row.key: row.counts for row in onboarding_funnel(by="channel")}
    assert by_channel["ground_team"] == (5, 4, 3, 2, 2, 1)   # steps 0, 1, 2, 4 and 5
    assert crm_world.build(merchants=demo, today=clock.today()) == {"segments": 0}
    assert (Segment.objects.count(), Activity.objects.filter(kind="note").count()) == (8, 3)
