"""Merchant console: the tracking-page designer with live preview, and NPS and click results; the operator's
NPS per carrier."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parcelhub.accounts.models import OperatorRole
from parcelhub.accounts.permissions import merchant_required, operator_required
from parcelhub.plans.gates import plan_feature_required
from parcelhub.tracking import page_selectors as selectors
from parcelhub.tracking import page_services as services
from parcelhub.tracking.models import TrackingPageDesign
from parcelhub.tracking.status import Status

_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", gettext_lazy("Enter a colour as #rrggbb."), code="invalid_colour")


class DesignForm(forms.ModelForm):
    primary_color = forms.CharField(label=gettext_lazy("main colour"), max_length=7, validators=[_colour],
                                    widget=forms.TextInput(attrs={"type": "color"}))
    accent_color = forms.CharField(label=gettext_lazy("accent colour"), max_length=7, validators=[_colour],
                                   widget=forms.TextInput(attrs={"type": "color"}))
    logo_url = forms.URLField(label=gettext_lazy("logo URL"), required=False, assume_scheme="https")
    shop_url = forms.URLField(label=gettext_lazy("shop link"), required=False, assume_scheme="https")

    class Meta:
        model = TrackingPageDesign
        fields = list(services.DESIGN_FIELDS)
        labels = {"show_recommendations": gettext_lazy("Show product recommendations"),
                  "show_coupon": gettext_lazy("Show coupons")}

    def clean_primary_color(self) -> str:
        return self.cleaned_data["primary_color"].lower()

    def clean_accent_color(self) -> str:
        return self.cleaned_data["accent_color"].lower()


def _sample_context(merchant, design: TrackingPageDesign, *, delivered: bool = False) -> dict:
    """A made-up parcel for the preview: what a consignee of this merchant would see mid-way, or after
    delivery (with the NPS question)."""
    now = timezone.now()
    steps_done = [(2, _("Arrived at the delivery station"), "杭州市西湖区"), (20, _("Departed the sorting centre"), "义乌市"),
                  (26, _("Picked up by the courier"), "义乌市")]
    if delivered:
        steps_done.insert(0, (1, _("Delivered, signed for by the recipient"), "杭州市西湖区"))
    events = [SimpleNamespace(occurred_at=now - dt.timedelta(hours=h), description=text, location=place)
              for h, text, place in steps_done]
    status = Status.DELIVERED if delivered else Status.ARRIVED_AT_DESTINATION_CITY
    tracking = SimpleNamespace(status=status, progress=status, delivered_at=events[0].occurred_at if delivered else None,
                               eta_earliest=timezone.localdate() + dt.timedelta(days=1),
                               eta_latest=timezone.localdate() + dt.timedelta(days=2))
    steps, percent = selectors.progress_steps(tracking)
    return {
        "preview": True, "preview_delivered": delivered, "design": design,
        "shop_name": design.display_name or merchant.name,
        "shipment": SimpleNamespace(public_id="shp_preview", waybill_no="75000000000001"),
        "tracking": tracking, "status_words": _("Delivered") if delivered else _("Arrived in the destination city"),
        "steps": steps, "percent": percent, "is_delivered": delivered, "events": events,
        "carrier_name": _("Sample Express"), "recipient_name": "张*", "recipient_phone": "138****8000",
        "blocks": selectors.page_blocks(merchant, design), "nps": None, "nps_scale": selectors.NPS_SCALE,
    }


def _designer_context(request: HttpRequest, form: DesignForm, design: TrackingPageDesign) -> dict:
    return {"form": form, "design": design, "blocks": selectors.blocks_for(request.merchant),
            **_sample_context(request.merchant, design)}


@merchant_required
@plan_feature_required("custom_tracking_page")
def page_designer(request: HttpRequest) -> HttpResponse:
    design = selectors.design_for(request.merchant)
    if request.method == "POST":
        form = DesignForm(request.POST, instance=TrackingPageDesign(merchant=request.merchant))
        if form.is_valid():
            services.page_design_save(merchant=request.merchant, actor=request.user,
                                      **{f: form.cleaned_data[f] for f in services.DESIGN_FIELDS})
            messages.success(request, _("Tracking page saved."))
            return redirect("tracking:page_designer")
        return render(request, "tracking/page/designer.html", _designer_context(request, form, design), status=400)
    if not design.pk and not design.display_name:
        design.display_name = request.merchant.name
    return render(request, "tracking/page/designer.html", _designer_context(request, DesignForm(instance=design), design))


@merchant_required
@plan_feature_required("custom_tracking_page")
@require_POST
def page_preview(request: HttpRequest) -> HttpResponse:
    """The designer's live preview: the form's current values rendered into the public template, unsaved."""
    form = DesignForm(request.POST, instance=TrackingPageDesign(merchant=request.merchant))
    form.is_valid()
    saved = selectors.design_for(request.merchant)
    design = TrackingPageDesign(merchant=request.merchant)
    for name in services.DESIGN_FIELDS:
        # A field still being typed (an invalid colour) keeps its saved value in the preview.
        value = form.cleaned_data.get(name) if name not in form.errors else getattr(saved, name)
        setattr(design, name, getattr(saved, name) if value is None else value)
    delivered = request.POST.get("preview_state") == "delivered"
    return render(request, "tracking/page/_preview.html", _sample_context(request.merchant, design, delivered=delivered))


@merchant_required
def page_results(request: HttpRequest) -> HttpResponse:
    merchant = request.merchant
    return render(request, "tracking/page/results.html", {
        "summary": selectors.nps_summary(merchant=merchant),
        "by_carrier": selectors.nps_by_carrier(merchant=merchant),
        "comments": selectors.nps_comments(merchant=merchant),
        "block_clicks": selectors.clicks_by_block(merchant=merchant),
        "day_clicks": selectors.clicks_by_day(merchant=merchant),
    })


@operator_required(OperatorRole.MARKETING, OperatorRole.SUPPORT)
def operator_nps(request: HttpRequest) -> HttpResponse:
    return render(request, "tracking/page/operator_nps.html", {
        "summary": selectors.nps_summary(), "by_carrier": selectors.nps_by_carrier()})
