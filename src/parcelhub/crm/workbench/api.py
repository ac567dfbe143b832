"""Workbench API for account managers (console session): the task queue, one task, logging an outcome, and a
merchant's lifetime value. Tasks are scoped like the pages: a manager's own, every task for an administrator."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from parcelhub.accounts.auth import OperatorSessionAuth
from parcelhub.accounts.models import OperatorRole
from parcelhub.core.errors import DomainError
from parcelhub.crm.workbench import selectors, services
from parcelhub.crm.workbench.models import MerchantValue, Task, TaskAction

router = Router(tags=["workbench"], auth=OperatorSessionAuth(OperatorRole.ACCOUNT_MANAGER))


class TaskOut(Schema):
    id: str
    merchant: str = Field(..., description="the merchant's id (mch_…)")
    merchant_name: str
    kind: str = Field(..., description="churn, renewal, onboarding_stalled, business_review, downgrade_risk, other")
    title: str
    reason: str
    state: str = Field(..., description="open or done")
    due_on: dt.date | None
    follow_up_on: dt.date | None
    snoozed_until: dt.date | None
    outcome: str
    assignee: str | None = Field(None, description="the account manager's email")
    clv_fen: int | None = Field(None, description="12-month discounted lifetime value (gross margin)")
    risk: float | None = Field(None, description="churn risk 0..1")
    value_at_risk_fen: int
    currency: str = "CNY"


class ActionIn(Schema):
    outcome: str = Field(..., description="called, no_answer, offer_made, offer_accepted, offer_declined, "
                                          "review_scheduled, renewed, recovered, lost, note")
    note: str = ""
    follow_up_on: dt.date | None = None
    coupon: str | None = Field(None, description="a coupon's id (cpn_…) to grant the merchant with this action")
    close: bool = False


class ActionOut(Schema):
    id: str
    task: str
    outcome: str
    note: str
    follow_up_on: dt.date | None
    coupon: str
    at: dt.datetime


class ValueOut(Schema):
    merchant: str
    clv_fen: int
    currency: str = "CNY"
    p_alive: float
    expected_active_weeks: float
    margin_per_week_fen: int
    as_of: dt.date


def _task_out(item: selectors.QueueItem) -> dict:
    task = item.task
    return {"id": task.public_id, "merchant": task.merchant.public_id, "merchant_name": task.merchant.name,
            "kind": task.kind, "title": task.display_title, "reason": task.display_reason, "state": task.state,
            "due_on": task.due_on, "follow_up_on": task.follow_up_on, "snoozed_until": task.snoozed_until,
            "outcome": task.outcome, "assignee": task.assignee.email if task.assignee else None,
            "clv_fen": item.clv_fen, "risk": item.risk, "value_at_risk_fen": item.value_at_risk_fen}


def _action_out(action: TaskAction, task: Task) -> dict:
    return {"id": action.public_id, "task": task.public_id, "outcome": action.outcome, "note": action.note,
            "follow_up_on": action.follow_up_on, "coupon": action.coupon_ref, "at": action.created_at}


@router.get("/workbench/tasks", response=list[TaskOut])
def list_tasks(request: HttpRequest, kind: str = "", snoozed: bool = False):
    """Open tasks, highest value at risk first (CLV × churn risk, the task's own value as a floor)."""
    return [_task_out(item) for item in selectors.task_queue(request.auth, include_snoozed=snoozed, kind=kind)]


@router.get("/workbench/tasks/{task_id}", response=TaskOut)
def get_task(request: HttpRequest, task_id: str):
    return _task_out(selectors.queue_item(selectors.task_for(request.auth, task_id)))


def _replay(request: HttpRequest, key: str, body_hash: str) -> TaskAction | None:
    existing = TaskAction.objects.select_related("task").filter(actor=request.auth, idempotency_key=key).first()
    if existing is not None and (existing.request_hash != body_hash or existing.task.public_id not in request.path):
        raise DomainError("idempotency_key_reused", "This Idempotency-Key was used for a different request; use a "
                          "new key.", "该 Idempotency-Key 已用于另一个请求，请换一个。", status=422)
    return existing


@router.post("/workbench/tasks/{task_id}/actions", response={201: ActionOut})
def log_action(request: HttpRequest, task_id: str, payload: ActionIn):
    """Log what was done (a call and its outcome, an offer with a coupon, a note); writes the merchant timeline.
    Honours `Idempotency-Key`: a repeat returns the first action."""
    task = selectors.task_for(request.auth, task_id)
    # The /api/ middleware scopes keys by merchant; an operator's key is kept on the action itself.
    key = request.headers.get("Idempotency-Key", "").strip()[:255]
    body_hash = hashlib.sha256(request.body).hexdigest() if key else ""
    if key and (existing := _replay(request, key, body_hash)) is not None:
        return Status(201, _action_out(existing, task))
    coupon = None
    if payload.coupon:
        coupon = selectors.offerable_coupons().filter(public_id=payload.coupon).first()
        if coupon is None:
            raise DomainError("coupon_unavailable", "This coupon cannot be offered.", "该红包无法发放。", status=422)
    try:
        action = services.task_log(task=task, outcome=payload.outcome, actor=request.auth, note=payload.note,
                                   follow_up_on=payload.follow_up_on, close=payload.close, coupon=coupon,
                                   idempotency_key=key, request_hash=body_hash)
    except IntegrityError:
        # The same key raced in twice: the other request's action is the answer.
        existing = _replay(request, key, body_hash) if key else None
        if existing is None:
            raise
        action = existing
    return Status(201, _action_out(action, task))


@router.get("/workbench/merchants/{merchant_id}/value", response=ValueOut)
def merchant_value(request: HttpRequest, merchant_id: str):
    value = MerchantValue.objects.filter(merchant__public_id=merchant_id).first()
    if value is None:
        raise Http404("no value")
    return {"merchant": merchant_id, "clv_fen": value.clv_fen, "p_alive": value.p_alive,
            "expected_active_weeks": value.expected_active_weeks,
            "margin_per_week_fen": value.margin_per_week_fen, "as_of": value.as_of}
