from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from parcelhub.accounts.models import OperatorRole
from parcelhub.billing import services
from parcelhub.billing.models import LedgerTransaction, Wallet
from parcelhub.billing.selectors import wallet_for
from parcelhub.core.models import AuditLog
from tests.billing.conftest import fund

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def a_history(mch_a, clock_at):
    clock_at(2027, 2, 20, 10, 0)
    fund(mch_a, 20_000)
    clock_at(2027, 3, 2, 10, 0)
    services.wallet_charge(merchant=mch_a, amount_fen=1_442, cost_fen=1_100, carrier_code="sf", reference="shp_a1",
                           memo="杭州 → 乌鲁木齐", lines=[("first_weight", 1_000), ("fuel_surcharge", 442)])
    clock_at(2027, 3, 15, 10, 0)
    return mch_a


# Merchant wallet page

def test_wallet_page_shows_balance_transactions_lines_and_statements(console_a, a_history):
    response = console_a.get(reverse("billing:wallet"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<strong id="balance">¥185.58</strong>' in html
    assert "shp_a1" in html and "杭州 → 乌鲁木齐" in html and "Fuel surcharge" in html and "¥4.42" in html
    assert reverse("billing:statement_download", kwargs={"month": "2027-03", "fmt": "pdf"}) in html
    assert reverse("billing:statement_download", kwargs={"month": "2027-02", "fmt": "csv"}) in html
    assert "carrier_payable" not in html and "¥11.00" not in html  # the platform's cost stays private


def test_wallet_page_query_count_does_not_grow_with_transactions(console_a, mch_a, django_assert_max_num_queries):
    fund(mch_a, 100_000)
    for i in range(25):
        services.wallet_charge(merchant=mch_a, amount_fen=100, cost_fen=80, carrier_code="zto", reference=f"s{i}",
                               lines=[("first_weight", 100)])
    with django_assert_max_num_queries(12):
        assert console_a.get(reverse("billing:wallet")).status_code == 200


def test_wallet_page_needs_a_merchant_user(operator_factory):
    assert Client().get(reverse("billing:wallet")).status_code == 302
    assert login(operator_factory()).get(reverse("billing:wallet")).status_code == 403


def test_statement_downloads(console_a, a_history):
    csv_response = console_a.get(reverse("billing:statement_download", kwargs={"month": "2027-03", "fmt": "csv"}))
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response["Content-Disposition"] == (
        f'attachment; filename="statement-{a_history.public_id}-2027-03.csv"')
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    assert b"closing_balance" in csv_response.content and b"185.58" in csv_response.content
    pdf_response = console_a.get(reverse("billing:statement_download", kwargs={"month": "2027-03", "fmt": "pdf"}))
    assert (pdf_response.status_code, pdf_response["Content-Type"]) == (200, "application/pdf")
    assert pdf_response.content.startswith(b"%PDF")


@pytest.mark.parametrize("path", ["/wallet/statements/2027-04.csv", "/wallet/statements/2027-13.pdf",
                                  "/wallet/statements/2027-03.xlsx", "/wallet/statements/1999-12.csv"])
def test_future_or_malformed_statements_are_404(console_a, a_history, path):
    assert console_a.get(path).status_code == 404


def test_merchant_b_gets_its_own_statement_not_as(console_b, a_history):
    response = console_b.get(reverse("billing:statement_download", kwargs={"month": "2027-03", "fmt": "csv"}))
    assert response.status_code == 200
    assert b"shp_a1" not in response.content and b"185.58" not in response.content
    page = console_b.get(reverse("billing:wallet")).content.decode()
    assert "shp_a1" not in page and '<strong id="balance">¥0.00</strong>' in page


# Operator pages

def operator_urls(merchant) -> list[str]:
    return [reverse("billing:operator_wallets"), reverse("billing:operator_wallets") + "?q=义乌",
            reverse("billing:operator_wallet_detail", args=[merchant.public_id]),
            reverse("billing:operator_statement_download",
                    kwargs={"public_id": merchant.public_id, "month": "2027-03", "fmt": "pdf"})]


@pytest.mark.parametrize("role", [OperatorRole.RISK, OperatorRole.SUPPORT, OperatorRole.ADMIN])
def test_risk_support_and_admins_open_the_operator_pages(a_history, operator_factory, role):
    client = login(operator_factory(role))
    for url in operator_urls(a_history):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", [OperatorRole.PRICING, OperatorRole.MARKETING])
def test_other_operators_and_merchants_get_403(a_history, operator_factory, console_a, role):
    client = login(operator_factory(role))
    urls = operator_urls(a_history)
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert console_a.get(url).status_code == 403, url
    adjust = reverse("billing:operator_wallet_adjust", args=[a_history.public_id])
    credit = reverse("billing:operator_wallet_credit", args=[a_history.public_id])
    for poster in (client, console_a):
        assert poster.post(adjust, {"amount": "1000", "reason": "gift"}).status_code == 403
        assert poster.post(credit, {"credit_limit": "1000"}).status_code == 403
    wallet = wallet_for(a_history)
    assert (wallet.balance_fen, wallet.credit_limit_fen) == (18_558, 0)
    assert LedgerTransaction.objects.filter(kind="adjustment").count() == 0


def test_anonymous_visitors_are_sent_to_log_in(a_history):
    for url in operator_urls(a_history):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_operator_list_shows_balances_and_searches(a_history, mch_b, operator_factory):
    client = login(operator_factory(OperatorRole.SUPPORT))
    html = client.get(reverse("billing:operator_wallets")).content.decode()
    assert a_history.name in html and mch_b.name in html and "¥185.58" in html
    found = client.get(reverse("billing:operator_wallets"), {"q": mch_b.public_id}).content.decode()
    assert mch_b.name in found and a_history.name not in found
    assert "No merchants match." in client.get(reverse("billing:operator_wallets"), {"q": "nobody"}).content.decode()
    # Listing never creates wallets.
    assert Wallet.objects.filter(merchant=mch_b).count() == 0


def test_operator_list_query_count_is_flat(mch_a, operator_factory, django_assert_max_num_queries):
    from tests.conftest import make_merchant

    for i in range(20):
        fund(make_merchant(f"商户{i}", f"m{i}@x.example")[0], 1_000 + i)
    client = login(operator_factory(OperatorRole.RISK))
    with django_assert_max_num_queries(6):
        assert client.get(reverse("billing:operator_wallets")).status_code == 200


def test_operator_detail_shows_every_entry(a_history, operator_factory):
    html = login(operator_factory(OperatorRole.RISK)).get(
        reverse("billing:operator_wallet_detail", args=[a_history.public_id])).content.decode()
    assert '<strong id="balance">¥185.58</strong>' in html
    assert "Carrier payable sf" in html and "¥11.00" in html and "Platform revenue" in html


def test_unknown_merchant_is_404(operator_factory):
    assert login(operator_factory(OperatorRole.RISK)).get(
        reverse("billing:operator_wallet_detail", args=["mch_NOPE"])).status_code == 404


def test_operator_posts_an_adjustment(a_history, operator_factory):
    risk = operator_factory(OperatorRole.RISK)
    client = login(risk)
    url = reverse("billing:operator_wallet_adjust", args=[a_history.public_id])
    response = client.post(url, {"amount": "-85.58", "reason": "补差价"}, follow=True)
    assert response.redirect_chain == [(reverse("billing:operator_wallet_detail", args=[a_history.public_id]), 302)]
    assert "of -¥85.58 posted." in response.content.decode()
    assert wallet_for(a_history).balance_fen == 10_000
    txn = LedgerTransaction.objects.get(kind="adjustment")
    assert (txn.memo, txn.actor) == ("补差价", risk)
    assert AuditLog.objects.get(action="wallet.adjust").actor == risk


@pytest.mark.parametrize(("data", "message"), [
    ({"amount": "10", "reason": ""}, "This field is required."),
    ({"amount": "1.234", "reason": "x"}, "Enter an amount in yuan with at most two decimals."),
    ({"amount": "0", "reason": "x"}, "The adjustment must be a non-zero amount"),
    ({"amount": "-185.59", "reason": "x"}, "Insufficient wallet balance"),
])
def test_bad_adjustments_are_shown_and_write_nothing(a_history, operator_factory, data, message):
    client = login(operator_factory(OperatorRole.SUPPORT))
    response = client.post(reverse("billing:operator_wallet_adjust", args=[a_history.public_id]), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert wallet_for(a_history).balance_fen == 18_558
    assert LedgerTransaction.objects.filter(kind="adjustment").count() == 0


def test_operator_sets_the_credit_limit(a_history, operator_factory):
    client = login(operator_factory(OperatorRole.RISK))
    url = reverse("billing:operator_wallet_credit", args=[a_history.public_id])
    response = client.post(url, {"credit_limit": "2,000"}, follow=True)
    assert "The credit limit is now ¥2000.00." in response.content.decode()
    assert wallet_for(a_history).credit_limit_fen == 200_000
    assert client.post(url, {"credit_limit": "-1"}).status_code == 422
    assert client.post(url, {"credit_limit": "1000000.01"}).status_code == 422
    assert wallet_for(a_history).credit_limit_fen == 200_000
