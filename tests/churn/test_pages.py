"""The operator's churn alert board and outcomes report: roles, ranking, filters, outcome buttons."""

from __future__ import annotations

import pytest
from django.test import Client

from parcelhub.crm.churn.models import AlertState, ChurnAlert
from parcelhub.crm.churn.services import churn_scan_run
from tests.churn.conftest import TODAY
from tests.churn.test_services import stopped  # noqa: F401 - the fixture


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alerts(stopped):  # noqa: F811
    churn_scan_run(today=TODAY)
    return {a.merchant_id: a for a in ChurnAlert.objects.all()}


def test_the_board_ranks_open_alerts_by_score(alerts, stopped, operator_factory,  # noqa: F811
                                              django_assert_max_num_queries):
    client = client_for(operator_factory("account_manager"))
    waist, tail = alerts[stopped[0].pk], alerts[stopped[1].pk]
    ChurnAlert.objects.filter(pk=tail.pk).update(score=0.42)
    with django_assert_max_num_queries(12):
        page = client.get("/operator/churn/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(f'data-alert="{waist.public_id}"') < html.index(f'data-alert="{tail.public_id}"')
    ChurnAlert.objects.filter(pk=waist.pk).update(score=0.3)
    html = client.get("/operator/churn/").content.decode()
    assert html.index(f'data-alert="{tail.public_id}"') < html.index(f'data-alert="{waist.public_id}"')
    assert "volume −100% vs baseline over 2 days" in html


def test_filters_narrow_the_board(alerts, stopped, operator_factory):  # noqa: F811
    client = client_for(operator_factory("marketing"))
    html = client.get("/operator/churn/", {"action": "offer"}).content.decode()
    assert alerts[stopped[1].pk].public_id in html and alerts[stopped[0].pk].public_id not in html
    html = client.get("/operator/churn/", {"state": "recovered"}).content.decode()
    assert "No alerts match." in html


def test_an_outcome_button_closes_the_alert_and_returns_its_row(alerts, stopped, operator_factory):  # noqa: F811
    client = client_for(operator_factory("account_manager"))
    alert = alerts[stopped[0].pk]
    response = client.post(f"/operator/churn/{alert.public_id}/outcome", {"state": "recovered"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="alert-{alert.public_id}"' in response.content.decode()
    alert.refresh_from_db()
    assert (alert.state, alert.outcome_on) == (AlertState.RECOVERED, TODAY)
    again = client.post(f"/operator/churn/{alert.public_id}/outcome", {"state": "churned"}, HTTP_HX_REQUEST="true")
    assert "This alert already has an outcome." in again.content.decode()
    alert.refresh_from_db()
    assert alert.state == AlertState.RECOVERED


@pytest.mark.parametrize("role", ["support", "pricing"])
def test_other_roles_and_merchants_are_refused_and_change_nothing(alerts, stopped, operator_factory, role):  # noqa: F811
    alert = alerts[stopped[0].pk]
    client = client_for(operator_factory(role))
    assert client.get("/operator/churn/").status_code == 403
    assert client.post(f"/operator/churn/{alert.public_id}/outcome", {"state": "churned"}).status_code == 403
    merchant_user = stopped[0].users.first()
    assert client_for(merchant_user).get("/operator/churn/").status_code == 403
    assert Client().get("/operator/churn/").status_code == 302
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN


def test_an_unknown_alert_is_404(alerts, operator_factory):
    client = client_for(operator_factory("account_manager"))
    assert client.post("/operator/churn/chn_nope/outcome", {"state": "churned"}).status_code == 404


def test_the_report_counts_outcomes_by_action(alerts, stopped, operator_factory):  # noqa: F811
    client = client_for(operator_factory("account_manager"))
    alerts[stopped[0].pk].state = AlertState.RECOVERED
    alerts[stopped[0].pk].outcome_on = TODAY
    alerts[stopped[0].pk].save()
    page = client.get("/operator/churn/outcomes/", {"days": "90"})
    assert page.status_code == 200
    html = page.content.decode()
    by_action = html[html.index('id="by-action"'):html.index('id="by-kind"')]
    # Account-manager task: 1 alert, 0 open, 1 recovered, 0 churned, 0 dismissed, 100 %.
    assert '<th>Account-manager task</th><td class="num">1</td><td class="num">0</td><td class="num">1</td>' \
        '<td class="num">0</td><td class="num">0</td><td class="num">100%</td>' in by_action
    assert '<th>Automated retention offer</th><td class="num">1</td><td class="num">1</td>' in by_action


def test_the_board_in_chinese(alerts, operator_factory):
    client = client_for(operator_factory("account_manager"))
    html = client.get("/operator/churn/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "近2天发货量较基线下降100%" in html
    assert "预警看板" in html and "客户经理任务" in html and "自动挽留优惠" in html
