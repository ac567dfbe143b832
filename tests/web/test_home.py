"""After login each kind of user lands on a page it may open."""

from __future__ import annotations

import pytest

from parcelhub.accounts.models import OperatorRole


@pytest.mark.parametrize(("role", "start"), [
    (OperatorRole.ADMIN, "/operator/carriers/"),
    (OperatorRole.PRICING, "/operator/carriers/"),
    (OperatorRole.MARKETING, "/operator/campaigns/"),
    (OperatorRole.ACCOUNT_MANAGER, "/operator/workbench/"),
    (OperatorRole.SALES, "/operator/merchants/"),
    (OperatorRole.RISK, "/operator/wallets/"),
])
def test_each_operator_role_starts_on_a_page_it_may_open(client, operator_factory, role, start):
    client.force_login(operator_factory(role))
    response = client.get("/")
    assert (response.status_code, response.url) == (302, start)
    assert client.get(start).status_code == 200


def test_a_merchant_starts_at_its_orders(client, merchant_a):
    client.force_login(merchant_a[1])
    response = client.get("/")
    assert (response.status_code, response.url) == (302, "/orders/")
