from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from parcelhub.accounts.permissions import merchant_required
from parcelhub.core.errors import DomainError
from parcelhub.geo.selectors import provinces
from parcelhub.rating import quoting
from parcelhub.rating.forms import CompareForm
from parcelhub.rating.reasons import FLAGS, PRICE_LINES, reason_text
from parcelhub.tracking.eta_data import quote_etas


@merchant_required
def compare(request: HttpRequest) -> HttpResponse:
    """Price comparison: a plain GET form that works without JavaScript; htmx swaps in just the results."""
    form = CompareForm(request.GET or None)
    rows, error = None, None
    if form.is_bound and form.is_valid():
        try:
            parcel = form.to_request()
            quotes = quoting.quote_parcel(parcel, merchant=request.merchant)
        except DomainError as exc:
            error = exc.localized()
        else:
            etas = quote_etas(parcel, quotes, merchant=request.merchant)
            rows = [_row(q, etas.get(f"{q.carrier}.{q.service}")) for q in quotes]
    context = {"form": form, "rows": rows, "error": error, "provinces": provinces(),
               "default_origin": request.merchant.origin_region}
    template = "rating/_results.html" if request.htmx else "rating/compare.html"
    return render(request, template, context)


def _row(quote, eta=None) -> dict:
    return {
        "quote": quote,
        "eta": eta,
        "flags": [(flag, FLAGS[flag]) for flag in quote.flags],
        "lines": [(PRICE_LINES.get(line.code, line.code), line.amount_fen) for line in quote.breakdown],
        "reason": reason_text(quote.reason),
    }
