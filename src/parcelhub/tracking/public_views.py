"""The consignee's tracking page: /t/<public id> (the label's QR code), the lookup at /t/, clicks and NPS.

No login: whoever holds the label or the waybill number plus the phone's last 4 digits sees the parcel,
so the page shows the recipient masked and never the address.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from parcelhub.core.errors import DomainError
from parcelhub.tracking import page_selectors as selectors
from parcelhub.tracking import page_services as services

LOOKUP_FAILURES_PER_HOUR = 10
LOOKUP_WINDOW_S = 3600


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "tracking/public/not_found.html", status=404)


def _client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the guesser wants it to be unless a proxy we trust sets it.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def public_page(request: HttpRequest, public_id: str) -> HttpResponse:
    shipment = selectors.public_shipment(public_id)
    if shipment is None:
        return _not_found(request)
    context = selectors.public_page_context(shipment)
    context["ask_nps"] = request.GET.get("nps") == "1"
    return render(request, "tracking/public/page.html", context)


@require_http_methods(["GET", "POST"])
def public_lookup(request: HttpRequest) -> HttpResponse:
    """Waybill number + the recipient phone's last 4 digits → the parcel's page. A wrong number and wrong
    digits answer alike; failures are counted per IP so the 4 digits cannot be guessed."""
    context: dict = {"waybill_no": "", "error": ""}
    status = 200
    if request.method == "POST":
        waybill_no = request.POST.get("waybill_no", "").strip()[:32]
        last4 = request.POST.get("phone_last4", "").strip()
        context["waybill_no"] = waybill_no
        key = f"tracking:lookup-failures:{_client_ip(request)}"
        if (cache.get(key) or 0) >= LOOKUP_FAILURES_PER_HOUR:
            context["error"] = _("Too many attempts. Please try again in an hour.")
            return render(request, "tracking/public/lookup.html", context, status=429)
        shipment = selectors.lookup_shipment(waybill_no=waybill_no, phone_last4=last4)
        if shipment is not None:
            return redirect("tracking:public_page", public_id=shipment.public_id)
        if cache.add(key, 1, LOOKUP_WINDOW_S) is False:
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, LOOKUP_WINDOW_S)
        context["error"] = _("No parcel found for this waybill number and phone digits.")
        status = 404
    return render(request, "tracking/public/lookup.html", context, status=status)


@csrf_exempt  # the coupon's copy button reports by navigator.sendBeacon; a click counter guards nothing
@require_http_methods(["GET", "POST"])
def public_click(request: HttpRequest, public_id: str, target: str) -> HttpResponse:
    """Count the click and send the consignee on to the URL the merchant configured (never one from the
    request). POST (the copy button) only counts."""
    shipment = selectors.public_shipment(public_id)
    if shipment is None:
        return _not_found(request)
    try:
        _click, url = services.tracking_click_record(shipment=shipment, target=target)
    except DomainError:
        return _not_found(request)
    if request.method == "POST":
        return HttpResponse(status=204)
    if not url:
        return redirect("tracking:public_page", public_id=public_id)
    return HttpResponseRedirect(url)


@require_http_methods(["POST"])
def public_nps(request: HttpRequest, public_id: str) -> HttpResponse:
    shipment = selectors.public_shipment(public_id)
    if shipment is None:
        return _not_found(request)
    error = ""
    try:
        score = int(request.POST.get("score", ""))
    except ValueError:
        score = -1
    try:
        services.nps_answer(shipment=shipment, score=score, comment=request.POST.get("comment", ""),
                            channel=request.POST.get("channel", "page"))
    except DomainError as exc:
        error = exc.localized()
        status = exc.status
    else:
        status = 200
    if not request.htmx:
        url = reverse("tracking:public_page", kwargs={"public_id": public_id})
        return redirect(f"{url}#nps") if not error else render(
            request, "tracking/public/page.html",
            selectors.public_page_context(shipment) | {"nps_error": error}, status=status)
    context = selectors.public_page_context(shipment) | {"nps_error": error}
    # htmx swaps 2xx only by default; a refused answer still shows its message in place.
    return render(request, "tracking/public/_nps.html", context, status=200 if error else status)
