"""Merchant console: the order list (filters, search, selection for bulk labels), details, and file imports."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from parcelhub.accounts.permissions import merchant_required
from parcelhub.carriers.ratecard_files import MAX_FILE_BYTES
from parcelhub.core.errors import DomainError
from parcelhub.geo.selectors import provinces
from parcelhub.orders import selectors, services
from parcelhub.orders.forms import OrderFilterForm, OrderImportForm
from parcelhub.orders.importing.drafts import error_text
from parcelhub.orders.importing.layouts import LAYOUTS, template_header, template_rows

PAGE_SIZE = 50
# The shipping app's bulk page: it takes `order` (public ids) or `all_matching` with `filter_<name>` fields.
BULK_SHIP_URL = "/shipments/bulk/"
RECENT_IMPORTS = 10


@merchant_required
def order_list(request: HttpRequest) -> HttpResponse:
    """A GET form that works without JavaScript; htmx swaps in only the results."""
    form = OrderFilterForm(request.GET or None)   # for the widgets; the filters are read as the bulk page reads them
    filters = selectors.OrderFilters.from_query(request.GET)
    orders = selectors.orders_filtered(request.merchant, filters)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    query = filters.as_query()
    context = {
        "form": form, "page": page, "orders": page.object_list, "filter_fields": sorted(query.items()),
        "query": urlencode(sorted(query.items())), "provinces": provinces(),
        "selected_province": filters.province, "bulk_url": BULK_SHIP_URL,
    }
    template = "orders/_order_results.html" if request.htmx else "orders/order_list.html"
    return render(request, template, context)


@merchant_required
def order_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    order = selectors.order_get(request.merchant, public_id)
    return render(request, "orders/order_detail.html", {"order": order, "bulk_url": BULK_SHIP_URL})


@merchant_required
@require_POST
def order_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    order = selectors.order_get(request.merchant, public_id)
    try:
        services.order_cancel(order=order, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.localized())
    else:
        messages.success(request, _("Order %(id)s was cancelled.") % {"id": order.external_id or order.public_id})
    return redirect("orders:order_detail", public_id=public_id)


@merchant_required
def order_import(request: HttpRequest) -> HttpResponse:
    form = OrderImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "layouts": LAYOUTS.values(),
               "imports": selectors.order_imports_for(request.merchant)[:RECENT_IMPORTS]}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # One byte past the limit is enough for the reader to refuse the file without reading it all.
        content = upload.read(MAX_FILE_BYTES + 1)
        try:
            job = services.order_import_start(merchant=request.merchant, content=content, filename=upload.name,
                                              layout=form.cleaned_data["layout"] or None, actor=request.user)
        except DomainError as exc:
            context["error"] = exc.localized()
            return render(request, "orders/order_import.html", context, status=422)
        return redirect("orders:import_status", public_id=job.public_id)
    return render(request, "orders/order_import.html", context, status=422 if form.errors else 200)


@merchant_required
def import_status(request: HttpRequest, public_id: str) -> HttpResponse:
    job = selectors.order_import_get(request.merchant, public_id)
    errors = [{**e, "text": error_text(e)} for e in job.errors] if job.is_finished else []
    context = {"job": job, "errors": errors, "layout": LAYOUTS.get(job.layout)}
    template = "orders/_import_progress.html" if request.htmx else "orders/import_status.html"
    return render(request, template, context)


@merchant_required
def import_template(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        return HttpResponseBadRequest(_("format must be csv or xlsx"))
    header = template_header(translation.get_language() or "en")
    rows = template_rows()
    if fmt == "csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        # The BOM makes Excel open UTF-8 Chinese correctly.
        body = ("\ufeff" + out.getvalue()).encode("utf-8")
        content_type = "text/csv; charset=utf-8"
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("orders")
        sheet.append(header)
        for row in rows:
            sheet.append(row)   # all text, so Excel keeps phone numbers and order ids as written
        buffer = io.BytesIO()
        book.save(buffer)
        body = buffer.getvalue()
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="parcelhub-orders-template.{fmt}"'
    return response
