"""Plan limits read by other apps: the SMS quota (notify) and the feature codes."""

from __future__ import annotations

import pytest

from parcelhub.notify.delivery import sms_quota_for
from parcelhub.notify.models import NotifySettings
from parcelhub.plans import gates, selectors, services
from parcelhub.plans.models import Plan

pytestmark = pytest.mark.django_db


def test_the_sms_quota_comes_from_the_plan_unless_an_operator_set_one(mch_a, settings):
    settings.NOTIFY_SMS_MONTHLY_QUOTA = 300
    assert sms_quota_for(mch_a) == 300                      # Free: the platform default
    services.trial_start(merchant=mch_a)
    assert sms_quota_for(mch_a) == 5_000                    # Pro
    NotifySettings.objects.create(merchant=mch_a, sms_monthly_quota=42)
    mch_a.refresh_from_db()
    assert sms_quota_for(mch_a) == 42                       # the operator's word for this merchant


def test_a_plan_without_sms_sends_none(mch_a):
    free = Plan.objects.get(code="free")
    free.features = ["api_access", "bulk_import"]
    free.save()
    assert selectors.plan_limit(mch_a, "sms_monthly_quota") == 0
    assert sms_quota_for(mch_a) == 0


def test_require_feature_and_the_import_limit(mch_a):
    with pytest.raises(gates.PlanFeatureRequired) as missing:
        gates.require_feature(mch_a, "multi_warehouse")
    assert (missing.value.status, missing.value.code, missing.value.details["upgrade_to"]) == (
        402, "plan_feature_required", "enterprise")
    gates.check_import(mch_a, rows=1000)
    with pytest.raises(gates.PlanLimitExceeded) as over:
        gates.check_import(mch_a, rows=1001)
    assert over.value.details == {"limit": "bulk_import_max_rows", "allowed": 1000, "requested": 1001,
                                  "plan": "free", "upgrade_url": "/settings/plan/"}
    services.trial_start(merchant=mch_a)
    gates.check_import(mch_a, rows=20_000)


def test_unknown_feature_codes_are_a_programming_error():
    with pytest.raises(ValueError):
        gates.plan_feature_required("teleportation")


def test_usage_against_the_plans_limits(mch_a, settings, console_a):
    import datetime as dt

    from parcelhub.core import clock
    from parcelhub.notify.models import SmsUsage
    from parcelhub.orders.models import OrderImport

    settings.NOTIFY_SMS_MONTHLY_QUOTA = 100
    month = clock.today().replace(day=1)
    SmsUsage.objects.create(merchant=mch_a, month=month, count=80)
    SmsUsage.objects.create(merchant=mch_a, month=month - dt.timedelta(days=1), count=99)   # last month
    OrderImport.objects.create(merchant=mch_a, file_name="a.csv", layout="parcelhub", total_rows=700)
    usage = selectors.plan_usage(mch_a)
    assert (usage.sms_used, usage.sms_quota, usage.import_rows_max, usage.import_rows_limit) == (80, 100, 700, 1000)
    assert usage.near_limits == ["sms_quota"]
    html = console_a.get("/settings/plan/").content.decode()
    assert '<span id="usage-sms">80 / 100 <span class="tag recommended">near the limit</span></span>' in html
    assert '<span id="usage-import">700 of 1000 rows</span>' in html
    services.trial_start(merchant=mch_a)
    assert selectors.plan_usage(mch_a).near_limits == []
