"""Assignment writes: apply the key-account rules, set or release a manual override."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum

from parcelhub.accounts.models import Merchant, OperatorRole, User
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.crm.selectors import thresholds
from parcelhub.crm.services import activity_log
from parcelhub.crm.workbench import assignment as rules
from parcelhub.crm.workbench.models import Assignment, ManagerProfile, Task, WorkbenchSettings
from parcelhub.insights.models import MerchantDay


@dataclass(frozen=True)
class ApplyReport:
    key_accounts: int
    assigned: int      # new or moved
    released: int      # rule assignments of merchants that are no longer key accounts
    unassigned: int    # key accounts nobody had room for


def volumes_30d(*, today: dt.date | None = None) -> dict[int, int]:
    today = today or clock.today()
    rows = (MerchantDay.objects.filter(day__gt=today - dt.timedelta(days=30), day__lte=today)
            .values("merchant_id").annotate(total=Sum("shipments")).values_list("merchant_id", "total"))
    return {mid: int(total or 0) for mid, total in rows}


def manager_profiles() -> list[ManagerProfile]:
    """Every active account manager with a profile (created with the default capacity when missing)."""
    users = list(User.objects.filter(operator_role=OperatorRole.ACCOUNT_MANAGER, is_active=True))
    have = {p.user_id: p for p in ManagerProfile.objects.filter(user__in=users)}
    capacity = WorkbenchSettings.current().default_capacity
    missing = [ManagerProfile(user=u, capacity=capacity) for u in users if u.pk not in have]
    ManagerProfile.objects.bulk_create(missing)
    return sorted([*have.values(), *missing], key=lambda p: p.user.email)


def _province(region_id: str | None) -> str:
    return f"{region_id[:2]}0000" if region_id else ""


def _reassign_open_tasks(merchant_id: int, manager_id: int | None) -> None:
    # Open work follows the account; closed tasks keep who did them.
    Task.objects.filter(merchant_id=merchant_id, state=Task.State.OPEN).update(assignee_id=manager_id)


def assignments_apply(*, actor=None, today: dt.date | None = None) -> ApplyReport:
    """Run the rules over the key accounts (the CRM's waist and head bands by 30-day volume)."""
    volumes = volumes_30d(today=today)
    minimum = thresholds().waist_min_30d
    key_ids = {mid for mid, total in volumes.items() if total >= minimum}
    with transaction.atomic():
        current = {a.merchant_id: a for a in Assignment.objects.select_for_update().order_by("pk")}
        merchants = Merchant.objects.filter(pk__in=key_ids | set(current)).values_list("pk", "origin_region_id",
                                                                                       "industry", "is_active")
        accounts = [rules.Account(key=pk, volume_30d=volumes.get(pk, 0), province=_province(region),
                                  industry=industry, manager=getattr(current.get(pk), "manager_id", None),
                                  manual=getattr(current.get(pk), "manual", False))
                    for pk, region, industry, active in merchants
                    if active and (pk in key_ids or getattr(current.get(pk), "manual", False))]
        managers = [rules.Manager(key=p.user_id, capacity=p.capacity, provinces=frozenset(p.provinces),
                                  industries=frozenset(p.industries), accepts_new=p.accepts_new)
                    for p in manager_profiles()]
        plan = rules.plan_assignments(accounts, managers)
        released = [a for mid, a in current.items() if mid not in plan.decisions]
        for old in released:
            old.delete()
            _reassign_open_tasks(old.merchant_id, None)
        now, assigned = clock.now(), 0
        for mid, decision in plan.decisions.items():
            if decision.kept:
                continue
            reason = "rules: " + (", ".join(decision.matches) if decision.matches else "capacity")
            Assignment.objects.update_or_create(merchant_id=mid, defaults={
                "manager_id": decision.manager, "manual": False, "reason": reason, "assigned_by": None,
                "assigned_at": now})
            _reassign_open_tasks(mid, decision.manager)
            assigned += 1
        report = ApplyReport(key_accounts=len(accounts), assigned=assigned, released=len(released),
                             unassigned=len(plan.unassigned))
        audit(action="workbench.assignments_apply", actor=actor, data=report.__dict__)
    return report


def assignment_set(*, merchant: Merchant, manager: User, actor, reason: str = "") -> Assignment:
    """A manual override: this manager keeps this merchant whatever the rules say, over capacity if need be."""
    if manager.operator_role != OperatorRole.ACCOUNT_MANAGER or not manager.is_active:
        raise DomainError("assignment_not_manager", "Only an active account manager can be assigned.",
                          "只能指派在职的客户经理。", status=422)
    with transaction.atomic():
        assignment, _ = Assignment.objects.update_or_create(merchant=merchant, defaults={
            "manager": manager, "manual": True, "reason": (reason or "").strip()[:200] or "manual",
            "assigned_by": actor if getattr(actor, "is_authenticated", False) else None,
            "assigned_at": clock.now()})
        _reassign_open_tasks(merchant.pk, manager.pk)
        audit(action="workbench.assignment_set", actor=actor, merchant=merchant, target=assignment,
              data={"manager": manager.email})
        activity_log(merchant=merchant, kind="other", summary=f"Account manager: {manager.name or manager.email}",
                     actor=actor, details={"manager": manager.email, "manual": True})
    return assignment


def assignment_release(*, merchant: Merchant, actor) -> None:
    """Drop a manual override; the next rules run decides again."""
    with transaction.atomic():
        deleted, _ = Assignment.objects.filter(merchant=merchant, manual=True).delete()
        if not deleted:
            raise DomainError("assignment_not_manual", "This merchant has no manual assignment.",
                              "该商家没有手动指派。", status=409)
        _reassign_open_tasks(merchant.pk, None)
        audit(action="workbench.assignment_release", actor=actor, merchant=merchant)


def manager_profile_update(*, manager: User, actor, capacity: int, provinces: list[str], industries: list[str],
                           accepts_new: bool) -> ManagerProfile:
    with transaction.atomic():
        profile, _ = ManagerProfile.objects.update_or_create(user=manager, defaults={
            "capacity": capacity, "provinces": provinces, "industries": industries, "accepts_new": accepts_new})
        audit(action="workbench.manager_profile_update", actor=actor, target=profile,
              data={"capacity": capacity, "provinces": provinces, "industries": industries})
    return profile
