"""Workbench reads: a merchant's account manager, tasks and lifetime value; an account manager's task queue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from parcelhub.accounts.models import Merchant, OperatorRole, User
from parcelhub.core import clock
from parcelhub.crm.churn.selectors import churn_risks
from parcelhub.crm.workbench.models import Assignment, MerchantValue, Task


def account_manager(merchant: Merchant) -> User | None:
    assignment = Assignment.objects.select_related("manager").filter(merchant=merchant).first()
    return assignment.manager if assignment is not None else None


def open_tasks(merchant: Merchant) -> QuerySet[Task]:
    """The merchant's open tasks (snoozed ones included), soonest due first."""
    return (Task.objects.filter(merchant=merchant, state=Task.State.OPEN).select_related("assignee")
            .order_by("due_on", "created_at"))


def merchant_clv_fen(merchant: Merchant) -> int | None:
    """12-month discounted gross-margin lifetime value from the latest refresh; None before the first one."""
    return MerchantValue.objects.filter(merchant=merchant).values_list("clv_fen", flat=True).first()


def merchant_value(merchant: Merchant) -> MerchantValue | None:
    return MerchantValue.objects.filter(merchant=merchant).first()


def account_managers() -> QuerySet[User]:
    return User.objects.filter(operator_role=OperatorRole.ACCOUNT_MANAGER, is_active=True).order_by("email")


def sees_all_tasks(user: User) -> bool:
    return user.operator_role == OperatorRole.ADMIN


def visible_tasks(user: User) -> QuerySet[Task]:
    """The one scoping selector for tasks: an account manager sees the tasks assigned to them or about the accounts
    they manage; an administrator sees every task."""
    tasks = Task.objects.select_related("merchant", "assignee")
    if sees_all_tasks(user):
        return tasks
    return tasks.filter(Q(assignee=user) | Q(merchant__am_assignment__manager=user))


def task_for(user: User, public_id: str) -> Task:
    task = visible_tasks(user).filter(public_id=public_id).first()
    if task is None:
        raise Http404("task not found")
    return task


@dataclass(frozen=True)
class QueueItem:
    task: Task
    clv_fen: int | None
    risk: float | None           # churn risk 0..1 when the churn model has scored the merchant
    value_at_risk_fen: int       # what the queue is ordered by
    snoozed: bool
    overdue: bool
    follow_up_due: bool = False  # the follow-up date agreed on the last call has come


def _risk_scores(merchants: Iterable[Merchant]) -> dict[int, float]:
    return {pk: float(risk.score) for pk, risk in churn_risks(list(merchants)).items()}


def value_at_risk(*, clv_fen: int | None, risk: float | None, own_fen: int | None) -> int:
    """CLV × churn risk when both are known; the value the task was opened with (a plan's price for a renewal, an
    alert's estimate) is a floor, so a task about money at stake never ranks as worthless."""
    modelled = max(0, round(clv_fen * risk)) if clv_fen is not None and risk is not None else 0
    return max(modelled, own_fen or 0)


def _item(task: Task, clv_fen: int | None, risk: float | None, today) -> QueueItem:
    return QueueItem(task=task, clv_fen=clv_fen, risk=risk,
                     value_at_risk_fen=value_at_risk(clv_fen=clv_fen, risk=risk, own_fen=task.value_at_risk_fen),
                     snoozed=task.snoozed_until is not None and task.snoozed_until > today,
                     overdue=task.due_on is not None and task.due_on < today,
                     follow_up_due=task.follow_up_on is not None and task.follow_up_on <= today)


def queue_item(task: Task) -> QueueItem:
    """One task scored the way the queue scores it."""
    return _item(task, merchant_clv_fen(task.merchant), _risk_scores([task.merchant]).get(task.merchant_id),
                 clock.today())


def task_queue(user: User, *, include_snoozed: bool = False, kind: str = "", limit: int = 200) -> list[QueueItem]:
    """Open tasks the user works on, highest value at risk first (then the earliest due)."""
    today = clock.today()
    tasks = visible_tasks(user).filter(state=Task.State.OPEN)
    if kind:
        tasks = tasks.filter(kind=kind)
    tasks = list(tasks.order_by("due_on", "created_at")[:limit])
    merchants = {t.merchant_id: t.merchant for t in tasks}
    clv = dict(MerchantValue.objects.filter(merchant_id__in=merchants).values_list("merchant_id", "clv_fen"))
    risks = _risk_scores(merchants.values())
    items = [_item(task, clv.get(task.merchant_id), risks.get(task.merchant_id), today) for task in tasks]
    items = [item for item in items if include_snoozed or not item.snoozed]
    items.sort(key=lambda item: (-item.value_at_risk_fen, item.task.due_on or today, item.task.created_at))
    return items


def offerable_coupons() -> QuerySet:
    """Coupons an account manager may hand out on a call: active, valid now, not sold for points."""
    from parcelhub.marketing.promotions.models import Coupon

    now = clock.now()
    return Coupon.objects.filter(is_active=True, valid_from__lte=now, valid_until__gt=now,
                                 points_price__isnull=True).order_by("-created_at")


def task_history(task: Task) -> QuerySet:
    return task.actions.select_related("actor").order_by("-created_at", "-pk")


def manager_loads() -> dict[int, int]:
    from django.db.models import Count

    return dict(Assignment.objects.values("manager_id").annotate(n=Count("pk")).values_list("manager_id", "n"))
