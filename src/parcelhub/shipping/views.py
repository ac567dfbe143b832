from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcelhub.accounts.permissions import merchant_required
from parcelhub.core.errors import DomainError
from parcelhub.orders.selectors import OrderFilters, orders_filtered
from parcelhub.shipping import bulk as bulk_service
from parcelhub.shipping import selectors, services
from parcelhub.shipping.labels.preview import render_preview_png
from parcelhub.shipping.labels.render import render_labels
from parcelhub.shipping.models import Shipment


@merchant_required
def shipment_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.shipments_for(request.merchant).select_related("recipient_region", "order", "pickup")
    status, query = request.GET.get("status", ""), request.GET.get("q", "").strip()
    if status in Shipment.Status.values:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(Q(waybill_no__icontains=query) | Q(recipient_name__icontains=query)
                       | Q(recipient_phone__icontains=query) | Q(reference__icontains=query)
                       | Q(public_id=query))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "shipping/shipment_list.html", {
        "page": page, "status": status, "query": query, "statuses": Shipment.Status.choices})


@merchant_required
def shipment_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    shipment = selectors.shipment_get(request.merchant, public_id)
    return render(request, "shipping/shipment_detail.html", {"shipment": shipment})


def _bought(request: HttpRequest, public_id: str) -> Shipment:
    shipment = selectors.shipment_get(request.merchant, public_id)
    if shipment.status == Shipment.Status.DRAFT:
        raise DomainError("no_label", "Buy the label first.", "请先购买面单。", status=409)
    return shipment


@merchant_required
def shipment_label(request: HttpRequest, public_id: str) -> HttpResponse:
    shipment = _bought(request, public_id)
    pdf = selectors.label_pdf(shipment)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{shipment.waybill_no}.pdf"'
    return response


@merchant_required
def shipment_preview(request: HttpRequest, public_id: str) -> HttpResponse:
    shipment = _bought(request, public_id)
    pdf = selectors.label_pdf(shipment)
    return HttpResponse(render_preview_png(pdf, dpi=150), content_type="image/png")


@require_POST
@merchant_required
def shipment_void(request: HttpRequest, public_id: str) -> HttpResponse:
    shipment = selectors.shipment_get(request.merchant, public_id)
    try:
        services.shipment_void(shipment=shipment, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.localized())
    else:
        messages.success(request, _("The label was voided and %(amount)s refunded to your wallet.")
                         % {"amount": f"¥{shipment.total_fen / 100:.2f}"})
    return redirect("shipping:shipment_detail", public_id=public_id)


def _selected_order_ids(request: HttpRequest) -> list[str]:
    """The ticked orders, or every pending order matching the list's filter when "all matching" was chosen."""
    if request.POST.get("all_matching"):
        filters = OrderFilters.from_query(request.POST, prefix="filter_")
        return list(orders_filtered(request.merchant, filters).filter(status="pending")
                    .values_list("public_id", flat=True)[:bulk_service.MAX_ORDERS + 1])
    return request.POST.getlist("order")


@require_POST
@merchant_required
def bulk_start(request: HttpRequest) -> HttpResponse:
    """Step 1 of bulk labels: what each rule would buy and cost for the selected orders."""
    order_ids = _selected_order_ids(request)
    try:
        preview = bulk_service.bulk_preview(merchant=request.merchant, order_ids=order_ids)
    except DomainError as exc:
        messages.error(request, exc.localized())
        return redirect("orders:order_list")
    return render(request, "shipping/bulk_preview.html", {"preview": preview, "order_ids": order_ids})


@require_POST
@merchant_required
def bulk_buy(request: HttpRequest) -> HttpResponse:
    try:
        bulk = bulk_service.bulk_purchase_start(merchant=request.merchant, order_ids=request.POST.getlist("order"),
                                                rule=request.POST.get("rule", ""), actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.localized())
        return redirect("orders:order_list")
    return redirect("shipping:bulk_detail", public_id=bulk.public_id)


@merchant_required
def bulk_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    bulk = selectors.bulk_get(request.merchant, public_id)
    template = "shipping/_bulk_progress.html" if request.htmx else "shipping/bulk_detail.html"
    return render(request, template, {"bulk": bulk})


@merchant_required
def bulk_labels(request: HttpRequest, public_id: str) -> HttpResponse:
    bulk = selectors.bulk_get(request.merchant, public_id)
    shipments = list(bulk_service.bulk_shipments(bulk))
    if not shipments:
        raise DomainError("no_label", "No label was bought in this run.", "本批次没有购买任何面单。", status=409)
    pdf = render_labels(selectors.labels_for(shipments), size=request.merchant.label_size)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="labels-{bulk.public_id}.pdf"'
    return response


@merchant_required
def pickup_list(request: HttpRequest) -> HttpResponse:
    waiting = (selectors.shipments_for(request.merchant)
               .filter(status=Shipment.Status.PURCHASED, pickup__isnull=True).order_by("carrier_code", "-purchased_at"))
    if request.method == "POST":
        try:
            start, end = _window(request.POST.get("date", ""), request.POST.get("slot", ""))
            chosen = list(waiting.filter(public_id__in=request.POST.getlist("shipment")))
            pickups = services.pickup_book(merchant=request.merchant, shipments=chosen, window_start=start,
                                           window_end=end, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.localized())
        else:
            messages.success(request, _("%(n)d pickup(s) booked.") % {"n": len(pickups)})
            return redirect("shipping:pickup_list")
    pickups = selectors.pickups_for(request.merchant).prefetch_related("shipments")[:50]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return render(request, "shipping/pickup_list.html", {
        "waiting": waiting[:500], "pickups": pickups, "default_date": tomorrow, "slots": PICKUP_SLOTS})


PICKUP_SLOTS = ("09:00-11:00", "11:00-13:00", "13:00-15:00", "15:00-17:00", "17:00-19:00")


def _window(date_text: str, slot: str) -> tuple[dt.datetime, dt.datetime]:
    try:
        day = dt.date.fromisoformat(date_text)
        start_text, end_text = slot.split("-")
        start = dt.datetime.combine(day, dt.time.fromisoformat(start_text))
        end = dt.datetime.combine(day, dt.time.fromisoformat(end_text))
    except ValueError as exc:
        raise DomainError("pickup_window_invalid", "Choose a day and a time slot.", "请选择日期和时间段。",
                          status=422) from exc
    zone = timezone.get_current_timezone()
    return timezone.make_aware(start, zone), timezone.make_aware(end, zone)


@require_POST
@merchant_required
def pickup_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    pickup = selectors.pickup_get(request.merchant, public_id)
    try:
        services.pickup_cancel(pickup=pickup, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.localized())
    else:
        messages.success(request, _("The pickup was cancelled."))
    return redirect("shipping:pickup_list")
