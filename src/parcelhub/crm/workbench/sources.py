"""Where tasks come from besides churn alerts and stalled onboarding (which their own apps open): plan renewals,
tier downgrade risks and quarterly business reviews of the key accounts. Run daily; task_open makes reruns safe,
so the counts are of tasks open after the run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from parcelhub.core import clock
from parcelhub.crm.workbench.models import Assignment, Task, TaskKind, WorkbenchSettings
from parcelhub.crm.workbench.services import task_open


@dataclass(frozen=True)
class OpenedCounts:
    renewals: int
    downgrade_risks: int
    business_reviews: int


def renewal_tasks_open() -> int:
    """Paid plans and trials of managed accounts that end within the renewal window (or are in grace)."""
    from parcelhub.plans.selectors import subscriptions_expiring

    managed = set(Assignment.objects.values_list("merchant_id", flat=True))
    window = WorkbenchSettings.current().renewal_window_days
    opened = 0
    for sub in subscriptions_expiring(within_days=window):
        if sub.merchant_id not in managed:
            continue
        end, days = sub.period_end.isoformat(), sub.days_left
        texts = {}
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                texts[lang] = (
                    _("Plan renewal: %(plan)s ends %(end)s") % {"plan": sub.plan.name, "end": end},
                    _("%(days)d days left in the current period") % {"days": days} if days >= 0
                    else _("In the grace period for %(days)d days") % {"days": -days})
        task_open(merchant=sub.merchant, kind=TaskKind.RENEWAL, title=texts["en"][0], reason=texts["en"][1],
                  title_zh=texts["zh-hans"][0], reason_zh=texts["zh-hans"][1], due_on=sub.period_end,
                  source_ref=f"{sub.public_id}:{end}", value_at_risk_fen=sub.paid_fen or None)
        opened += 1
    return opened


def downgrade_tasks_open() -> int:
    """Managed accounts whose next tier review would lower their tier (the marketing app's notices)."""
    from parcelhub.marketing.selectors import downgrade_risks

    managed = set(Assignment.objects.values_list("merchant_id", flat=True))
    opened = 0
    for risk in downgrade_risks():
        if risk.merchant.pk not in managed:
            continue
        review = risk.review_date.isoformat()
        texts = {}
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                texts[lang] = (
                    _("Tier review %(date)s: %(tier)s would fall to %(lower)s")
                    % {"date": review, "tier": risk.tier.name, "lower": risk.would_fall_to.name},
                    _("Shipments are below what %(tier)s needs; a call before the review can keep the discount.")
                    % {"tier": risk.tier.name})
        task_open(merchant=risk.merchant, kind=TaskKind.DOWNGRADE_RISK, title=texts["en"][0], reason=texts["en"][1],
                  title_zh=texts["zh-hans"][0], reason_zh=texts["zh-hans"][1], due_on=risk.review_date,
                  source_ref=f"tier:{risk.tier.code}:{review}")
        opened += 1
    return opened


REVIEW_LEAD_DAYS = 14


def _quarter(day: dt.date) -> tuple[str, dt.date, dt.date]:
    quarter = (day.month - 1) // 3 + 1
    first = dt.date(day.year, 3 * quarter - 2, 1)
    first_next = dt.date(day.year + (quarter == 4), 1 if quarter == 4 else quarter * 3 + 1, 1)
    return f"{day.year}Q{quarter}", first, first_next - dt.timedelta(days=1)


def review_slot(merchant_id: int, day: dt.date) -> dt.date:
    """The day in `day`'s quarter on which this merchant's review falls. Slots are spread over the quarter by
    merchant so a manager gets a steady trickle of reviews instead of all of them in the same week."""
    _label, first, last = _quarter(day)
    return first + dt.timedelta(days=(merchant_id * 37) % ((last - first).days + 1))


def _slot_ahead(merchant_id: int, today: dt.date) -> dt.date | None:
    """The merchant's review slot within the next REVIEW_LEAD_DAYS days, in this quarter or the next."""
    horizon = today + dt.timedelta(days=REVIEW_LEAD_DAYS)
    for day in (today, horizon):
        slot = review_slot(merchant_id, day)
        if today <= slot <= horizon:
            return slot
    return None


def review_tasks_open(*, today: dt.date | None = None) -> int:
    """One business review per managed account per quarter, opened two weeks before its slot, unless a review was
    done within the review interval. A slot that passed before the account was managed waits for next quarter."""
    today = today or clock.today()
    interval = WorkbenchSettings.current().review_interval_days
    recent = set(Task.objects.filter(kind=TaskKind.BUSINESS_REVIEW, state=Task.State.DONE,
                                     closed_at__date__gte=today - dt.timedelta(days=interval))
                 .values_list("merchant_id", flat=True))
    labels = {_quarter(today)[0], _quarter(today + dt.timedelta(days=REVIEW_LEAD_DAYS))[0]}
    already = set(Task.objects.filter(kind=TaskKind.BUSINESS_REVIEW, source_ref__in=[f"review:{x}" for x in labels])
                  .values_list("merchant_id", "source_ref"))
    opened = 0
    for assignment in Assignment.objects.select_related("merchant").filter(merchant__is_active=True):
        slot = _slot_ahead(assignment.merchant_id, today)
        if slot is None or assignment.merchant_id in recent:
            continue
        label = _quarter(slot)[0]
        if (assignment.merchant_id, f"review:{label}") in already:
            continue
        texts = {}
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                texts[lang] = (_("Quarterly business review %(quarter)s") % {"quarter": label},
                               _("Walk the merchant through volume, costs, timeliness and savings."))
        task_open(merchant=assignment.merchant, kind=TaskKind.BUSINESS_REVIEW, title=texts["en"][0],
                  reason=texts["en"][1], title_zh=texts["zh-hans"][0], reason_zh=texts["zh-hans"][1],
                  due_on=slot, source_ref=f"review:{label}")
        opened += 1
    return opened


def daily_tasks_open(*, today: dt.date | None = None) -> OpenedCounts:
    return OpenedCounts(renewals=renewal_tasks_open(), downgrade_risks=downgrade_tasks_open(),
                        business_reviews=review_tasks_open(today=today))
