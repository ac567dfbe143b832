"""Workbench writes: opening tasks, logging what was done on them, snoozing and closing them."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.crm.services import activity_log
from parcelhub.crm.workbench.models import CLOSING_OUTCOMES, Outcome, Task, TaskAction, TaskKind
from parcelhub.crm.workbench.selectors import account_manager

# Which timeline kind (crm.models.Activity.Kind) each outcome shows as on the merchant 360.
_TIMELINE_KIND = {
    Outcome.CALLED: "call", Outcome.NO_ANSWER: "call", Outcome.OFFER_MADE: "offer",
    Outcome.OFFER_ACCEPTED: "offer", Outcome.OFFER_DECLINED: "offer", Outcome.REVIEW_SCHEDULED: "review",
    Outcome.NOTE: "note",
}


def _bad(code: str, en: str, zh: str) -> DomainError:
    return DomainError(code, en, zh, status=422)


def task_open(*, merchant: Merchant, kind: str, title: str, reason: str, due_on: dt.date | None = None,
              source_ref: str = "", value_at_risk_fen: int | None = None, title_zh: str = "",
              reason_zh: str = "") -> Task:
    """Open a task for the merchant's account manager; returns the open task of the same (kind, source_ref) instead
    when there is one, so alert scans and daily jobs may call this every run. `title_zh` / `reason_zh` are the
    optional Chinese wording shown to Chinese readers."""
    title, reason, source_ref = (title or "").strip(), (reason or "").strip(), (source_ref or "").strip()
    if kind not in TaskKind.values:
        raise _bad("task_kind_invalid", f"Unknown task kind {kind!r}.", f"未知的任务类型 {kind!r}。")
    if not title:
        raise _bad("task_title_required", "A task needs a title.", "请填写任务标题。")
    if len(source_ref) > 64:
        raise _bad("task_source_invalid", "The task source is longer than 64 characters.", "任务来源超过 64 个字符。")
    if value_at_risk_fen is not None and value_at_risk_fen < 0:
        raise _bad("task_value_invalid", "The value at risk cannot be negative.", "风险金额不能为负数。")
    existing = _open_task(merchant, kind, source_ref)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            task = Task.objects.create(
                merchant=merchant, kind=kind, title=title[:200], reason=reason[:500], due_on=due_on,
                title_zh=(title_zh or "").strip()[:200], reason_zh=(reason_zh or "").strip()[:500],
                source_ref=source_ref, value_at_risk_fen=value_at_risk_fen, assignee=account_manager(merchant),
                created_at=clock.now())
            audit(action="workbench.task_open", merchant=merchant, target=task,
                  data={"kind": kind, "source_ref": source_ref})
            activity_log(merchant=merchant, kind="task", summary=title, ref=task.public_id,
                         details={"task_kind": kind, "reason": reason[:300]})
    except IntegrityError:
        # Another process opened the same task between our look-up and insert: theirs is the task.
        existing = _open_task(merchant, kind, source_ref)
        if existing is None:
            raise
        return existing
    return task


def _open_task(merchant: Merchant, kind: str, source_ref: str) -> Task | None:
    return Task.objects.filter(merchant=merchant, kind=kind, source_ref=source_ref, state=Task.State.OPEN).first()


def _locked(task: Task) -> Task:
    locked = Task.objects.select_for_update().select_related("merchant").get(pk=task.pk)
    if locked.state != Task.State.OPEN:
        raise DomainError("task_closed", "This task is already done.", "该任务已完成。", status=409)
    return locked


def task_log(*, task: Task, outcome: str, actor, note: str = "", follow_up_on: dt.date | None = None,
             close: bool = False, coupon=None, idempotency_key: str = "", request_hash: str = "") -> TaskAction:
    """Record what the account manager did (a call and its outcome, an offer, a note), optionally granting a coupon
    and closing the task; writes the merchant's timeline in the same transaction."""
    note = (note or "").strip()
    if outcome not in Outcome.values or outcome in (Outcome.SNOOZED, Outcome.DONE):
        raise _bad("task_outcome_invalid", "Choose an outcome.", "请选择结果。")
    if outcome == Outcome.NOTE and not note:
        raise _bad("task_note_required", "A note needs some text.", "请填写备注内容。")
    today = clock.today()
    if follow_up_on is not None and follow_up_on < today:
        raise _bad("task_follow_up_past", "The follow-up date is in the past.", "跟进日期不能早于今天。")
    with transaction.atomic():
        task = _locked(task)
        coupon_ref = _grant_coupon(task=task, coupon=coupon, actor=actor) if coupon is not None else ""
        action = TaskAction.objects.create(task=task, outcome=outcome, note=note[:500], follow_up_on=follow_up_on,
                                           coupon_ref=coupon_ref, actor=actor, created_at=clock.now(),
                                           idempotency_key=idempotency_key[:255], request_hash=request_hash)
        task.outcome = outcome
        task.follow_up_on = follow_up_on or task.follow_up_on
        fields = ["outcome", "follow_up_on"]
        if close or outcome in CLOSING_OUTCOMES:
            task.state, task.closed_at = Task.State.DONE, action.created_at
            fields += ["state", "closed_at"]
        task.save(update_fields=fields)
        audit(action="workbench.task_log", actor=actor, merchant=task.merchant, target=task,
              data={"outcome": outcome, "coupon": coupon_ref, "closed": task.state == Task.State.DONE})
        activity_log(merchant=task.merchant, kind=_TIMELINE_KIND.get(outcome, "task"),
                     summary=_timeline_summary(task, action, coupon), actor=actor, ref=task.public_id,
                     details={"task_kind": task.kind, "outcome": outcome, "note": note[:300], "coupon": coupon_ref,
                              "follow_up_on": follow_up_on.isoformat() if follow_up_on else None})
    return action


