"""The campaign pages speak Chinese to Chinese browsers (this app keeps its own catalogue)."""

from __future__ import annotations

from django.test import Client

from parcelhub.accounts.models import OperatorRole


def test_pages_in_chinese(operator_factory, segment, coupon):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(operator_factory(OperatorRole.MARKETING))
    page = client.get("/operator/campaigns/").content.decode()
    assert "<h1>营销活动</h1>" in page and "新建地区推广" in page
    form = client.get("/operator/campaigns/new/").content.decode()
    assert "对照组比例（%）" in form and "创建草稿" in form
