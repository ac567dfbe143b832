"""Demo world: account managers, assignment of key accounts, merchant lifetime values and their task queues."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from parcelhub.accounts.models import Merchant, OperatorRole, User
from parcelhub.crm.workbench.assignments import assignment_set, assignments_apply, manager_profile_update
from parcelhub.crm.workbench.models import Assignment, MerchantValue, Task, TaskKind
from parcelhub.crm.workbench.services import task_open
from parcelhub.crm.workbench.sources import daily_tasks_open
from parcelhub.crm.workbench.value import merchant_values_refresh

DEMO_PASSWORD = "parcelhub-demo"
# (email, name, provinces, industries, capacity): 浙江 (义乌) small commodities, 广东 apparel and electronics.
MANAGERS = (
    ("am@parcelhub.local", "王磊", ["330000"], ["small_commodities", "home"], 40),
    ("am2@parcelhub.local", "李静", ["440000"], ["apparel", "electronics"], 40),
)


def _manager(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, name=name, operator_role=OperatorRole.ACCOUNT_MANAGER)
    return user


def build(*, merchants: list[Merchant], today: dt.date) -> dict[str, int]:
    """`merchants` are the hand-made demo merchants; returns counts for the demo command's summary."""
    managers = []
    for email, name, provinces, industries, capacity in MANAGERS:
        user = _manager(email, name)
        manager_profile_update(manager=user, actor=None, capacity=capacity, provinces=provinces,
                               industries=industries, accepts_new=True)
        managers.append(user)
    # The first demo merchant is the AM login's own account, whatever its volume this month.
    if merchants and not Assignment.objects.filter(merchant=merchants[0], manual=True).exists():
        assignment_set(merchant=merchants[0], manager=managers[0], actor=None, reason="demo: first demo merchant")
    assignments_apply()
    merchant_values_refresh(as_of=today - dt.timedelta(days=1))
    with translation.override("en"):
        daily_tasks_open(today=today)
        _intro_calls(managers, today)
    return {"account_managers": len(managers), "key_account_assignments": Assignment.objects.count(),
            "merchant_values": MerchantValue.objects.count(),
            "workbench_tasks": Task.objects.filter(state=Task.State.OPEN).count()}


def _intro_calls(managers: list[User], today: dt.date) -> None:
    """Each manager's most valuable account gets an introduction call, so a fresh queue shows more than reviews."""
    for manager in managers:
        top = (MerchantValue.objects.filter(merchant__am_assignment__manager=manager)
               .select_related("merchant").order_by("-clv_fen").first())
        if top is None:
            continue
        task_open(merchant=top.merchant, kind=TaskKind.OTHER, title="Introduction call with your account manager",
                  title_zh="客户经理首次拜访电话", reason="Highest lifetime value in the portfolio",
                  reason_zh="组合中生命周期价值最高的客户", due_on=today + dt.timedelta(days=3),
                  source_ref="demo:intro", value_at_risk_fen=max(top.clv_fen, 0) // 10)
