"""Operator console for carriers and rate cards (pricing operators; administrators pass too)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcelhub.accounts.models import OperatorRole
from parcelhub.accounts.permissions import operator_required
from parcelhub.carriers import display, ratecard_files, selectors, services
from parcelhub.carriers.forms import RateCardUploadForm
from parcelhub.core import clock
from parcelhub.core.errors import DomainError

pricing_required = operator_required(OperatorRole.PRICING)

# An upload with thousands of bad rows stays readable; the count says how many more there are.
ERRORS_SHOWN = 500


@pricing_required
def carrier_list(request: HttpRequest) -> HttpResponse:
    return render(request, "carriers/carrier_list.html", {"carriers": selectors.carriers_with_services()})


@pricing_required
def ratecard_list(request: HttpRequest) -> HttpResponse:
    carrier, origin = request.GET.get("carrier", "").strip(), request.GET.get("origin", "").strip()
    groups = selectors.card_groups(carrier_code=carrier, origin_adcode=origin)
    return render(request, "carriers/ratecard_list.html", {
        "groups": groups, "carriers": selectors.carriers_with_services(), "origins": selectors.card_origins(),
        "selected_carrier": carrier, "selected_origin": origin, "today": clock.today(),
        "is_demo": any(g.is_demo for g in groups),
    })


@pricing_required
def ratecard_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    card = selectors.card_get(public_id)
    if card is None:
        raise Http404
    return render(request, "carriers/ratecard_detail.html", {
        "card": card, "status": selectors.card_status(card), "rows": display.lane_rows(card),
        "is_demo": card.is_demo,
    })


@pricing_required
def ratecard_upload(request: HttpRequest) -> HttpResponse:
    form = RateCardUploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # One byte past the limit is enough for the service to refuse the file without reading it all.
        content = upload.read(ratecard_files.MAX_FILE_BYTES + 1)
        try:
            context["result"] = services.ratecard_import(content=content, filename=upload.name,
                                                          actor=request.user, dry_run=form.cleaned_data["dry_run"])
        except services.RateCardFileInvalid as exc:
            context.update(errors=exc.errors[:ERRORS_SHOWN], error_count=len(exc.errors),
                           hidden_errors=max(len(exc.errors) - ERRORS_SHOWN, 0), error_summary=exc.localized())
        except DomainError as exc:
            context.update(errors=[], error_count=1, error_summary=exc.localized())
        status = 422 if "error_summary" in context else 200
        return render(request, "carriers/ratecard_upload.html", context, status=status)
    return render(request, "carriers/ratecard_upload.html", context)


@pricing_required
@require_POST
def ratecard_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    card = selectors.card_get(public_id)
    if card is None:
        raise Http404
    try:
        services.ratecard_cancel(card=card, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.localized())
        return redirect("carriers:ratecard_detail", public_id=public_id)
    messages.success(request, _("The scheduled card %(id)s was withdrawn.") % {"id": public_id})
    return redirect("carriers:ratecard_list")


def _file_response(rows: list[dict[str, str]], fmt: str, stem: str) -> HttpResponse:
    response = HttpResponse(ratecard_files.render(rows, fmt), content_type=ratecard_files.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def _format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("format", "csv")
    return fmt if fmt in ratecard_files.CONTENT_TYPES else None


@pricing_required
def ratecard_download(request: HttpRequest) -> HttpResponse:
    fmt = _format(request)
    if fmt is None:
        return HttpResponseBadRequest(_("format must be csv or xlsx"))
    public_id = request.GET.get("card", "").strip()
    if public_id:
        cards = selectors.cards_for_export(public_id=public_id)
        if not cards:
            raise Http404
        stem = f"ratecard-{public_id}"
    else:
        try:
            on = dt.date.fromisoformat(request.GET["on"]) if request.GET.get("on") else clock.today()
        except ValueError:
            return HttpResponseBadRequest(_("on must be a date (YYYY-MM-DD)"))
        cards = selectors.cards_for_export(on=on)
        stem = f"ratecards-{on.isoformat()}"
    rows = [row for card in cards for row in ratecard_files.card_rows(card)]
    return _file_response(rows, fmt, stem)


@pricing_required
def ratecard_template(request: HttpRequest) -> HttpResponse:
    fmt = _format(request)
    if fmt is None:
        return HttpResponseBadRequest(_("format must be csv or xlsx"))
    rows = ratecard_files.template_rows(effective_from=clock.today() + dt.timedelta(days=1))
    return _file_response(rows, fmt, "ratecard-template")
