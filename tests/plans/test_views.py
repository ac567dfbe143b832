"""Console pages: the merchant's plan page, the change confirmation, the upgrade page on gated features, the
import row limit, and the operators' plan list and bonus rules — with tenancy and roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from parcelhub.core.models import AuditLog
from parcelhub.orders.models import OrderImport
from parcelhub.plans import selectors, services
from parcelhub.plans.models import Plan, PlanInvoice, RechargeBonusRule
from parcelhub.tracking.models import TrackingPageDesign
from tests.plans.conftest import fund

pytestmark = pytest.mark.django_db


def test_plan_page_shows_free_the_comparison_and_the_trial(console_a):
    html = console_a.get("/settings/plan/").content.decode()
    assert '<strong id="plan-name">Free</strong>' in html
    assert 'id="trial"' in html and "Start the free Pro trial" in html
    assert html.count('class="plan-yes"') == 3 + 6 + 7       # features per plan in the comparison
    assert 'href="/settings/plan/change?plan=pro&amp;cycle=annual"' in html
    assert "No plan charges yet." in html


def test_starting_the_trial_from_the_page(console_a, merchant_a, clock_at):
    clock_at(2026, 11, 23, 10, 0)
    response = console_a.post("/settings/plan/trial")
    assert (response.status_code, response["Location"]) == (302, "/settings/plan/")
    html = console_a.get("/settings/plan/").content.decode()
    assert 'id="plan-status">Free trial</span>' in html
    assert '<span id="period-end">2026-12-06 <span class="muted">(13 days left)</span>' in html
    assert 'id="trial"' not in html


def test_the_change_page_shows_the_proration_before_confirming(console_a, merchant_a, clock_at):
    mch = merchant_a[0]
    clock_at(2026, 11, 1, 9, 0)
    fund(mch, 100_000)
    services.subscription_change(merchant=mch, plan_code="pro", billing_cycle="monthly")
    clock_at(2026, 11, 16, 9, 0)
    html = console_a.get("/settings/plan/change?plan=enterprise&cycle=monthly").content.decode()
    assert '<span class="num" id="quote-price">¥499.00</span>' in html
    assert '<span id="quote-credit">−¥49.50' in html and "15 of 30 days unused" in html
    assert '<strong id="quote-due">¥449.50</strong>' in html
    assert PlanInvoice.objects.count() == 1                          # looking changes nothing
    response = console_a.post("/settings/plan/change", {"plan": "enterprise", "cycle": "monthly",
                                                         "expected_due_fen": "44950"})
    assert response.status_code == 302
    assert selectors.current_plan(mch).code == "enterprise"


def test_a_short_wallet_shows_the_error_and_changes_nothing(console_a, merchant_a):
    response = console_a.post("/settings/plan/change", {"plan": "pro", "cycle": "monthly", "expected_due_fen": "9900"})
    assert response.status_code == 402
    assert "Insufficient wallet balance" in response.content.decode()
    assert PlanInvoice.objects.count() == 0


def test_the_designer_shows_the_upgrade_page_on_free_and_saves_nothing(console_a, merchant_a):
    response = console_a.get("/tracking/page/")
    assert response.status_code == 402
    html = response.content.decode()
    assert "Branded tracking page is not in your plan" in html
    assert "Pro includes it, from ¥99.00 a month." in html and "Try it free for 14 days" in html
    assert console_a.post("/tracking/page/", {"display_name": "x", "primary_color": "#000000",
                                              "accent_color": "#000000"}).status_code == 402
    assert TrackingPageDesign.objects.count() == 0
    services.trial_start(merchant=merchant_a[0])
    assert console_a.get("/tracking/page/").status_code == 200


def test_an_import_over_the_plans_rows_is_refused_before_anything_is_stored(console_a, merchant_a):
    plan = Plan.objects.get(code="free")
    plan.bulk_import_max_rows = 2
    plan.save()
    rows = "\n".join(f"A{n},王小明,13800138000,浙江省杭州市西湖区文三路90号,T恤,1" for n in range(3))
    header = "order_id,recipient_name,recipient_phone,address,item_name,quantity"
    upload = SimpleUploadedFile("orders.csv", f"{header}\n{rows}\n".encode())
    response = console_a.post("/orders/import/", {"file": upload})
    assert response.status_code == 422
    assert "Your plan allows 2 rows per import file; this file has 3." in response.content.decode()
    assert OrderImport.objects.count() == 0


def test_other_merchants_see_only_their_own_history(console_a, console_b, merchant_a):
    fund(merchant_a[0], 9_900)
    services.subscription_change(merchant=merchant_a[0], plan_code="pro", billing_cycle="monthly")
    assert "Subscribed" in console_a.get("/settings/plan/").content.decode()
    html_b = console_b.get("/settings/plan/").content.decode()
    assert "No plan charges yet." in html_b and '<strong id="plan-name">Free</strong>' in html_b


def test_operator_list_counts_subscribers_per_plan(merchant_a, merchant_b, operator_factory, clock_at):
    clock_at(2026, 11, 23, 10, 0)
    services.trial_start(merchant=merchant_a[0])
    fund(merchant_b[0], 49_900)
    services.subscription_change(merchant=merchant_b[0], plan_code="enterprise", billing_cycle="monthly")
    client = Client()
    client.force_login(operator_factory("marketing"))
    html = client.get("/operator/plans/").content.decode()
    plans = {p.code: (p.active_count, p.trial_count, p.grace_count) for p in selectors.plans_with_counts()}
    assert plans == {"free": (0, 0, 0), "pro": (0, 1, 0), "enterprise": (1, 0, 0)}
    assert '<td class="num plan-count-trial">1</td>' in html


def test_operator_edits_a_plan_and_bad_input_changes_nothing(operator_factory):
    client = Client()
    client.force_login(operator_factory("marketing"))
    data = {"name": "Pro", "description": "", "rank": "10", "price_monthly": "129", "price_annual": "1290",
            "features": ["api_access", "custom_tracking_page"], "sms_monthly_quota": "3000",
            "bulk_import_max_rows": "", "is_active": "on"}
    assert client.post("/operator/plans/pro/", {**data, "price_monthly": "-1"}).status_code == 400
    assert Plan.objects.get(code="pro").price_monthly_fen == 9_900
    assert client.post("/operator/plans/pro/", data).status_code == 302
    pro = Plan.objects.get(code="pro")
    assert (pro.price_monthly_fen, pro.price_annual_fen, pro.features, pro.sms_monthly_quota,
            pro.bulk_import_max_rows) == (12_900, 129_000, ["api_access", "custom_tracking_page"], 3000, None)
    assert AuditLog.objects.get(action="plan.update").data["before"]["price_monthly_fen"] == 9_900


def test_operator_creates_a_bonus_rule(operator_factory):
    client = Client()
    client.force_login(operator_factory("marketing"))
    bad = client.post("/operator/plans/bonuses/new", {"name": "x", "min_recharge": "500", "kind": "credit"})
    assert bad.status_code == 400 and RechargeBonusRule.objects.count() == 0
    response = client.post("/operator/plans/bonuses/new", {
        "name": "充500送20", "min_recharge": "500", "kind": "credit", "bonus": "20",
        "starts_at": "2026-11-01T00:00", "ends_at": "2026-11-12T00:00", "is_active": "on"})
    assert response.status_code == 302
    rule = RechargeBonusRule.objects.get()
    assert (rule.min_recharge_fen, rule.bonus_fen, rule.kind, rule.plan) == (50_000, 2_000, "credit", None)
    assert rule.starts_at.isoformat() == "2026-10-31T16:00:00+00:00"
    assert "充500送20" in client.get("/operator/plans/").content.decode()


@pytest.mark.parametrize("role", ["support", "risk"])
def test_other_operators_and_merchants_get_403(role, operator_factory, console_a, merchant_a):
    client = Client()
    client.force_login(operator_factory(role))
    assert client.get("/operator/plans/").status_code == 403
    assert client.post("/operator/plans/grant", {"merchant": merchant_a[0].public_id, "plan": "pro", "months": "1",
                                                 "note": "x"}).status_code == 403
    assert console_a.get("/operator/plans/").status_code == 403
    assert PlanInvoice.objects.count() == 0


def test_an_account_manager_gives_months_of_a_plan(operator_factory, merchant_a, merchant_b, clock_at):
    clock_at(2026, 11, 23, 10, 0)
    client = Client()
    client.force_login(operator_factory("account_manager"))
    assert client.get("/operator/plans/").status_code == 200
    assert client.get("/operator/plans/pro/").status_code == 403          # editing plans is marketing's
    response = client.post("/operator/plans/grant", {"merchant": merchant_a[0].public_id, "plan": "pro",
                                                     "months": "2", "note": "续约挽留"})
    assert response.status_code == 302
    status = selectors.current_plan(merchant_a[0])
    assert (status.code, status.status, status.period_end) == ("pro", "active", dt.date(2027, 1, 22))
    invoice = PlanInvoice.objects.get()
    assert (invoice.kind, invoice.amount_fen, invoice.note, invoice.actor.operator_role) == (
        "grant", 0, "续约挽留", "account_manager")
    client.post("/operator/plans/grant", {"merchant": "mch_nope", "plan": "pro", "months": "2", "note": "x"})
    client.post("/operator/plans/grant", {"merchant": merchant_b[0].public_id, "plan": "pro", "months": "99",
                                          "note": "x"})
    assert PlanInvoice.objects.count() == 1
    assert selectors.current_plan(merchant_b[0]).code == "free"


def test_anonymous_visitors_go_to_log_in():
    assert Client().get("/settings/plan/")["Location"].startswith("/login")


def test_grace_notice_and_renew_now(console_a, merchant_a, clock_at):
    mch = merchant_a[0]
    clock_at(2026, 11, 1, 9, 0)
    fund(mch, 9_900)
    services.subscription_change(merchant=mch, plan_code="pro", billing_cycle="monthly")
    clock_at(2026, 12, 2, 9, 0)
    services.plans_daily()
    html = console_a.get("/settings/plan/").content.decode()
    assert 'id="plan-status">Grace period</span>' in html and "Renew now" in html
    fund(mch, 9_900)
    console_a.post("/settings/plan/renew")
    status = selectors.current_plan(mch)
    assert (status.status, status.period_end) == ("active", dt.date(2026, 12, 31))


def test_pages_in_chinese(console_a, merchant_a):
    html = console_a.get("/settings/plan/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "当前套餐" in html and "套餐对比" in html and "品牌物流查询页" in html and "开始免费试用 专业版" in html
    assert "比价、打印电子面单、跟踪包裹。" in html and "<strong id=\"plan-name\">免费版</strong>" in html
    upgrade = console_a.get("/tracking/page/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "当前套餐不包含“品牌物流查询页”" in upgrade and "专业版 包含此功能，每月 ¥99.00 起。" in upgrade


def test_list_pages_query_counts_do_not_grow(console_a, merchant_a, operator_factory, clock_at):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clock_at(2026, 11, 23, 10, 0)
    client = Client()
    client.force_login(operator_factory("marketing"))
    fund(merchant_a[0], 100_000)

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as operator_page:
            client.get("/operator/plans/")
        with CaptureQueriesContext(connection) as plan_page:
            console_a.get("/settings/plan/")
        return len(operator_page), len(plan_page)

    RechargeBonusRule.objects.create(name="r0", min_recharge_fen=1_000, bonus_fen=100)
    services.subscription_change(merchant=merchant_a[0], plan_code="pro", billing_cycle="monthly")
    before = counts()
    for i in range(1, 6):
        RechargeBonusRule.objects.create(name=f"r{i}", min_recharge_fen=1_000 * (i + 1), bonus_fen=100)
    services.subscription_change(merchant=merchant_a[0], plan_code="enterprise", billing_cycle="monthly")
    services.subscription_change(merchant=merchant_a[0], plan_code="pro", billing_cycle="annual")
    assert counts() == before
