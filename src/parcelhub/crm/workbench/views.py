"""Workbench pages: an account manager's task queue and one task with its playbook, outcome log and follow-ups."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcelhub.accounts.models import OperatorRole
from parcelhub.accounts.permissions import operator_required
from parcelhub.core.errors import DomainError
from parcelhub.crm.workbench import selectors, services
from parcelhub.crm.workbench.forms import ReviewForm, SnoozeForm, TaskLogForm
from parcelhub.crm.workbench.models import Outcome, TaskKind
from parcelhub.crm.workbench.playbooks import playbook

AM = OperatorRole.ACCOUNT_MANAGER


@operator_required(AM)
def queue(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in TaskKind.values else ""
    snoozed = request.GET.get("snoozed") == "1"
    every = selectors.task_queue(request.user, include_snoozed=snoozed)
    items = [item for item in every if not kind or item.task.kind == kind]
    counts = {k: 0 for k in TaskKind.values}
    for item in every:
        counts[item.task.kind] += 1
    return render(request, "workbench/queue.html", {
        "items": items, "kind": kind, "snoozed": snoozed, "sees_all": selectors.sees_all_tasks(request.user),
        "kinds": [(value, label, counts[value]) for value, label in TaskKind.choices],
        "total_at_risk_fen": sum(item.value_at_risk_fen for item in every),
        "overdue": sum(item.overdue for item in every),
    })


def _task_context(request: HttpRequest, task, **forms) -> dict:
    book = playbook(task.kind)
    return {
        "task": task, "merchant": task.merchant, "book": book, "item": selectors.queue_item(task),
        "value": selectors.merchant_value(task.merchant), "manager": selectors.account_manager(task.merchant),
        "history": selectors.task_history(task),
        "other_tasks": [t for t in selectors.open_tasks(task.merchant) if t.pk != task.pk],
        "log_form": forms.get("log_form") or TaskLogForm(outcomes=book.outcomes, offer_coupon=book.offer_coupon,
                                                         initial={"outcome": book.outcomes[0]}),
        "snooze_form": forms.get("snooze_form") or SnoozeForm(),
        "review_form": forms.get("review_form") or ReviewForm(),
        "is_open": task.state == task.State.OPEN,
    }


@operator_required(AM)
def task_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    task = selectors.task_for(request.user, public_id)
    return render(request, "workbench/task.html", _task_context(request, task))


def _failed(request: HttpRequest, task, error: DomainError, **forms) -> HttpResponse:
    messages.error(request, error.localized())
    return render(request, "workbench/task.html", _task_context(request, task, **forms), status=error.status)


@require_POST
@operator_required(AM)
def task_log(request: HttpRequest, public_id: str) -> HttpResponse:
    task = selectors.task_for(request.user, public_id)
    book = playbook(task.kind)
    form = TaskLogForm(request.POST, outcomes=book.outcomes, offer_coupon=book.offer_coupon)
    if not form.is_valid():
        return render(request, "workbench/task.html", _task_context(request, task, log_form=form), status=422)
    data = form.cleaned_data
    try:
        services.task_log(task=task, outcome=data["outcome"], actor=request.user, note=data["note"],
                          follow_up_on=data["follow_up_on"], close=data["close"], coupon=data.get("coupon"))
    except DomainError as error:
        return _failed(request, task, error, log_form=form)
    messages.success(request, _("Logged: %(outcome)s") % {"outcome": Outcome(data["outcome"]).label})
    return redirect("workbench:task", public_id=task.public_id)


@require_POST
@operator_required(AM)
def task_snooze(request: HttpRequest, public_id: str) -> HttpResponse:
    task = selectors.task_for(request.user, public_id)
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        return render(request, "workbench/task.html", _task_context(request, task, snooze_form=form), status=422)
    try:
        services.task_snooze(task=task, until=form.cleaned_data["until"], actor=request.user)
    except DomainError as error:
        return _failed(request, task, error, snooze_form=form)
    messages.success(request, _("Snoozed until %(day)s") % {"day": form.cleaned_data["until"].isoformat()})
    return redirect("workbench:queue")


@require_POST
@operator_required(AM)
def task_close(request: HttpRequest, public_id: str) -> HttpResponse:
    task = selectors.task_for(request.user, public_id)
    try:
        services.task_close(task=task, actor=request.user, note=request.POST.get("note", ""))
    except DomainError as error:
        return _failed(request, task, error)
    messages.success(request, _("Task done."))
    return redirect("workbench:queue")


@require_POST
@operator_required(AM)
def task_review(request: HttpRequest, public_id: str) -> HttpResponse:
    task = selectors.task_for(request.user, public_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return render(request, "workbench/task.html", _task_context(request, task, review_form=form), status=422)
    try:
        review = services.review_schedule(task=task, on=form.cleaned_data["on"], actor=request.user,
                                          note=form.cleaned_data["note"])
    except DomainError as error:
        return _failed(request, task, error, review_form=form)
    messages.success(request, _("Business review scheduled for %(day)s.") % {"day": review.due_on.isoformat()})
    return redirect("workbench:task", public_id=task.public_id)
