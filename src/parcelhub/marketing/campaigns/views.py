"""Operator console for campaigns and regional pushes (marketing operators; administrators pass too)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcelhub.accounts.models import OperatorRole
from parcelhub.accounts.permissions import operator_required
from parcelhub.core.errors import DomainError, NotFound
from parcelhub.crm.models import Segment
from parcelhub.marketing.campaigns import presentation, selectors, services
from parcelhub.marketing.campaigns.forms import CampaignForm, RegionalPushForm
from parcelhub.marketing.campaigns.models import OfferKind
from parcelhub.marketing.campaigns.offers import offer_labels

marketing_required = operator_required(OperatorRole.MARKETING)


def _get(getter, public_id: str):
    try:
        return getter(public_id)
    except NotFound as exc:
        raise Http404 from exc


@marketing_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(selectors.campaigns())
    names = offer_labels([(c.offer_kind, c.offer_ref, c.offer_amount_fen) for c in campaigns])
    for campaign in campaigns:
        campaign.offer_name = names[(campaign.offer_kind, campaign.offer_ref, campaign.offer_amount_fen)]
    pushes = list(selectors.regional_pushes())
    names = selectors.region_name_map([code for p in pushes for code in p.treated_regions + p.comparison_regions])
    for push in pushes:
        push.treated_names = [names.get(code, code) for code in push.treated_regions]
        push.comparison_names = [names.get(code, code) for code in push.comparison_regions]
    return render(request, "campaigns/campaign_list.html", {"campaigns": campaigns, "pushes": pushes})


def _form_error(form, exc: DomainError) -> None:
    field = (exc.details or {}).get("field") if isinstance(exc.details, dict) else None
    mapping = {"control_bp": "control_percent", "offer_amount_fen": "amount_yuan",
               "offer": "package" if form.cleaned_data.get("offer_kind") == OfferKind.PACKAGE else "offer"}
    field = mapping.get(field, field)
    form.add_error(field if field in form.fields else None, exc.localized())


@marketing_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                name=data["name"], description=data["description"], segment=data["segment"],
                offer_kind=data["offer_kind"], offer_ref=form.offer_ref, offer_amount_fen=form.offer_amount_fen,
                control_bp=form.control_bp, starts_on=data["starts_on"],
                ends_on=data["ends_on"], pre_days=data["pre_days"], post_days=data["post_days"], actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Campaign created as a draft. Check the target, then launch it."))
            return redirect("campaigns:detail", public_id=campaign.public_id)
    status = 422 if request.method == "POST" else 200
    return render(request, "campaigns/campaign_form.html", {"form": form}, status=status)


@marketing_required
def target_preview(request: HttpRequest) -> HttpResponse:
    """htmx: the segment's size now and the expected split, as the form changes."""
    segment = Segment.objects.filter(public_id=request.GET.get("segment", "")).first()
    try:
        control_bp = int(float(request.GET.get("control_percent", "10")) * 100)
    except ValueError:
        control_bp = 1000
    preview = selectors.target_preview(segment, min(max(control_bp, 0), 5000)) if segment else None
    return render(request, "campaigns/_target_preview.html", {"preview": preview, "segment": segment})


@marketing_required
def campaign_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    campaign = _get(selectors.campaign_get, public_id)
    report = selectors.campaign_report(campaign)
    return render(request, "campaigns/campaign_detail.html", {
        "campaign": campaign, "report": report, "summary": presentation.campaign_summary(report),
        "rows": presentation.campaign_rows(report), "charts": presentation.campaign_charts(report),
        "preview": selectors.target_preview(campaign.segment, campaign.control_bp),
    })


def _transition(request: HttpRequest, public_id: str, action) -> HttpResponse:
    campaign = _get(selectors.campaign_get, public_id)
    try:
        action(campaign=campaign, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.localized())
    return redirect("campaigns:detail", public_id=public_id)


@marketing_required
@require_POST
def campaign_launch(request: HttpRequest, public_id: str) -> HttpResponse:
    def launch(*, campaign, actor):
        added = services.campaign_launch(campaign=campaign, actor=actor)
        messages.success(request, _("Launched: %(n)s merchants assigned.") % {"n": added})

    return _transition(request, public_id, launch)


@marketing_required
@require_POST
def campaign_stop(request: HttpRequest, public_id: str) -> HttpResponse:
    def stop(*, campaign, actor):
        services.campaign_stop(campaign=campaign, actor=actor)
        messages.success(request, _("Stopped: nobody new receives the offer. The evaluation goes on."))

    return _transition(request, public_id, stop)


@marketing_required
def push_create(request: HttpRequest) -> HttpResponse:
    form = RegionalPushForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            push = services.regional_push_create(
                name=data["name"], description=data["description"], treated_regions=form.codes(data["treated_regions"]),
                comparison_regions=form.codes(data["comparison_regions"]), starts_on=data["starts_on"],
                ends_on=data["ends_on"], pre_days=data["pre_days"], actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("campaigns:push_detail", public_id=push.public_id)
    status = 422 if request.method == "POST" else 200
    return render(request, "campaigns/push_form.html", {"form": form}, status=status)


@marketing_required
def push_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    push = _get(selectors.regional_push_get, public_id)
    report = selectors.regional_push_report(push)
    return render(request, "campaigns/push_detail.html", {
        "push": push, "report": report, "rows": presentation.push_rows(report),
        "chart": presentation.push_chart(report)})