def _grant_coupon(*, task: Task, coupon, actor) -> str:
    from parcelhub.marketing.promotions.services import coupon_grant

    grants = coupon_grant(coupon=coupon, merchants=[task.merchant], source=task.public_id, actor=actor)
    if not grants:
        raise DomainError("coupon_not_granted", "The merchant already holds this offer or has reached its limit.",
                          "该商家已持有此优惠或已达领取上限。", status=409)
    return coupon.public_id


def _timeline_summary(task: Task, action: TaskAction, coupon) -> str:
    # Stored text: it reads in the language of the person who logged it, like the notes they type.
    parts = [f"{Outcome(action.outcome).label}: {task.display_title}"]
    if coupon is not None:
        parts.append(gettext("coupon %(name)s (%(id)s)") % {"name": coupon.name, "id": coupon.public_id})
    if action.note:
        parts.append(action.note)
    return " · ".join(str(part) for part in parts)


def task_snooze(*, task: Task, until: dt.date, actor) -> Task:
    if until <= clock.today():
        raise _bad("task_snooze_past", "Snooze until a later day.", "请选择今天之后的日期。")
    with transaction.atomic():
        task = _locked(task)
        task.snoozed_until = until
        task.save(update_fields=["snoozed_until"])
        TaskAction.objects.create(task=task, outcome=Outcome.SNOOZED, follow_up_on=until, actor=actor,
                                  created_at=clock.now())
        audit(action="workbench.task_snooze", actor=actor, merchant=task.merchant, target=task,
              data={"until": until.isoformat()})
    return task


def task_close(*, task: Task, actor, note: str = "") -> Task:
    with transaction.atomic():
        task = _locked(task)
        now = clock.now()
        task.state, task.closed_at, task.outcome = Task.State.DONE, now, task.outcome or Outcome.DONE
        task.save(update_fields=["state", "closed_at", "outcome"])
        TaskAction.objects.create(task=task, outcome=Outcome.DONE, note=(note or "").strip()[:500], actor=actor,
                                  created_at=now)
        audit(action="workbench.task_close", actor=actor, merchant=task.merchant, target=task)
        activity_log(merchant=task.merchant, kind="task", summary=f"{Outcome.DONE.label}: {task.title}",
                     actor=actor, ref=task.public_id, details={"task_kind": task.kind})
    return task


def review_schedule(*, task: Task, on: dt.date, actor, note: str = "") -> Task:
    """The playbook's "schedule a business review": a review task due on the agreed day, and the outcome on this
    task (which stays open until the call's result is known)."""
    if on < clock.today():
        raise _bad("review_date_past", "The review date is in the past.", "复盘日期不能早于今天。")
    with transaction.atomic():
        review = task_open(merchant=task.merchant, kind=TaskKind.BUSINESS_REVIEW,
                           title=f"Business review on {on.isoformat()}", title_zh=f"业务复盘 {on.isoformat()}",
                           reason=(note or "").strip() or f"Agreed on task {task.public_id}",
                           due_on=on, source_ref=f"scheduled:{task.public_id}")
        task_log(task=task, outcome=Outcome.REVIEW_SCHEDULED, actor=actor, note=note, follow_up_on=on)
    return review
