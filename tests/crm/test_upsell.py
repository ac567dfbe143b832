"""Upsell recommendations fire on their exact conditions and say why; offers are tracked once per kind."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.accounts.models import Industry
from parcelhub.billing.models import Recharge
from parcelhub.billing.services import recharge_confirm, recharge_create
from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.crm.models import Activity, UpsellOffer
from parcelhub.crm.upsell import recommendations, upsell_decide, upsell_offer, upsell_report
from parcelhub.insights.models import MerchantDay
from parcelhub.notify.delivery import sms_quota_for
from parcelhub.notify.models import SmsUsage
from parcelhub.orders.models import Sku

TODAY = dt.date(2026, 11, 20)


def recs(merchant, plan_code="pro", band="long_tail", shipments=0):
    return {r.kind: list(r.reasons) for r in recommendations(merchant, plan_code=plan_code, volume_band=band,
                                                             shipments_30d=shipments, today=TODAY)}


def test_nothing_for_a_plain_merchant(merchant_a):
    assert recs(merchant_a[0]) == {}


def test_cross_border_from_industry_channel_and_products(merchant_a):
    merchant = merchant_a[0]
    merchant.industry, merchant.acquisition_channel = Industry.CROSS_BORDER, "crossborder-expo"
    merchant.save()
    Sku.objects.create(merchant=merchant, code="X1", name="外贸款 帆布包")
    Sku.objects.create(merchant=merchant, code="X2", name="普通帆布包")
    assert recs(merchant) == {"cross_border": ["Industry is cross-border trade.",
                                               "Came through a cross-border channel (crossborder-expo).",
                                               "Export products: 外贸款 帆布包."]}


def test_credit_line_needs_steady_spend_and_regular_recharges(merchant_a):
    merchant, owner = merchant_a
    # ¥400 a day for 90 days: ¥12,000 in each 30-day window.
    MerchantDay.objects.bulk_create([MerchantDay(merchant=merchant, day=TODAY - dt.timedelta(days=d), shipments=40,
                                                 revenue_fen=40_000) for d in range(90)])
    for n in range(2):
        recharge = recharge_create(merchant=merchant, amount_fen=500_000, actor=owner)
        recharge_confirm(provider_txn_id=f"t{n}", recharge_public_id=recharge.public_id, amount_fen=500_000)
    assert "credit_line" not in recs(merchant)               # two recharges are not yet regular
    recharge = recharge_create(merchant=merchant, amount_fen=500_000, actor=owner)
    recharge_confirm(provider_txn_id="t2", recharge_public_id=recharge.public_id, amount_fen=500_000)
    Recharge.objects.update(created_at=clock.start_of_day(TODAY - dt.timedelta(days=10)))
    assert recs(merchant)["credit_line"] == [
        "Steady spend: ¥12,000–¥12,000 in each of the last three 30-day periods.", "3 recharges in 90 days."]
    # ¥24,000 in the last window against ¥12,000 before: the smallest is under 70 % of the largest.
    MerchantDay.objects.filter(day__gt=TODAY - dt.timedelta(days=30)).update(revenue_fen=80_000)
    assert "credit_line" not in recs(merchant)
    MerchantDay.objects.filter(day__gt=TODAY - dt.timedelta(days=30)).update(revenue_fen=57_000)   # ¥17,100: 70.2 %
    assert "credit_line" in recs(merchant)


def test_higher_plan_from_volume_on_free_and_from_the_sms_quota(merchant_a):
    merchant = merchant_a[0]
    assert recs(merchant, plan_code="free", band="waist", shipments=1234) == {
        "higher_plan": ["On the free plan while shipping 1,234 parcels in 30 days."]}
    quota = sms_quota_for(merchant)
    month = clock.today().replace(day=1)
    SmsUsage.objects.create(merchant=merchant, month=month, count=quota * 9 // 10 - 1)
    assert recs(merchant, plan_code="free") == {}
    SmsUsage.objects.filter(merchant=merchant).update(count=quota)
    assert recs(merchant, plan_code="free") == {
        "higher_plan": [f"Used {quota:,} of the plan's {quota:,} SMS this month."]}
    assert recs(merchant, plan_code="enterprise") == {}


def test_offers_are_tracked_once_per_kind_and_reported(merchant_a, merchant_b, operator_factory):
    am = operator_factory("account_manager")
    offer = upsell_offer(merchant=merchant_a[0], kind="cold_chain", reasons=["Industry is food."], actor=am)
    with pytest.raises(DomainError) as error:
        upsell_offer(merchant=merchant_a[0], kind="cold_chain", actor=am)
    assert error.value.code == "upsell_already_offered"
    with pytest.raises(DomainError) as error:
        upsell_offer(merchant=merchant_a[0], kind="gold_bars", actor=am)
    assert error.value.code == "upsell_kind_invalid"
    upsell_decide(offer=offer, accepted=True, actor=am)
    with pytest.raises(DomainError):
        upsell_decide(offer=offer, accepted=False, actor=am)
    declined = upsell_offer(merchant=merchant_b[0], kind="cold_chain", actor=am)
    upsell_decide(offer=declined, accepted=False, actor=am)
    upsell_offer(merchant=merchant_a[0], kind="cold_chain", actor=am)        # a new offer after an answer
    rows = {r.kind: (r.offered, r.accepted, r.declined, r.acceptance_pct) for r in upsell_report()}
    assert rows == {"cross_border": (0, 0, 0, 0), "cold_chain": (3, 1, 1, 50), "credit_line": (0, 0, 0, 0),
                    "higher_plan": (0, 0, 0, 0)}
    assert UpsellOffer.objects.filter(state="offered").count() == 1
    assert Activity.objects.filter(kind="upsell").count() == 5
