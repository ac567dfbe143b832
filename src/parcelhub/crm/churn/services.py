"""Writes of churn early warning: the daily scan that opens alerts and acts on them, outcomes (automatic and from
the board), and the demo's replay of a year of history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.crm.churn import detector, outcomes
from parcelhub.crm.churn.models import AlertAction, AlertState, ChurnAlert, ChurnSettings
from parcelhub.crm.churn.reasons import reason_en, reason_zh
from parcelhub.crm.churn.volumes import VolumeMatrix, volume_matrix

KEY_BANDS = ("head", "waist")  # crm VolumeBand values whose alerts go to an account manager
CATCH_UP_DAYS = 7              # a scan also stores alerts of the days a missed run would have stored
TASK_DUE_DAYS = 2


@dataclass(frozen=True)
class Fired:
    """An alert of the detector, placed on a date and a merchant."""

    merchant_id: int
    on: dt.date
    alert: detector.Alert


def _rules(config: ChurnSettings) -> outcomes.Rules:
    return outcomes.Rules(recover_days=config.recover_days, recover_share=config.recover_share_pct / 100,
                          churned_days=config.churned_days)


def churn_scan_run(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily job: scan every merchant's volume up to yesterday, open the new alerts and act on them, then
    decide the outcomes of open alerts. Merchants with an open alert get no second one."""
    today = today or clock.today()
    config = ChurnSettings.current()
    matrix = volume_matrix(last=today - dt.timedelta(days=1), days=config.history_days)
    first_new = len(matrix.dates) - CATCH_UP_DAYS
    fired = [f for f in _fired(matrix) if (f.on - matrix.start).days >= first_new]
    opened = alerts_open(fired=fired, today=today, act=True)
    decided = churn_outcomes_update(today=today)
    return {"alerts_opened": len(opened), **decided}


def _fired(matrix: VolumeMatrix) -> list[Fired]:
    return [Fired(int(matrix.merchant_ids[a.merchant]), matrix.start + dt.timedelta(days=a.day), a)
            for a in detector.scan(matrix.shipments, matrix.start)]


def alerts_open(*, fired: list[Fired], today: dt.date, act: bool) -> list[ChurnAlert]:
    """Store new alerts (one open alert per merchant at a time) and, when `act`, open the account manager's task
    (key accounts) or send the retention offer (long tail). Each alert commits on its own with its actions."""
    busy = set(ChurnAlert.objects.filter(state=AlertState.OPEN).values_list("merchant_id", flat=True))
    bands = _bands({f.merchant_id for f in fired}, today)
    merchants = Merchant.objects.in_bulk({f.merchant_id for f in fired})
    opened: list[ChurnAlert] = []
    for item in sorted(fired, key=lambda f: (f.on, f.merchant_id)):
        if item.merchant_id in busy or item.merchant_id not in merchants:
            continue
        exists = ChurnAlert.objects.filter(merchant_id=item.merchant_id, alert_date=item.on,
                                           kind=item.alert.kind).exists()
        if exists:
            continue
        opened.append(alert_create(merchant=merchants[item.merchant_id], fired=item,
                                   band=bands.get(item.merchant_id, ""), today=today, act=act))
        busy.add(item.merchant_id)
    return opened


def _bands(merchant_ids: set[int], today: dt.date) -> dict[int, str]:
    """Volume bands from the CRM's profiles (thresholds configurable there)."""
    if not merchant_ids:
        return {}
    from parcelhub.crm.selectors import profiles_compute

    profiles = profiles_compute(Merchant.objects.filter(pk__in=merchant_ids), today=today)
    return {p.merchant_id: p.volume_band for p in profiles}


def alert_create(*, merchant: Merchant, fired: Fired, band: str, today: dt.date, act: bool) -> ChurnAlert:
    alert = fired.alert
    key_account = band in KEY_BANDS
    with transaction.atomic():
        row = ChurnAlert.objects.create(
            merchant=merchant, alert_date=fired.on, kind=alert.kind, reason_en=reason_en(alert),
            reason_zh=reason_zh(alert), score=min(max(alert.score, 0.0), 1.0), level=round(alert.level, 3),
            deficit_pct=round(min(alert.deficit, 1.0) * 100), silence_days=min(alert.silence, 32000),
            volume_band=band, action=AlertAction.TASK if key_account else AlertAction.OFFER,
            created_at=clock.now())
        audit(action="churn.alert_open", merchant=merchant, target=row,
              data={"kind": row.kind, "score": row.score, "date": row.alert_date.isoformat(), "band": band})
        _timeline(row, f"Churn alert: {row.reason_en} / 流失预警：{row.reason_zh}",
                  at=_moment(fired.on))
        if act:
            _act(row, today)
    return row


