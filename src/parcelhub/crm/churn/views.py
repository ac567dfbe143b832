"""Operator pages: the churn alert board (open alerts ranked by score, outcome buttons, filters) and the outcomes
report (how alerts ended, recovery rate by action)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcelhub.accounts.models import OperatorRole
from parcelhub.accounts.permissions import operator_required
from parcelhub.core import clock
from parcelhub.core.errors import DomainError, NotFound
from parcelhub.crm.churn.models import BAND_LABELS, AlertAction, AlertKind, AlertState
from parcelhub.crm.churn.selectors import BoardFilters, alert_for_operator, alerts_board, outcomes_report
from parcelhub.crm.churn.services import alert_outcome_set
from parcelhub.web.charts import bar_chart

churn_required = operator_required(OperatorRole.ACCOUNT_MANAGER, OperatorRole.MARKETING)
ALERTS_PER_PAGE = 50
REPORT_DAYS = (90, 180, 365)


def _filters(request: HttpRequest) -> BoardFilters:
    get = request.GET
    return BoardFilters(state=get.get("state", AlertState.OPEN), kind=get.get("kind", ""),
                        action=get.get("action", ""), band=get.get("band", ""), q=get.get("q", "").strip()[:80])


@churn_required
def board(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = Paginator(alerts_board(filters), ALERTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "filters": filters, "query": query.urlencode(), "states": AlertState.choices,
               "kinds": AlertKind.choices, "actions": AlertAction.choices,
               "bands": list(BAND_LABELS.items()), "tab": "board"}
    template = "churn/_board_rows.html" if request.htmx and request.htmx.target == "results" else "churn/board.html"
    return render(request, template, context)


@churn_required
@require_POST
def outcome(request: HttpRequest, public_id: str) -> HttpResponse:
    alert = alert_for_operator(public_id)
    if alert is None:
        raise NotFound("churn alert", "流失预警")
    error = ""
    try:
        alert = alert_outcome_set(alert=alert, state=request.POST.get("state", ""), actor=request.user,
                                  note=request.POST.get("note", ""))
    except DomainError as exc:
        error = exc.localized()
    if request.htmx:
        return render(request, "churn/_alert_row.html", {"alert": alert, "error": error})
    if error:
        messages.error(request, error)
    return redirect("churn:board")


@churn_required
def report(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.GET.get("days", 180))
    except ValueError:
        days = 180
    days = days if days in REPORT_DAYS else 180
    since = clock.today() - dt.timedelta(days=days)
    data = outcomes_report(since=since)
    rates = [(row.label, row.recovery_rate) for row in data["action"] if row.recovery_rate is not None]
    chart = bar_chart(title="", x_labels=[label for label, _rate in rates],
                      series={_("Recovery rate (%)"): [round(100 * rate) for _label, rate in rates]},
                      height=240) if rates else ""
    return render(request, "churn/report.html", {"report": data, "days": days, "choices": REPORT_DAYS,
                                                 "since": since, "chart": chart, "tab": "report"})
