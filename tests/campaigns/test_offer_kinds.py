"""Campaigns that give bonus credit (赠送金) or a promotion package (大促包): delivery to treatment only, once;
the report's cost; validation through the service, the API and the form."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.test import Client

from parcelhub.accounts.models import OperatorRole
from parcelhub.billing.bonus import bonus_credit_give
from parcelhub.billing.models import LedgerTransaction, TransactionKind, Wallet
from parcelhub.billing.services import wallet_charge, wallet_refund
from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.core.models import AuditLog
from parcelhub.crm.models import Activity
from parcelhub.marketing.campaigns import offers, services
from parcelhub.marketing.campaigns.models import Assignment, Campaign
from parcelhub.marketing.campaigns.selectors import campaign_get, campaign_report
from parcelhub.marketing.offers import OfferKind as PriceOfferKind
from parcelhub.marketing.offers import QuoteContext
from parcelhub.marketing.promotions.models import Package, PackageBalance
from parcelhub.marketing.promotions.offers import offers_consume, offers_for, offers_release
from parcelhub.marketing.promotions.packages import package_create, package_gift, package_refund
from parcelhub.notify.models import Outbox
from tests.campaigns.conftest import fixed_id


@pytest.fixture
def package(db):
    now = clock.now()
    return package_create(name="双11 江浙沪 10 单包", carrier_code="sandbox", service_code="std", labels=10,
                          price_fen=5000, on_sale_from=now - dt.timedelta(days=1),
                          on_sale_until=now + dt.timedelta(days=30), use_until=now + dt.timedelta(days=60),
                          refund_terms="pro_rata", refund_days=30)


def make(segment, **fields) -> Campaign:
    today = clock.today()
    values = {"name": "回流赠送", "segment": segment, "offer_kind": "bonus", "offer_ref": "",
              "offer_amount_fen": 2000, "starts_on": today, "ends_on": today + dt.timedelta(days=13),
              "control_bp": 3000} | fields
    return fixed_id(services.campaign_create(**values))


def arms(campaign: Campaign) -> tuple[list[int], list[int]]:
    rows = list(campaign.assignments.values_list("merchant_id", "arm"))
    treated = [pk for pk, arm in rows if arm == Assignment.Arm.TREATMENT]
    control = [pk for pk, arm in rows if arm == Assignment.Arm.CONTROL]
    assert treated and control
    return treated, control


def bonus_of(merchant_ids: list[int]) -> dict[int, int]:
    held = dict(Wallet.objects.filter(merchant_id__in=merchant_ids).values_list("merchant_id", "bonus_fen"))
    return {pk: held.get(pk, 0) for pk in merchant_ids}


# Bonus credit --------------------------------------------------------------------------------------------------


def test_bonus_goes_to_treatment_only_with_email_and_timeline(segment, population,
                                                             django_capture_on_commit_callbacks):
    campaign = make(segment)
    assert (campaign.offer_kind, campaign.offer_ref, campaign.offer_amount_fen) == ("bonus", "", 2000)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_launch(campaign=campaign) == 20
    treated, control = arms(campaign)
    assert bonus_of(treated) == {pk: 2000 for pk in treated}
    assert bonus_of(control) == {pk: 0 for pk in control}
    grants = LedgerTransaction.objects.filter(kind=TransactionKind.BONUS)
    by_merchant = {txn.merchant_id: txn for txn in grants}
    assert set(by_merchant) == set(treated)
    for row in campaign.assignments.select_related("merchant"):
        if row.arm == Assignment.Arm.TREATMENT:
            txn = by_merchant[row.merchant_id]
            assert txn.reference == f"{campaign.public_id}:{row.merchant.public_id}"
            assert row.delivered_ref == txn.public_id
        else:
            assert row.delivered_ref == ""
    # Control gets no email and nothing on its timeline.
    assert set(Outbox.objects.filter(event_type="campaign.offer").values_list("merchant_id", flat=True)) == set(treated)
    assert len(mail.outbox) == len(treated)
    assert mail.outbox[0].subject == "Bonus credit for you / 您获得赠送金：¥20.00"
    assert "bonus credit of ¥20.00" in mail.outbox[0].body and "赠送金 ¥20.00" in mail.outbox[0].body
    assert "/wallet/" in mail.outbox[0].body and "红包" not in mail.outbox[0].body
    logged = Activity.objects.filter(kind="offer", ref=campaign.public_id)
    assert set(logged.values_list("merchant_id", flat=True)) == set(treated)
    assert logged.first().summary == "回流赠送: 赠送金 ¥20.00 / bonus credit of ¥20.00"


def test_bonus_is_given_once_however_often_it_is_delivered(segment, population):
    campaign = make(segment)
    services.campaign_launch(campaign=campaign)
    treated, control = arms(campaign)
    services.campaign_stop(campaign=campaign)
    assert services.campaign_launch(campaign=campaign) == 0   # relaunch: nobody new, nothing given again
    # Delivering again by hand (a retried job) finds the same transactions through their references.
    campaign.refresh_from_db()
    merchants = [row.merchant for row in campaign.assignments.select_related("merchant").filter(arm="treatment")]
    again = offers.offer_deliver(campaign=campaign, merchants=merchants)
    assert again == dict(campaign.assignments.filter(arm="treatment").values_list("merchant_id", "delivered_ref"))
    assert bonus_of(treated) == {pk: 2000 for pk in treated}
    assert bonus_of(control) == {pk: 0 for pk in control}
    assert LedgerTransaction.objects.filter(kind=TransactionKind.BONUS).count() == len(treated)


def test_bonus_report_cost_is_what_was_spent_on_labels_capped_at_the_grant(segment, population):
    by_pk = {m.pk: m for m in population}
    # Before the campaign, one merchant already holds goodwill bonus and spends part of it: not the campaign's.
    early = population[0]
    bonus_credit_give(merchant=early, amount_fen=5000, reference="goodwill:1", reason="补偿")
    wallet_charge(merchant=early, amount_fen=1000, cost_fen=800, carrier_code="sandbox", reference="shp_EARLY")
    campaign = make(segment)
    services.campaign_launch(campaign=campaign)
    treated, control = arms(campaign)
    a, b, c = (by_pk[pk] for pk in [pk for pk in treated if pk != early.pk][:3])
    # a spends ¥15 of it; b spends ¥8 and gets it back with a refund; c spends ¥12 + ¥5.
    wallet_charge(merchant=a, amount_fen=1500, cost_fen=1200, carrier_code="sandbox", reference="shp_A1")
    wallet_charge(merchant=b, amount_fen=800, cost_fen=600, carrier_code="sandbox", reference="shp_B1")
    wallet_refund(reference="shp_B1", reason="voided")
    wallet_charge(merchant=c, amount_fen=1200, cost_fen=900, carrier_code="sandbox", reference="shp_C1")
    wallet_charge(merchant=c, amount_fen=500, cost_fen=400, carrier_code="sandbox", reference="shp_C2")
    # A control merchant with bonus from elsewhere spends it: control costs the campaign nothing.
    other = by_pk[control[0]]
    bonus_credit_give(merchant=other, amount_fen=3000, reference="goodwill:2", reason="补偿")
    wallet_charge(merchant=other, amount_fen=3000, cost_fen=2000, carrier_code="sandbox", reference="shp_X1")
    expected = {a.pk: 1500, c.pk: 1700}
    if early.pk in treated:
        # It still holds ¥40 + ¥20; spending ¥45 now is charged to the campaign up to its ¥20 only.
        wallet_charge(merchant=early, amount_fen=4500, cost_fen=3000, carrier_code="sandbox", reference="shp_EARLY2")
        expected[early.pk] = 2000
    report = campaign_report(campaign, as_of=clock.today())
    assert report.redemptions.by_merchant == expected
    assert (report.redemptions.count, report.redemptions.amount_fen) == (len(expected), sum(expected.values()))
    assert report.granted_fen == 2000 * len(treated)
    # The report's window ends before today: today's spending is not in yesterday's report.
    assert campaign_report(campaign).redemptions.amount_fen == 0


def test_bonus_cost_takes_one_query_whatever_the_segment_size(segment, population, django_assert_num_queries):
    campaign = make(segment)
    services.campaign_launch(campaign=campaign)
    treated, _ = arms(campaign)
    for i, pk in enumerate(treated):
        wallet_charge(merchant=population[0].__class__.objects.get(pk=pk), amount_fen=100 + i, cost_fen=50,
                      carrier_code="sandbox", reference=f"shp_Q{i}")
    with django_assert_num_queries(1):
        cost = offers.offer_redemptions(campaign=campaign, until=clock.today())
    assert cost.amount_fen == sum(100 + i for i in range(len(treated)))


# Promotion packages ---------------------------------------------------------------------------------------------


def test_package_goes_to_treatment_only_free_and_once(segment, package, population,
                                                      django_capture_on_commit_callbacks):
    campaign = make(segment, name="大促包回馈", offer_kind="package", offer_ref=package.public_id,
                    offer_amount_fen=0)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_launch(campaign=campaign)
    treated, control = arms(campaign)
    balances = PackageBalance.objects.filter(package=package)
    assert sorted(balances.values_list("merchant_id", flat=True)) == sorted(treated)
    assert set(balances.values_list("labels_total", "labels_used", "paid_fen", "source", "state")) == {
        (10, 0, 0, campaign.public_id, "active")}
    assert dict(campaign.assignments.filter(arm="treatment").values_list("merchant_id", "delivered_ref")) == dict(
        balances.values_list("merchant_id", "public_id"))
    # Free: nothing was charged to anybody's wallet.
    assert not LedgerTransaction.objects.exists()
    assert AuditLog.objects.filter(action="package.gift", target_id=package.public_id).count() == 1
    assert mail.outbox[0].subject == "A promotion package for you / 您获得一个大促包：双11 江浙沪 10 单包"
    assert "10 labels" in mail.outbox[0].body and "含 10 张面单" in mail.outbox[0].body
    assert Activity.objects.filter(ref=campaign.public_id).first().summary == (
        "大促包回馈: 大促包「双11 江浙沪 10 单包」 / the promotion package “双11 江浙沪 10 单包”")
    assert not Activity.objects.filter(merchant_id__in=control).exists()

    # A second delivery gives nothing twice.
    services.campaign_stop(campaign=campaign)
    services.campaign_launch(campaign=campaign)
    merchants = [row.merchant for row in campaign.assignments.select_related("merchant").filter(arm="treatment")]
    assert package_gift(package=package, merchants=merchants, source=campaign.public_id) == []
    assert balances.count() == len(treated)
    assert not PackageBalance.objects.filter(merchant_id__in=control).exists()


def test_a_gifted_balance_is_not_refundable(segment, package, population):
    merchant = population[0]
    [balance] = package_gift(package=package, merchants=[merchant], source="cmp_TEST")
    with pytest.raises(DomainError) as error:
        package_refund(balance=balance)
    assert (error.value.code, error.value.status) == ("not_refundable", 409)
    assert not LedgerTransaction.objects.exists()


def use_package_label(merchant, shipment: str) -> None:
    context = QuoteContext(merchant_id=merchant.pk, carrier_code="sandbox", service_code="std",
                           origin_province="330000", destination_province="310000", at=clock.now())
    offer = next(o for o in offers_for(context) if o.kind == PriceOfferKind.PACKAGE)
    offers_consume(merchant=merchant, offers=[offer], shipment_public_id=shipment, charged_fen=0, subsidy_fen=0)


def test_package_report_cost_is_labels_used_at_the_price_per_label(segment, package, population,
                                                                   django_assert_num_queries):
    campaign = make(segment, offer_kind="package", offer_ref=package.public_id, offer_amount_fen=0)
    services.campaign_launch(campaign=campaign)
    treated, _ = arms(campaign)
    by_pk = {m.pk: m for m in population}
    first, second = by_pk[treated[0]], by_pk[treated[1]]
    for shipment in ("shp_P1", "shp_P2", "shp_P3"):
        use_package_label(first, shipment)
    use_package_label(second, "shp_P4")
    use_package_label(second, "shp_P5")
    offers_release(merchant=second, shipment_public_id="shp_P5")   # a voided label comes back: no cost
    with django_assert_num_queries(1):
        cost = offers.offer_redemptions(campaign=campaign)
    # ¥50 for 10 labels: ¥5 a label.
    assert cost.by_merchant == {first.pk: 1500, second.pk: 500}
    assert (cost.count, cost.amount_fen) == (4, 2000)
    report = campaign_report(campaign, as_of=clock.today())
    assert (report.redemptions.amount_fen, report.granted_fen, report.offer_name) == (2000, None, package.name)
    # The labels' value is added back to the margin, per use, like a coupon's discount.
    assert sorted(fen for _pk, fen, _at in offers.offer_uses(campaign)) == [500, 500, 500, 500]


# Validation -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fields,code,field", [
    ({"offer_amount_fen": 0}, "invalid_campaign", "offer_amount_fen"),
    ({"offer_amount_fen": -100}, "invalid_campaign", "offer_amount_fen"),
    ({"offer_amount_fen": 100_001}, "invalid_campaign", "offer_amount_fen"),
    ({"offer_ref": "cpn_X"}, "invalid_campaign", "offer"),
    ({"offer_kind": "voucher"}, "invalid_campaign", "offer_kind"),
    ({"offer_kind": "coupon", "offer_ref": "COUPON", "offer_amount_fen": 500}, "invalid_campaign", "offer_amount_fen"),
    ({"offer_kind": "package", "offer_ref": "pkg_NOPE", "offer_amount_fen": 0}, "campaign_offer_unknown", "offer"),
    ({"offer_kind": "package", "offer_ref": "", "offer_amount_fen": 0}, "campaign_offer_unknown", "offer"),
    ({"offer_kind": "package", "offer_ref": "PACKAGE", "offer_amount_fen": 300}, "invalid_campaign",
     "offer_amount_fen"),
])
def test_bad_offers_are_refused_and_nothing_is_written(segment, coupon, package, fields, code, field):
    refs = {"COUPON": coupon.public_id, "PACKAGE": package.public_id}
    if fields.get("offer_ref") in refs:
        fields = fields | {"offer_ref": refs[fields["offer_ref"]]}
    with pytest.raises(DomainError) as error:
        make(segment, **fields)
    assert (error.value.code, error.value.status, error.value.details) == (code, 422, {"field": field})
    assert Campaign.objects.count() == 0
    assert not AuditLog.objects.filter(action="campaign.create").exists()


@pytest.mark.parametrize("change", [{"is_active": False}, {"use_until_days": -1}])
def test_an_unusable_package_is_refused_at_creation_and_at_launch(segment, package, population, change):
    campaign = make(segment, offer_kind="package", offer_ref=package.public_id, offer_amount_fen=0)
    if "is_active" in change:
        Package.objects.filter(pk=package.pk).update(is_active=False)
    else:
        Package.objects.filter(pk=package.pk).update(use_until=clock.now() - dt.timedelta(days=1))
    for attempt in (lambda: make(segment, offer_kind="package", offer_ref=package.public_id, offer_amount_fen=0),
                    lambda: services.campaign_launch(campaign=campaign)):
        with pytest.raises(DomainError) as error:
            attempt()
        assert (error.value.code, error.value.status) == ("campaign_offer_unavailable", 422)
    campaign.refresh_from_db()
    assert campaign.state == "draft" and campaign.assignments.count() == 0
    assert Campaign.objects.count() == 1 and not PackageBalance.objects.exists()


# API and pages --------------------------------------------------------------------------------------------------


@pytest.fixture
def api(operator_factory):
    client = Client()
    client.force_login(operator_factory(OperatorRole.MARKETING))
    return client


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def body(segment, **overrides) -> dict:
    today = clock.today()
    return {"name": "回流赠送", "segment": segment.public_id, "offer_kind": "bonus", "offer_amount_fen": 2000,
            "control_bp": 2500, "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=6)).isoformat()} | overrides


def test_api_creates_launches_and_reports_bonus_and_package_campaigns(api, segment, package, population):
    created = post(api, "/api/v1/campaigns", body(segment))
    assert created.status_code == 201
    payload = created.json()
    assert (payload["offer_kind"], payload["offer"], payload["offer_amount_fen"], payload["offer_name"]) == (
        "bonus", "", 2000, "Bonus credit ¥20.00")
    launched = post(api, f"/api/v1/campaigns/{payload['id']}/launch").json()
    assert Wallet.objects.filter(bonus_fen=2000).count() == launched["treatment"]
    report = api.get(f"/api/v1/campaigns/{payload['id']}/report").json()
    assert (report["offer_kind"], report["offer_name"], report["cost_fen"], report["granted_fen"]) == (
        "bonus", "Bonus credit ¥20.00", 0, 2000 * launched["treatment"])

    gift = post(api, "/api/v1/campaigns", body(segment, name="大促包回馈", offer_kind="package",
                                               offer=package.public_id, offer_amount_fen=0))
    assert gift.status_code == 201 and gift.json()["offer_name"] == package.name
    listed = {c["id"]: c["offer_name"] for c in api.get("/api/v1/campaigns").json()}
    assert listed == {payload["id"]: "Bonus credit ¥20.00", gift.json()["id"]: package.name}


@pytest.mark.parametrize("overrides,status,code", [
    ({"offer_amount_fen": 0}, 422, "invalid_campaign"),
    ({"offer_amount_fen": 100_001}, 422, "invalid_campaign"),
    ({"offer_amount_fen": "lots"}, 422, None),
    ({"offer_kind": "voucher"}, 422, "invalid_campaign"),
    ({"offer_kind": "coupon", "offer": "COUPON", "offer_amount_fen": 500}, 422, "invalid_campaign"),
    ({"offer_kind": "package", "offer": "pkg_NOPE", "offer_amount_fen": 0}, 422, "campaign_offer_unknown"),
    ({"offer_kind": "package", "offer": "INACTIVE", "offer_amount_fen": 0}, 422, "campaign_offer_unavailable"),
])
def test_api_refuses_bad_offers_with_4xx_and_writes_nothing(api, segment, coupon, package, overrides, status,
                                                            code):
    if overrides.get("offer") == "COUPON":
        overrides = overrides | {"offer": coupon.public_id}
    if overrides.get("offer") == "INACTIVE":
        Package.objects.filter(pk=package.pk).update(is_active=False)
        overrides = overrides | {"offer": package.public_id}
    response = post(api, "/api/v1/campaigns", body(segment, **overrides))
    assert response.status_code == status
    if code is not None:
        assert response.json()["error"]["code"] == code
    assert Campaign.objects.count() == 0


def test_form_creates_a_bonus_campaign_and_the_list_names_it_in_chinese(operator_factory, segment, package):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(operator_factory(OperatorRole.MARKETING))
    form = client.get("/operator/campaigns/new/").content.decode()
    assert package.public_id in form and 'name="amount_yuan"' in form
    today = clock.today()
    data = {"name": "回流赠送", "segment": segment.public_id, "offer_kind": "bonus", "amount_yuan": "20",
            "package": package.public_id, "control_percent": "10", "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=6)).isoformat(), "pre_days": "28", "post_days": "14"}
    missing = client.post("/operator/campaigns/new/", data | {"amount_yuan": ""})
    assert missing.status_code == 422 and Campaign.objects.count() == 0
    response = client.post("/operator/campaigns/new/", data)
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert (campaign.offer_kind, campaign.offer_ref, campaign.offer_amount_fen) == ("bonus", "", 2000)
    assert "赠送金 ¥20.00" in client.get("/operator/campaigns/").content.decode()
    detail = client.get(f"/operator/campaigns/{campaign.public_id}/").content.decode()
    assert "赠送金 ¥20.00" in detail

    data |= {"name": "大促包回馈", "offer_kind": "package", "amount_yuan": ""}
    assert client.post("/operator/campaigns/new/", data).status_code == 302
    gift = campaign_get(Campaign.objects.get(name="大促包回馈").public_id)
    assert (gift.offer_kind, gift.offer_ref, gift.offer_amount_fen) == ("package", package.public_id, 0)
    assert package.name in client.get("/operator/campaigns/").content.decode()
