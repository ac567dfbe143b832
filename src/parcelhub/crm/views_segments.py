"""Operator pages: saved segments (sizes over time, editor with a live count), the onboarding funnel, the upsell
report and the CRM thresholds."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcelhub.accounts.models import OperatorRole
from parcelhub.accounts.permissions import operator_required
from parcelhub.core import clock
from parcelhub.core.errors import DomainError, NotFound
from parcelhub.crm.models import CrmSettings, Milestone, Segment, SegmentSize, UpsellOffer
from parcelhub.crm.onboarding import onboarding_funnel, stalled_merchants
from parcelhub.crm.segments import definition_from_params, segment_merchants
from parcelhub.crm.selectors import crm_settings
from parcelhub.crm.services import crm_settings_save, segment_create, segment_update
from parcelhub.crm.upsell import upsell_report
from parcelhub.crm.views import crm_required, filters_context
from parcelhub.web.charts import bar_chart, line_chart

SIZE_DAYS = 60
marketing_required = operator_required(OperatorRole.MARKETING)


def _sizes_chart(segments: list[Segment]) -> str:
    first = clock.today() - dt.timedelta(days=SIZE_DAYS - 1)
    days = [first + dt.timedelta(days=i) for i in range(SIZE_DAYS)]
    sizes: dict[int, dict[dt.date, int]] = {}
    for segment_id, day, size in SegmentSize.objects.filter(day__gte=first).values_list("segment_id", "day", "size"):
        sizes.setdefault(segment_id, {})[day] = size
    series = {s.name: [sizes.get(s.pk, {}).get(day) for day in days] for s in segments if s.pk in sizes}
    if not series:
        return ""
    return line_chart(title="", x_labels=[d.strftime("%m-%d") for d in days], series=series, height=280)


@crm_required
def segment_list(request: HttpRequest) -> HttpResponse:
    segments = list(Segment.objects.select_related("created_by"))
    counts = {s.pk: segment_merchants(s.definition).count() for s in segments}
    return render(request, "crm/segment_list.html", {
        "rows": [(s, counts[s.pk]) for s in segments], "sizes_chart": _sizes_chart(segments), "tab": "segments"})


def _editor(request: HttpRequest, segment: Segment | None) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    error, status = "", 200
    if request.method == "POST":
        try:
            definition = definition_from_params(request.POST)
            fields = {"name": request.POST.get("name", ""), "description": request.POST.get("description", ""),
                      "definition": definition, "actor": request.user}
            segment = segment_update(segment=segment, **fields) if segment else segment_create(**fields)
        except DomainError as exc:
            error, status = exc.localized(), exc.status
        else:
            messages.success(request, _("Segment “%(name)s” saved.") % {"name": segment.name})
            return redirect("crm:segment_list")
    if segment is not None and request.method != "POST":
        selected = {}
        for key, value in segment.definition.items():
            if key == "rfm":
                selected.update({bound: [str(n)] for bound, n in value.items()})
            else:
                selected[key] = [str(v) for v in (value if isinstance(value, list) else [value])]
        name, description = segment.name, segment.description
    else:
        selected = dict(source.lists())
        name, description = source.get("name", ""), source.get("description", "")
    return render(request, "crm/segment_form.html", {
        "segment": segment, **filters_context(selected), "name": name, "tab": "segments",
        "description": description, "error": error, "count": _count_or_error(source if selected else {}),
    }, status=status)


def _count_or_error(params) -> tuple[int | None, str]:
    try:
        definition = definition_from_params(params) if params else {}
        return segment_merchants(definition).count(), ""
    except DomainError as exc:
        return None, exc.localized()


@marketing_required
def segment_new(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@marketing_required
def segment_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    segment = Segment.objects.filter(public_id=public_id).first()
    if segment is None:
        raise NotFound("segment", "分群")
    return _editor(request, segment)


@crm_required
def segment_count(request: HttpRequest) -> HttpResponse:
    """The editor's live count (htmx): how many active merchants the filters in the form match now."""
    return render(request, "crm/_segment_count.html", {"count": _count_or_error(request.GET)})


@crm_required
def onboarding(request: HttpRequest) -> HttpResponse:
    by = "cohort" if request.GET.get("by") == "cohort" else "channel"
    rows = onboarding_funnel(by=by, since=clock.today() - dt.timedelta(days=365))
    labels = [str(label) for label in Milestone.labels]
    shown = rows[-12:] if by == "cohort" else rows[:6]
    chart = bar_chart(title="", x_labels=labels, series={row.label: row.shares for row in shown}, height=320) \
        if rows else ""
    return render(request, "crm/onboarding.html", {
        "by": by, "rows": rows, "milestones": labels, "chart": chart,
        "stalled": stalled_merchants()[:50], "stall_days": crm_settings().onboarding_stall_days,
        "tab": "onboarding"})


@crm_required
def upsell(request: HttpRequest) -> HttpResponse:
    return render(request, "crm/upsell.html", {
        "report": upsell_report(since=clock.today() - dt.timedelta(days=365)),
        "offers": UpsellOffer.objects.select_related("merchant", "offered_by")[:50], "tab": "upsell"})


class CrmSettingsForm(forms.ModelForm):
    class Meta:
        model = CrmSettings
        fields = ["waist_min_30d", "head_min_30d", "new_days", "activated_labels", "at_risk_days", "dormant_days",
                  "churned_days", "drop_share_pct", "onboarding_stall_days"]
        help_texts = {"drop_share_pct": gettext_lazy("An active merchant whose last 30 days fall below this share "
                                                     "of its usual month counts as at risk.")}


@marketing_required
def settings_page(request: HttpRequest) -> HttpResponse:
    form = CrmSettingsForm(request.POST or None, instance=crm_settings())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                crm_settings_save(actor=request.user, **{k: form.cleaned_data[k] for k in form.Meta.fields})
            except DomainError as exc:
                form.add_error(None, exc.localized())
            else:
                messages.success(request, _("CRM settings saved. Profiles use them from the next refresh."))
                return redirect("crm:settings")
        status = 422
    return render(request, "crm/settings.html", {"form": form, "tab": "settings"}, status=status)
