"""Console pages: the merchant's wallet, the sandbox checkout, and the operators' view of every wallet."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from parcelhub.accounts.models import Merchant, OperatorRole
from parcelhub.accounts.permissions import merchant_required, operator_required
from parcelhub.billing import selectors, services, statements
from parcelhub.billing.forms import AdjustmentForm, CreditLimitForm, RechargeForm
from parcelhub.billing.models import RechargeStatus
from parcelhub.billing.notifications import notification_receive
from parcelhub.billing.payments import (
    SIGNATURE_HEADER,
    SandboxProvider,
    canonical_json,
    payments_unavailable,
    provider_available,
    sandbox_enabled,
)
from parcelhub.billing.statement_pdf import statement_pdf
from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.core.money import fen_to_yuan_str, format_fen
from parcelhub.plans.selectors import active_bonus_rules

RECENT_TRANSACTIONS = 20
OPERATOR_TRANSACTIONS = 50
WALLETS_PER_PAGE = 50

risk_or_support_required = operator_required(OperatorRole.RISK, OperatorRole.SUPPORT)


def _wallet_page(request: HttpRequest, form: RechargeForm | None = None, status: int = 200) -> HttpResponse:
    merchant = request.merchant
    return render(request, "billing/wallet.html", {
        "wallet": selectors.wallet_for(merchant),
        "form": form or RechargeForm(),
        "transactions": list(selectors.wallet_transactions(merchant)[:RECENT_TRANSACTIONS]),
        "recharges": list(selectors.recharges_for(merchant)[:5]),
        "months": statements.statement_months(merchant, today=clock.today()),
        "recharge_available": provider_available(),
        "bonus_rules": active_bonus_rules(clock.now()),
    }, status=status)


@merchant_required
def wallet(request: HttpRequest) -> HttpResponse:
    return _wallet_page(request)


@merchant_required
@require_POST
def recharge_start(request: HttpRequest) -> HttpResponse:
    form = RechargeForm(request.POST)
    if not provider_available():
        form.add_error(None, payments_unavailable().localized())
        return _wallet_page(request, form, status=503)
    if form.is_valid():
        try:
            recharge = services.recharge_create(merchant=request.merchant, amount_fen=form.cleaned_data["amount"],
                                                actor=request.user)
        except DomainError as exc:
            form.add_error("amount", exc.localized())
        else:
            return redirect(recharge.checkout_url)
    return _wallet_page(request, form, status=422)


@merchant_required
def sandbox_checkout(request: HttpRequest, public_id: str) -> HttpResponse:
    """The sandbox provider's own payment page. Paying makes the sandbox send its signed notification to the
    platform's notification handler, as a real provider's server would."""
    if not sandbox_enabled():
        raise Http404
    recharge = selectors.recharge_get(request.merchant, public_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in {"pay", "cancel"}:
            return HttpResponseBadRequest(_("Choose pay or cancel."))
        if recharge.status != RechargeStatus.PENDING:
            messages.info(request, _("This recharge is already %(status)s.") % {
                "status": recharge.get_status_display()})
            return redirect("billing:wallet")
        payload, signature = SandboxProvider().notification(recharge, paid=action == "pay")
        result = notification_receive(provider_name="sandbox", body=canonical_json(payload), signature=signature)
        if not result.ok:
            messages.error(request, result.body["error"]["message"])
        elif action == "pay":
            balance = selectors.wallet_for(request.merchant).balance_fen
            messages.success(request, _("Recharge of %(amount)s received. Your balance is now %(balance)s.") % {
                "amount": format_fen(recharge.amount_fen), "balance": format_fen(balance)})
        else:
            messages.info(request, _("The recharge was cancelled; nothing was charged."))
        return redirect("billing:wallet")
    return render(request, "billing/sandbox_checkout.html", {"recharge": recharge})


@csrf_exempt
@require_POST
def notify_sandbox(request: HttpRequest) -> JsonResponse:
    """Server-to-server payment notifications; authenticated by the HMAC signature, not by a session."""
    result = notification_receive(provider_name="sandbox", body=request.body,
                                  signature=request.headers.get(SIGNATURE_HEADER, ""))
    return JsonResponse(result.body, status=result.status)


def _statement_response(merchant: Merchant, month_text: str, fmt: str) -> HttpResponse:
    month = statements.parse_month(month_text)
    if month is None or month > clock.today().replace(day=1):
        raise Http404
    statement = statements.statement_build(merchant=merchant, month=month)
    if fmt == "csv":
        response = HttpResponse(statements.statement_csv(statement), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="statement-{merchant.public_id}-{statement.label}.{fmt}"'
    return response


@merchant_required
def statement_download(request: HttpRequest, month: str, fmt: str) -> HttpResponse:
    return _statement_response(request.merchant, month, fmt)


@risk_or_support_required
def operator_wallets(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    page = Paginator(selectors.wallets_overview(query), WALLETS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "billing/operator_wallets.html", {"page": page, "query": query})


def _detail_page(request: HttpRequest, merchant: Merchant, *, adjustment: AdjustmentForm | None = None,
                 credit: CreditLimitForm | None = None, status: int = 200) -> HttpResponse:
    wallet = selectors.wallet_for(merchant)
    return render(request, "billing/operator_wallet_detail.html", {
        "merchant": merchant, "wallet": wallet,
        "adjustment_form": adjustment or AdjustmentForm(),
        "credit_form": credit or CreditLimitForm(initial={"credit_limit": fen_to_yuan_str(wallet.credit_limit_fen)}),
        "transactions": list(selectors.transactions_with_all_entries(merchant)[:OPERATOR_TRANSACTIONS]),
        "months": statements.statement_months(merchant, today=clock.today()),
    }, status=status)


@risk_or_support_required
def operator_wallet_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return _detail_page(request, selectors.merchant_for_operator(public_id))


@risk_or_support_required
@require_POST
def operator_wallet_adjust(request: HttpRequest, public_id: str) -> HttpResponse:
    merchant = selectors.merchant_for_operator(public_id)
    form = AdjustmentForm(request.POST)
    if form.is_valid():
        try:
            txn = services.wallet_adjust(merchant=merchant, amount_fen=form.cleaned_data["amount"],
                                         reason=form.cleaned_data["reason"], actor=request.user)
        except DomainError as exc:
            form.add_error(None, exc.localized())
        else:
            messages.success(request, _("Adjustment %(id)s of %(amount)s posted.") % {
                "id": txn.public_id, "amount": format_fen(form.cleaned_data["amount"])})
            return redirect("billing:operator_wallet_detail", public_id=merchant.public_id)
    return _detail_page(request, merchant, adjustment=form, status=422)


@risk_or_support_required
@require_POST
def operator_wallet_credit(request: HttpRequest, public_id: str) -> HttpResponse:
    merchant = selectors.merchant_for_operator(public_id)
    form = CreditLimitForm(request.POST)
    if form.is_valid():
        try:
            wallet = services.wallet_set_credit_limit(merchant=merchant, actor=request.user,
                                                      credit_limit_fen=form.cleaned_data["credit_limit"])
        except DomainError as exc:
            form.add_error("credit_limit", exc.localized())
        else:
            messages.success(request, _("The credit limit is now %(limit)s.") % {
                "limit": format_fen(wallet.credit_limit_fen)})
            return redirect("billing:operator_wallet_detail", public_id=merchant.public_id)
    return _detail_page(request, merchant, credit=form, status=422)


@risk_or_support_required
def operator_statement_download(request: HttpRequest, public_id: str, month: str, fmt: str) -> HttpResponse:
    return _statement_response(selectors.merchant_for_operator(public_id), month, fmt)
