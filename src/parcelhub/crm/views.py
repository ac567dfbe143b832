"""Operator pages: the merchant list and the merchant 360 (notes, upsell offers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parcelhub.accounts.models import Industry, Merchant, OperatorRole
from parcelhub.accounts.permissions import operator_required
from parcelhub.billing.models import Wallet
from parcelhub.core import clock
from parcelhub.core.errors import DomainError, NotFound
from parcelhub.crm import merchant360 as m360
from parcelhub.crm.churn.selectors import churn_risk, churn_risks, volume_with_baseline
from parcelhub.crm.models import Belt, Lifecycle, Segment, UpsellKind, UpsellOffer, VolumeBand
from parcelhub.crm.onboarding import merchant_onboarding
from parcelhub.crm.segments import definition_from_params, definition_to_params, segment_merchants
from parcelhub.crm.selectors import merchant_profile
from parcelhub.crm.services import note_add
from parcelhub.crm.upsell import recommendations, upsell_decide, upsell_offer
from parcelhub.crm.workbench.selectors import account_manager, merchant_clv_fen, open_tasks
from parcelhub.marketing.models import Tier
from parcelhub.marketing.selectors import current_tier
from parcelhub.plans.models import Plan
from parcelhub.plans.selectors import current_plan
from parcelhub.web.charts import line_chart

CRM_ROLES = (OperatorRole.ACCOUNT_MANAGER, OperatorRole.MARKETING, OperatorRole.SALES, OperatorRole.SUPPORT)
crm_required = operator_required(*CRM_ROLES)
MERCHANTS_PER_PAGE = 50
PLAN_STATUS = {"trial": gettext_lazy("trial"), "active": gettext_lazy("active"), "grace": gettext_lazy("in grace"),
               "expired": gettext_lazy("expired")}


def merchant_for_operator(public_id: str) -> Merchant:
    merchant = Merchant.objects.filter(public_id=public_id).first()
    if merchant is None:
        raise NotFound("merchant", "商户")
    return merchant


def filters_context(selected: dict, choices: dict | None = None) -> dict:
    """The filter fields shared by the merchant list and the segment editor: options, titles, what is ticked."""
    return {
        "choices": choices or filter_choices(), "selected": selected,
        "filter_titles": [("volume_band", _("Volume band")), ("lifecycle", _("Lifecycle")),
                          ("belt", _("Industrial belt")), ("industry", _("Industry")), ("plan", _("Plan")),
                          ("tier", _("Tier"))],
        "rfm_letters": [("r", _("Recency")), ("f", _("Frequency")), ("m", _("Monetary"))],
    }


def filter_choices() -> dict:
    return {
        "volume_band": VolumeBand.choices, "lifecycle": Lifecycle.choices, "belt": Belt.choices,
        "industry": Industry.choices,
        "plan": list(Plan.objects.order_by("rank", "code").values_list("code", "name")),
        "tier": [(t.code, t.display_name(translation.get_language())) for t in Tier.objects.order_by("rank")],
        "rfm_scores": (1, 2, 3, 4, 5),
    }


def _merchant_rows(definition: dict, query: str):
    merchants = segment_merchants(definition)
    if query:
        merchants = merchants.filter(Q(name__icontains=query) | Q(public_id__iexact=query)
                                     | Q(contact_name__icontains=query) | Q(phone__icontains=query))
    return (merchants.select_related("crm_profile", "value", "am_assignment__manager")
            .order_by(F("crm_profile__shipments_30d").desc(nulls_last=True), "name", "pk"))


@crm_required
def merchant_list(request: HttpRequest) -> HttpResponse:
    segment = None
    segment_id = request.GET.get("segment", "")
    try:
        definition = definition_from_params(request.GET)
        if segment_id:
            segment = Segment.objects.filter(public_id=segment_id).first()
            if segment is None:
                raise NotFound("segment", "分群")
            definition = {**segment.definition, **definition}
        merchants = _merchant_rows(definition, request.GET.get("q", "").strip())
        error = ""
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        definition, merchants, error = {}, Merchant.objects.none(), exc.localized()
    page = Paginator(merchants, MERCHANTS_PER_PAGE).get_page(request.GET.get("page"))
    risks = _risk_by_merchant(list(page))
    for m in page:
        m.churn_risk, m.churn_risk_level = risks.get(m.pk, (None, ""))
    keep = [(k, value) for k, values in request.GET.lists() if k != "page" for value in values]
    choices = filter_choices()
    return render(request, "crm/merchant_list.html", {
        "plan_names": dict(choices["plan"]), "tier_names": dict(choices["tier"]),
        "page": page, "segments": Segment.objects.all(), "segment": segment, "error": error,
        **filters_context(dict(request.GET.lists()), choices), "query": request.GET.get("q", ""), "tab": "merchants",
        "keep_query": urlencode(keep), "save_query": urlencode(definition_to_params(definition)),
    })


def _risk_by_merchant(merchants: list[Merchant]) -> dict[int, tuple[float, str]]:
    return {pk: (risk.score, risk.level) for pk, risk in churn_risks(merchants).items()}


def _profile_context(merchant: Merchant) -> dict:
    today = clock.today()
    profile = merchant_profile(merchant, today=today)
    dates, actual, baseline = volume_with_baseline(merchant, days=m360.CHART_DAYS)
    service = m360.service_quality(merchant, today=today)
    wallet = Wallet.objects.filter(merchant=merchant).first()
    churn = churn_risk(merchant)
    health, health_reasons = m360.health(profile, service, wallet, churn.score)
    onboarding = merchant_onboarding(merchant)
    plan = current_plan(merchant)
    return {
        "merchant": merchant, "profile": profile, "tier": current_tier(merchant), "plan": plan,
        "plan_status": PLAN_STATUS.get(plan.status, plan.status),
        "wallet": wallet, "service": service, "churn": churn, "health": health, "health_reasons": health_reasons,
        "volume_chart": line_chart(
            title="", x_labels=[d.strftime("%m-%d") for d in dates],
            series={_("Shipments"): actual, _("Seasonal baseline"): baseline}, height=260),
        "carrier_mix": m360.carrier_mix(merchant, today=today), "cost_lines": m360.cost_structure(merchant, today=today),
        "account_manager": account_manager(merchant), "clv_fen": merchant_clv_fen(merchant),
        "tasks": list(open_tasks(merchant)[:10]), "onboarding": onboarding,
        "timeline": m360.timeline(merchant, onboarding=onboarding),
        "recommendations": recommendations(merchant, plan_code=plan.code, volume_band=profile.volume_band,
                                           shipments_30d=profile.shipments_30d, today=today),
        "offers": list(UpsellOffer.objects.filter(merchant=merchant).select_related("offered_by")[:20]),
    }


@crm_required
def merchant_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return render(request, "crm/merchant_360.html", _profile_context(merchant_for_operator(public_id)))


@crm_required
@require_POST
def merchant_note(request: HttpRequest, public_id: str) -> HttpResponse:
    merchant = merchant_for_operator(public_id)
    try:
        note_add(merchant=merchant, text=request.POST.get("text", ""), actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.localized())
    else:
        messages.success(request, _("Note added."))
    return redirect(reverse("crm:merchant_detail", args=[public_id]) + "#timeline")


@crm_required
@require_POST
def merchant_upsell_offer(request: HttpRequest, public_id: str) -> HttpResponse:
    merchant = merchant_for_operator(public_id)
    kind = request.POST.get("kind", "")
    reasons = request.POST.getlist("reason")
    try:
        upsell_offer(merchant=merchant, kind=kind, reasons=reasons, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.localized())
    else:
        messages.success(request, _("Offer recorded: %(what)s.") % {"what": UpsellKind(kind).label})
    return redirect(reverse("crm:merchant_detail", args=[public_id]) + "#upsell")


@crm_required
@require_POST
def upsell_answer(request: HttpRequest, public_id: str) -> HttpResponse:
    offer = UpsellOffer.objects.select_related("merchant").filter(public_id=public_id).first()
    if offer is None:
        raise NotFound("offer", "推荐")
    try:
        upsell_decide(offer=offer, accepted=request.POST.get("answer") == "accepted", actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.localized())
    return redirect(reverse("crm:merchant_detail", args=[offer.merchant.public_id]) + "#upsell")
