from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcelhub.accounts import selectors, services
from parcelhub.accounts.forms import ApiKeyForm, ShippingSettingsForm, SignupForm
from parcelhub.accounts.permissions import merchant_required
from parcelhub.core.errors import DomainError
from parcelhub.geo.selectors import region_from_text


def signup(request: HttpRequest) -> HttpResponse:
    channel = request.GET.get("ch", "")
    form = SignupForm(request.POST or None, initial={"channel": channel})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            region, detail = region_from_text(data["origin"])
            result = services.merchant_signup(
                company_name=data["company_name"], contact_name=data["contact_name"], phone=data["phone"],
                email=data["email"], password=data["password"], industry=data["industry"],
                expected_monthly_volume=data["expected_monthly_volume"], origin_region=region,
                origin_address=detail, acquisition_channel=data["channel"],
            )
        except DomainError as exc:
            form.add_error(_field_for(exc.code), exc.localized())
        else:
            login(request, result.owner, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to ParcelHub. Compare carrier prices to get started."))
            return redirect("rating:compare")
    return render(request, "accounts/signup.html", {"form": form, "channel": channel})


def _field_for(error_code: str) -> str | None:
    if error_code == "email_taken":
        return "email"
    if error_code == "weak_password":
        return "password"
    if error_code.startswith("address_") or error_code.startswith("region_"):
        return "origin"
    return None


@merchant_required
def api_keys(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        key, new_key = services.api_key_create(merchant=request.merchant, name=form.cleaned_data["name"],
                                               mode=form.cleaned_data["mode"], actor=request.user)
        form = ApiKeyForm()
    keys = selectors.api_keys_for(request.merchant).select_related("created_by")
    return render(request, "accounts/api_keys.html", {"form": form, "keys": keys, "new_key": new_key})


@require_POST
@merchant_required
def api_key_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    key = selectors.api_key_get(request.merchant, public_id)
    services.api_key_revoke(key=key, actor=request.user)
    messages.success(request, _("The key %(prefix)s… was revoked.") % {"prefix": key.prefix})
    return redirect("accounts:api_keys")


@merchant_required
def shipping_settings(request: HttpRequest) -> HttpResponse:
    merchant = request.merchant
    initial = {"origin": merchant.origin_region.address(merchant.origin_address) if merchant.origin_region else "", "contact_name": merchant.contact_name, "phone": merchant.phone,
               "label_size": merchant.label_size, "privacy_waybills": merchant.privacy_waybills}
    form = ShippingSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            region, detail = region_from_text(data["origin"])
            services.merchant_update_shipping(
                merchant=merchant, origin_region=region, origin_address=detail, contact_name=data["contact_name"],
                phone=data["phone"], label_size=data["label_size"], privacy_waybills=data["privacy_waybills"],
                actor=request.user)
        except DomainError as exc:
            form.add_error("phone" if exc.code == "phone_invalid" else "origin", exc.localized())
        else:
            messages.success(request, _("Shipping settings saved. New labels use them."))
            return redirect("accounts:shipping_settings")
    return render(request, "accounts/shipping_settings.html", {"form": form})

