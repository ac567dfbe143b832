"""The business review report of one merchant, as a page and as a PDF."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from parcelhub.accounts.models import Merchant, OperatorRole
from parcelhub.accounts.permissions import operator_required
from parcelhub.crm.workbench import selectors
from parcelhub.crm.workbench.review import business_review
from parcelhub.crm.workbench.review_pdf import review_pdf
from parcelhub.web.charts import bar_chart, line_chart


def _merchant_for(user, public_id: str) -> Merchant:
    """Administrators review anyone; an account manager the accounts assigned to them or with a task of theirs."""
    merchant = Merchant.objects.filter(public_id=public_id).first()
    if merchant is None:
        raise Http404("merchant not found")
    if selectors.sees_all_tasks(user) or selectors.account_manager(merchant) == user \
            or selectors.visible_tasks(user).filter(merchant=merchant).exists():
        return merchant
    raise Http404("merchant not found")


@operator_required(OperatorRole.ACCOUNT_MANAGER)
def review(request: HttpRequest, public_id: str) -> HttpResponse:
    from django.utils.translation import gettext as _

    merchant = _merchant_for(request.user, public_id)
    report = business_review(merchant)
    labels = [f"{m.month:%Y-%m}" for m in report.months]
    return render(request, "workbench/review.html", {
        "review": report, "merchant": merchant,
        "volume_chart": bar_chart(title="", x_labels=labels,
                                  series={_("Parcels"): [m.shipments for m in report.months]}, height=240),
        "spend_chart": line_chart(title="", x_labels=labels,
                                  series={_("Spend (¥)"): [m.revenue_fen / 100 for m in report.months]}, height=240),
    })


@operator_required(OperatorRole.ACCOUNT_MANAGER)
def review_pdf_view(request: HttpRequest, public_id: str) -> HttpResponse:
    merchant = _merchant_for(request.user, public_id)
    report = business_review(merchant)
    response = HttpResponse(review_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="review-{merchant.public_id}-{report.end:%Y%m%d}.pdf"'
    return response
