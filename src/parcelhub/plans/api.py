"""Plans API: the catalogue, the merchant's plan, a quote for a change, the change itself and the free trial."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from parcelhub.accounts.auth import merchant_auth
from parcelhub.billing.models import CURRENCY
from parcelhub.plans import selectors, services
from parcelhub.plans.models import Plan

router = Router(tags=["plans"], auth=merchant_auth)


class PlanOut(Schema):
    code: str
    name: str
    description: str
    price_monthly_fen: int
    price_annual_fen: int
    currency: str
    features: list[str]
    sms_monthly_quota: int | None = Field(..., description="null: the platform's standard quota")
    bulk_import_max_rows: int | None = Field(..., description="null: unlimited")


class SubscriptionOut(Schema):
    plan: str = Field(..., description="the plan in force today (free after a trial or grace period ran out)")
    name: str
    status: str = Field(..., description="free, trial, active, grace or expired")
    billing_cycle: str = Field(..., description="monthly, annual, or empty for free and trial")
    period_end: dt.date | None = Field(..., description="the last covered day")
    auto_renew: bool
    trial_available: bool
    features: list[str]


class QuoteFilter(Schema):
    plan: str
    billing_cycle: str = "monthly"


class QuoteOut(Schema):
    plan: str
    billing_cycle: str
    kind: str = Field(..., description="subscribe, upgrade, downgrade or cycle")
    period_start: dt.date
    period_end: dt.date | None
    price_fen: int
    credit_fen: int = Field(..., description="⌊paid × unused days ÷ period days⌋ of the current period")
    due_fen: int = Field(..., description="price − credit; negative is credited back to the wallet")
    currency: str


class ChangeIn(Schema):
    plan: str = Field(..., examples=["pro"])
    billing_cycle: str = Field("monthly", examples=["monthly", "annual"])
    expected_due_fen: int | None = Field(None, description="the due_fen of the quote you showed; refused (409) "
                                                            "if it changed meanwhile")


class InvoiceOut(Schema):
    id: str
    kind: str
    plan: str
    billing_cycle: str
    period_start: dt.date
    period_end: dt.date
    price_fen: int
    credit_fen: int
    amount_fen: int
    currency: str
    transaction: str | None
    created_at: dt.datetime


class ChangeOut(Schema):
    invoice: InvoiceOut
    subscription: SubscriptionOut


def _plan_payload(plan: Plan) -> dict:
    return {"code": plan.code, "name": plan.name, "description": plan.description,
            "price_monthly_fen": plan.price_monthly_fen, "price_annual_fen": plan.price_annual_fen,
            "currency": CURRENCY, "features": list(plan.features), "sms_monthly_quota": plan.sms_monthly_quota,
            "bulk_import_max_rows": plan.bulk_import_max_rows}


def _status_payload(merchant) -> dict:
    status = selectors.current_plan(merchant)
    return {"plan": status.code, "name": status.name, "status": status.status,
            "billing_cycle": status.billing_cycle, "period_end": status.period_end, "auto_renew": status.auto_renew,
            "trial_available": status.trial_available, "features": sorted(status.features)}


def _invoice_payload(invoice) -> dict:
    return {"id": invoice.public_id, "kind": invoice.kind, "plan": invoice.plan.code,
            "billing_cycle": invoice.billing_cycle, "period_start": invoice.period_start,
            "period_end": invoice.period_end, "price_fen": invoice.price_fen, "credit_fen": invoice.credit_fen,
            "amount_fen": invoice.amount_fen, "currency": CURRENCY,
            "transaction": invoice.transaction.public_id if invoice.transaction_id else None,
            "created_at": invoice.created_at}


@router.get("/plans", response=list[PlanOut], summary="The plans on offer")
def plans(request):
    return [_plan_payload(plan) for plan in selectors.plans_offered()]


@router.get("/plan", response=SubscriptionOut, summary="The merchant's plan today")
def plan(request):
    return _status_payload(request.auth.merchant)


@router.get("/plan/quote", response=QuoteOut, summary="What changing plan costs today (proration)")
def plan_quote(request, filters: Query[QuoteFilter]):
    quote = selectors.change_quote(request.auth.merchant, filters.plan, filters.billing_cycle)
    return {"plan": quote.plan.code, "billing_cycle": quote.billing_cycle, "kind": quote.kind,
            "period_start": quote.period_start, "period_end": quote.period_end, "price_fen": quote.price_fen,
            "credit_fen": quote.credit_fen, "due_fen": quote.due_fen, "currency": CURRENCY}


@router.post("/plan/change", response={201: ChangeOut}, summary="Change plan, paid from the wallet")
def plan_change(request, payload: ChangeIn):
    principal = request.auth
    invoice = services.subscription_change(merchant=principal.merchant, plan_code=payload.plan,
                                           billing_cycle=payload.billing_cycle, actor=principal.user,
                                           expected_due_fen=payload.expected_due_fen)
    return Status(201, {"invoice": _invoice_payload(invoice), "subscription": _status_payload(principal.merchant)})


@router.post("/plan/trial", response={201: SubscriptionOut}, summary="Start the 14-day free trial (once)")
def plan_trial(request):
    principal = request.auth
    services.trial_start(merchant=principal.merchant, actor=principal.user)
    return Status(201, _status_payload(principal.merchant))


@router.get("/plan/invoices", response=list[InvoiceOut], summary="Plan billing history, newest first")
def plan_invoices(request):
    return [_invoice_payload(i) for i in selectors.billing_history(request.auth.merchant)[:100]]
