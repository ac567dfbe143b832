"""Segment pages: the editor saves a definition from its fields, the live count, sizes over time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from parcelhub.accounts.models import Industry, Merchant
from parcelhub.core import clock
from parcelhub.core.models import AuditLog
from parcelhub.crm.models import Segment, SegmentSize
from parcelhub.crm.services import segment_sizes_snapshot


@pytest.fixture
def marketing(operator_factory):
    client = Client()
    client.force_login(operator_factory("marketing"))
    return client


@pytest.fixture
def merchants(db):
    for name, industry, origin, channel in (("义乌小商品", Industry.SMALL_COMMODITIES, "330782", "ground-yiwu"),
                                            ("义乌饰品", Industry.SMALL_COMMODITIES, "330782", "erp-x"),
                                            ("广州服饰", Industry.APPAREL, "440106", "")):
        Merchant.objects.create(name=name, contact_name="c", phone="1", industry=industry, origin_region_id=origin,
                                acquisition_channel=channel)


def test_the_editor_saves_the_definition_built_from_its_fields(marketing, merchants):
    response = marketing.post("/operator/segments/new/", {
        "name": "义乌小商品长尾", "description": "地推重点", "industry": ["small_commodities"],
        "origin_province": "330000", "acquisition_channel": "ground-yiwu, erp-x", "volume_band": "long_tail",
        "r_min": "3", "m_max": "2"})
    assert response.status_code == 302
    segment = Segment.objects.get()
    assert (segment.name, segment.description, segment.definition) == ("义乌小商品长尾", "地推重点", {
        "volume_band": ["long_tail"], "industry": ["small_commodities"], "origin_province": ["330000"],
        "acquisition_channel": ["ground-yiwu", "erp-x"], "rfm": {"r_min": 3, "m_max": 2}})
    assert AuditLog.objects.filter(action="crm.segment_create").count() == 1
    html = marketing.get(f"/operator/segments/{segment.public_id}/").content.decode()
    assert 'name="volume_band" value="long_tail" checked' in html
    assert '<option value="3" selected>≥ 3</option>' in html
    assert 'value="ground-yiwu,erp-x"' in html


def test_edit_and_bad_input(marketing, merchants):
    segment = Segment.objects.create(name="广州", definition={"origin_province": ["440000"]})
    response = marketing.post(f"/operator/segments/{segment.public_id}/", {"name": "广州服饰",
                                                                          "industry": "apparel"})
    assert response.status_code == 302
    segment.refresh_from_db()
    assert (segment.name, segment.definition) == ("广州服饰", {"industry": ["apparel"]})
    bad = marketing.post(f"/operator/segments/{segment.public_id}/", {"name": "", "industry": "apparel"})
    assert bad.status_code == 422 and "A segment needs a name" in bad.content.decode()
    taken = marketing.post("/operator/segments/new/", {"name": "广州服饰"})
    assert taken.status_code == 409 and "A segment with this name exists." in taken.content.decode()
    segment.refresh_from_db()
    assert (Segment.objects.count(), segment.name) == (1, "广州服饰")


def test_live_count_answers_the_form_fields(marketing, merchants):
    count = marketing.get("/operator/segments/count/?industry=small_commodities&acquisition_channel=erp-x")
    assert '<span id="live-count">1 merchant matches now</span>' in count.content.decode()
    count = marketing.get("/operator/segments/count/?origin_province=330000")
    assert "2 merchants match now" in count.content.decode()
    count = marketing.get("/operator/segments/count/?f_max=0")
    assert "RFM bounds are whole numbers from 1 to 5." in count.content.decode()


def test_sizes_are_snapshotted_once_a_day_and_charted(marketing, merchants):
    yiwu = Segment.objects.create(name="义乌", definition={"origin_province": "330000"})
    today = clock.today()
    assert segment_sizes_snapshot(day=today - dt.timedelta(days=1)) == 1
    Merchant.objects.filter(name="义乌饰品").update(is_active=False)
    segment_sizes_snapshot(day=today)
    segment_sizes_snapshot(day=today)
    assert list(SegmentSize.objects.values_list("segment", "day", "size")) == [
        (yiwu.pk, today - dt.timedelta(days=1), 2), (yiwu.pk, today, 1)]
    html = marketing.get("/operator/segments/").content.decode()
    assert "Sizes over time" in html and "<svg" in html
    assert '<td class="num">1</td>' in html
