"""Merchant console for tracking (parcel list, exception board) and the operator's lane scores."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcelhub.accounts.models import OperatorRole
from parcelhub.accounts.permissions import merchant_required, operator_required
from parcelhub.core.errors import DomainError
from parcelhub.tracking import selectors
from parcelhub.tracking.exceptions import SUGGESTED, issue_act
from parcelhub.tracking.models import EXCEPTION_CHOICES, STATUS_CHOICES, TrackingIssue


@merchant_required
def tracking_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.TrackingFilters(status=request.GET.get("status", ""), issue=request.GET.get("issue", ""),
                                        exception_kind=request.GET.get("exception", ""),
                                        query=request.GET.get("q", "").strip()[:64])
    page = Paginator(selectors.trackings_filtered(request.merchant, filters), 50).get_page(request.GET.get("page"))
    counts = selectors.status_counts(request.merchant)
    issue_counts = selectors.open_issue_counts(request.merchant)
    return render(request, "tracking/console/tracking_list.html", {
        "page": page, "filters": filters,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in STATUS_CHOICES],
        "total": sum(counts.values()),
        "exception_kinds": EXCEPTION_CHOICES,
        "issue_kinds": [(value, label, issue_counts.get(value, 0)) for value, label in TrackingIssue.Kind.choices],
    })


@merchant_required
def exception_board(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    issues = list(selectors.open_issues(request.merchant, kind)[:200])
    actions = dict(TrackingIssue.Action.choices)
    rows = [{"issue": issue, "actions": [(code, actions[code]) for code in SUGGESTED[issue.kind]]}
            for issue in issues]
    counts = selectors.open_issue_counts(request.merchant)
    return render(request, "tracking/console/exceptions.html", {
        "rows": rows, "kind": kind,
        "kinds": [(value, label, counts.get(value, 0)) for value, label in TrackingIssue.Kind.choices],
        "acted": selectors.recent_acted_issues(request.merchant),
        "lanes": selectors.lane_scores(merchant=request.merchant)[:20],
    })


@require_POST
@merchant_required
def issue_action(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.issue_get(request.merchant, pk)
    try:
        result = issue_act(issue=issue, action=request.POST.get("action", ""),
                           note=request.POST.get("note", "")[:200], actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.localized())
    else:
        if result.reshipment is not None:
            url = reverse("shipping:shipment_detail", args=[result.reshipment.public_id])
            messages.success(request, format_html(_('A new draft shipment <a href="{}">{}</a> was created: '
                                                    'buy its label to send the parcel again.'),
                                                  url, result.reshipment.public_id))
        else:
            messages.success(request, _("Recorded: %(action)s.") % {"action": result.issue.get_action_display()})
    return redirect(f"{reverse('tracking:exceptions')}?kind={request.POST.get('kind', '')}")


@operator_required(OperatorRole.PRICING, OperatorRole.SUPPORT)
def lane_scores(request: HttpRequest) -> HttpResponse:
    carrier = request.GET.get("carrier", "").strip()[:16]
    return render(request, "tracking/console/lane_scores.html", {
        "lanes": selectors.lane_scores(carrier=carrier)[:500], "carrier": carrier})