def _act(row: ChurnAlert, today: dt.date) -> None:
    with transaction.atomic():
        row.action_ref = _task(row, today) if row.action == AlertAction.TASK else _offer(row)
        row.save(update_fields=["action_ref"])


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(6, 0)))


def _timeline(row: ChurnAlert, summary: str, *, at: dt.datetime | None = None, actor=None) -> None:
    from parcelhub.crm.services import activity_log

    activity_log(merchant=row.merchant, kind="churn_alert", summary=summary, actor=actor, at=at,
                 ref=row.public_id, details={"alert": row.public_id, "state": row.state})


def _task(row: ChurnAlert, today: dt.date) -> str:
    from parcelhub.crm.workbench.services import task_open

    task = task_open(merchant=row.merchant, kind="churn", title=f"Churn risk: {row.merchant.name}",
                     title_zh=f"流失风险：{row.merchant.name}", reason=row.reason_en, reason_zh=row.reason_zh,
                     due_on=today + dt.timedelta(days=TASK_DUE_DAYS), source_ref=row.public_id)
    return task.public_id


def _offer(row: ChurnAlert) -> str:
    """The automated retention offer: the configured coupon (if any) and an email to the merchant's owners."""
    from parcelhub.marketing.promotions.services import coupon_grant
    from parcelhub.notify.models import Channel, Outbox
    from parcelhub.notify.outbox import enqueue_after_commit, owner_emails

    coupon = ChurnSettings.current().retention_coupon
    now = clock.now()
    grants = []
    if coupon is not None and coupon.is_active and coupon.valid_until > now:
        grants = coupon_grant(coupon=coupon, merchants=[row.merchant], source=f"churn:{row.public_id}")
    subject, body = _offer_email(row, coupon if grants else None)
    emails = Outbox.objects.bulk_create([
        Outbox(merchant=row.merchant, channel=Channel.EMAIL, event_type="churn.retention_offer", recipient=email,
               subject=subject, body=body, next_attempt_at=now, created_at=now)
        for email in owner_emails([row.merchant.pk]).get(row.merchant.pk, [])])
    enqueue_after_commit([e.pk for e in emails])
    return grants[0].public_id if grants else ("email" if emails else "")


def _offer_email(row: ChurnAlert, coupon) -> tuple[str, str]:
    # Both languages in one message, like the platform's other account emails.
    subject = "We miss your parcels / 好久不见，送您一份发货礼"
    offer_en = f"We have added the coupon \"{coupon.name}\" to your account. " if coupon else ""
    offer_zh = f"我们已向您的账户发放红包“{coupon.name}”。" if coupon else ""
    body = (f"Your shipping has been quieter lately. {offer_en}If anything is not working for you — prices, "
            f"pickups, labels — reply to this email and we will sort it out.\n\n"
            f"最近您的发货量有所减少。{offer_zh}如果价格、上门揽件或面单打印有任何不便，请直接回复本邮件，我们会尽快处理。\n\n"
            f"{django_settings.SITE_URL}/")
    return subject, body


def churn_outcomes_update(*, today: dt.date | None = None) -> dict[str, int]:
    """Decide open alerts: recovered once a run of days is back near the usual volume, churned after a long
    stretch of nothing (ChurnSettings). Returns how many of each."""
    today = today or clock.today()
    config = ChurnSettings.current()
    open_alerts = list(ChurnAlert.objects.filter(state=AlertState.OPEN, alert_date__lt=today)
                       .select_related("merchant"))
    counts = {"recovered": 0, "churned": 0}
    if not open_alerts:
        return counts
    first = min(a.alert_date for a in open_alerts) - dt.timedelta(days=config.churned_days)
    last = today - dt.timedelta(days=1)
    matrix = volume_matrix(last=last, days=(last - first).days + 1,
                           merchant_ids=[a.merchant_id for a in open_alerts])
    for row in open_alerts:
        decided = alert_outcome_decide(row=row, matrix=matrix, rules=_rules(config))
        if decided is not None:
            counts[decided] += 1
    return counts


