from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from parcelhub.accounts.permissions import merchant_required
from parcelhub.core.errors import DomainError
from parcelhub.crm.onboarding import onboarding_mark
from parcelhub.geo.selectors import provinces
from parcelhub.rating import quoting
from parcelhub.rating.forms import CompareForm
from parcelhub.rating.reasons import FLAGS, PRICE_LINES, reason_text
from parcelhub.tracking.eta_data import quote_etas


@merchant_required
def compare(request: HttpRequest) -> HttpResponse:
    """Price comparison: a plain GET form that works without JavaScript; htmx swaps in just the results."""
    form = CompareForm(request.GET or None)
    rows, error, discounted = None, None, False
    if form.is_bound and form.is_valid():
        try:
            parcel = form.to_request()
            quotes = quoting.quote_parcel(parcel, merchant=request.merchant, priced=True)
        except DomainError as exc:
            error = exc.localized()
        else:
            onboarding_mark(merchant=request.merchant, milestone="first_quote")  # CRM onboarding funnel
            etas = quote_etas(parcel, quotes, merchant=request.merchant)
            rows = [_row(q, etas.get(f"{q.carrier}.{q.service}")) for q in quotes]
            # Lines the price pipeline added (tier discount, coupon, package, guardrail) carry a label.
            discounted = any(line.label for q in quotes for line in q.breakdown)
    context = {"form": form, "rows": rows, "error": error, "provinces": provinces(), "discounted": discounted,
               "default_origin": request.merchant.origin_region}
    template = "rating/_results.html" if request.htmx else "rating/compare.html"
    return render(request, template, context)


def _row(quote, eta=None) -> dict:
    return {
        "quote": quote,
        "eta": eta,
        "flags": [(flag, FLAGS[flag]) for flag in quote.flags],
        "lines": [(line.label or PRICE_LINES.get(line.code, line.code), line.amount_fen) for line in quote.breakdown],
        "reason": reason_text(quote.reason),
    }