def alert_outcome_decide(*, row: ChurnAlert, matrix: VolumeMatrix, rules: outcomes.Rules) -> str | None:
    series = matrix.series(row.merchant_id)
    start = (row.alert_date - matrix.start).days
    before = series[:max(start, 0)]
    shipped_before = np.flatnonzero(before > 0)
    silent_before = len(before) - 1 - int(shipped_before[-1]) if len(shipped_before) else len(before)
    result = outcomes.outcome(series[max(start, 0):], level=row.level, silent_before=silent_before, rules=rules)
    if result is None:
        return None
    state, index = result
    _close(row, state=state, on=row.alert_date + dt.timedelta(days=index), actor=None, note="")
    return state


def alert_outcome_set(*, alert: ChurnAlert, state: str, actor, note: str = "") -> ChurnAlert:
    """An operator closes an alert from the board: recovered, churned or dismissed (a false alarm)."""
    if state not in (AlertState.RECOVERED, AlertState.CHURNED, AlertState.DISMISSED):
        raise DomainError("churn_outcome_invalid", "Choose recovered, churned or dismissed.",
                          "请选择已挽回、已流失或忽略。", status=422)
    with transaction.atomic():
        locked = ChurnAlert.objects.select_for_update().select_related("merchant").get(pk=alert.pk)
        if not locked.is_open:
            raise DomainError("churn_alert_closed", "This alert already has an outcome.", "该预警已有结果。",
                              status=409)
        _close(locked, state=state, on=clock.today(), actor=actor, note=(note or "").strip()[:300])
    return locked


_OUTCOME_WORDS = {AlertState.RECOVERED: ("recovered", "已挽回"), AlertState.CHURNED: ("churned", "已流失"),
                  AlertState.DISMISSED: ("dismissed", "已忽略")}


def _close(row: ChurnAlert, *, state: str, on: dt.date, actor, note: str) -> None:
    with transaction.atomic():
        row.state, row.outcome_on, row.outcome_note = state, on, note
        row.outcome_by = actor if getattr(actor, "is_authenticated", False) else None
        row.save(update_fields=["state", "outcome_on", "outcome_note", "outcome_by"])
        audit(action="churn.alert_outcome", actor=actor, merchant=row.merchant, target=row,
              data={"state": state, "on": on.isoformat(), "note": note})
        en, zh = _OUTCOME_WORDS[AlertState(state)]
        _timeline(row, f"Churn alert {en} / 流失预警{zh}", at=_moment(on) if actor is None else None, actor=actor)


def churn_history_load(*, today: dt.date, act_days: int = 30) -> dict[str, int]:
    """The demo: replay the scan over all stored history, store every alert with the outcome it reached by
    today, and act (tasks, offers) only on alerts still open that fired in the last `act_days` days."""
    config = ChurnSettings.current()
    last = today - dt.timedelta(days=1)
    matrix = volume_matrix(last=last, days=400)
    fired = _fired(matrix)
    ids = {f.merchant_id for f in fired}
    bands, merchants = _bands(ids, today), Merchant.objects.in_bulk(ids)
    counts = {"churn_alerts": 0, "churn_recovered": 0, "churn_churned": 0}
    rules = _rules(config)
    open_until: dict[int, dt.date] = {}  # a merchant's alert stays open until its outcome: no second one
    for item in sorted(fired, key=lambda f: (f.on, f.merchant_id)):
        if item.merchant_id in open_until and item.on <= open_until[item.merchant_id]:
            continue
        row = alert_create(merchant=merchants[item.merchant_id], fired=item, band=bands.get(item.merchant_id, ""),
                           today=today, act=False)
        counts["churn_alerts"] += 1
        decided = alert_outcome_decide(row=row, matrix=matrix, rules=rules)
        open_until[item.merchant_id] = row.outcome_on if decided else dt.date.max
        if decided:
            counts[f"churn_{decided}"] += 1
        elif item.on >= today - dt.timedelta(days=act_days):
            _act(row, today)
    return counts
