"""Onboarding milestones: signed up → first quote → first label → first pickup → 10 labels → API or plugin
connected. Derived from records other apps keep (shipments, the daily rollup, pickups, API keys) plus
crm.OnboardingMark for what leaves no record of its own (a quote) and for marks written once reached.

A label implies a quote (buying one quotes first), so first_quote is the earlier of the quote mark and the first
label. A merchant is activated at 10 labels; one that has not reached the next milestone for `stall days`
(CrmSettings) since its last one is stalled and gets an account-manager task."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcelhub.accounts.models import ApiKey, Merchant
from parcelhub.core import clock
from parcelhub.crm.models import Milestone, OnboardingMark
from parcelhub.crm.selectors import crm_settings
from parcelhub.crm.workbench.services import task_open
from parcelhub.insights.models import MerchantDay
from parcelhub.shipping.models import Pickup, Shipment

MILESTONES: tuple[str, ...] = tuple(Milestone.values)
ACTIVATED_AT = 10   # labels; the "10 labels" milestone


def onboarding_mark(*, merchant: Merchant, milestone: str, at: dt.datetime | None = None) -> bool:
    """Record that the merchant reached a milestone (the first time only). Cheap enough for the quote path: one
    indexed look-up once the mark exists. Returns True when this call wrote it."""
    if OnboardingMark.objects.filter(merchant=merchant, milestone=milestone).exists():
        return False
    with transaction.atomic():
        created = OnboardingMark.objects.bulk_create(
            [OnboardingMark(merchant=merchant, milestone=milestone, reached_at=at or clock.now())],
            ignore_conflicts=True)
    return bool(created)


def _day_start(day: dt.date | None) -> dt.datetime | None:
    return clock.start_of_day(day) if day else None


def _earliest(*values: dt.datetime | None) -> dt.datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


@dataclass(frozen=True)
class Facts:
    """What milestone derivation needs about one merchant, gathered for many merchants in a few queries."""

    signed_up: dt.datetime
    marks: dict[str, dt.datetime]
    first_label: dt.datetime | None
    labels: int
    first_pickup: dt.datetime | None
    key_used: dt.datetime | None
    tenth_label: dt.datetime | None = None


def _gather(merchants: QuerySet[Merchant], *, tenth: bool = False) -> dict[int, Facts]:
    ids = list(merchants.values_list("pk", flat=True))
    created = dict(Merchant.objects.filter(pk__in=ids).values_list("pk", "created_at"))
    marks: dict[int, dict[str, dt.datetime]] = defaultdict(dict)
    for merchant_id, milestone, at in OnboardingMark.objects.filter(merchant_id__in=ids).values_list(
            "merchant_id", "milestone", "reached_at"):
        marks[merchant_id][milestone] = at
    live = Shipment.objects.filter(merchant_id__in=ids, test_mode=False, purchased_at__isnull=False)
    shipped = {r["merchant_id"]: r for r in live.values("merchant_id").annotate(
        first=Min("purchased_at"), n=Count("pk", filter=Q(voided_at__isnull=True)))}
    rolled = {r["merchant_id"]: r for r in MerchantDay.objects.filter(merchant_id__in=ids, shipments__gt=0)
              .values("merchant_id").annotate(first=Min("day"), n=Sum("shipments"))}
    pickups = dict(Pickup.objects.filter(merchant_id__in=ids).values("merchant_id")
                   .annotate(first=Min("created_at")).values_list("merchant_id", "first"))
    keys = dict(ApiKey.objects.filter(merchant_id__in=ids, last_used_at__isnull=False).values("merchant_id")
                .annotate(first=Min("last_used_at")).values_list("merchant_id", "first"))
    facts = {}
    for pk in ids:
        s, d = shipped.get(pk, {}), rolled.get(pk, {})
        labels = max(s.get("n") or 0, d.get("n") or 0)
        facts[pk] = Facts(
            signed_up=created[pk], marks=marks.get(pk, {}),
            first_label=_earliest(s.get("first"), _day_start(d.get("first"))), labels=labels,
            first_pickup=pickups.get(pk), key_used=keys.get(pk),
            tenth_label=_tenth_label(pk) if tenth and labels >= ACTIVATED_AT else None)
    return facts


def _tenth_label(merchant_id: int) -> dt.datetime | None:
    """When the 10th label was bought: from the shipments when there are ten, else from the daily rollup."""
    tenth = (Shipment.objects.filter(merchant_id=merchant_id, test_mode=False, purchased_at__isnull=False)
             .order_by("purchased_at").values_list("purchased_at", flat=True)[ACTIVATED_AT - 1:ACTIVATED_AT])
    if tenth:
        return tenth[0]
    total = 0
    for day, shipments in MerchantDay.objects.filter(merchant_id=merchant_id, shipments__gt=0).order_by(
            "day").values_list("day", "shipments"):
        total += shipments
        if total >= ACTIVATED_AT:
            return clock.start_of_day(day)
    return None


def _reached(f: Facts) -> dict[str, dt.datetime | None]:
    m = f.marks
    return {
        Milestone.SIGNED_UP: f.signed_up,
        Milestone.FIRST_QUOTE: _earliest(m.get(Milestone.FIRST_QUOTE), m.get(Milestone.FIRST_LABEL), f.first_label),
        Milestone.FIRST_LABEL: _earliest(m.get(Milestone.FIRST_LABEL), f.first_label),
        Milestone.FIRST_PICKUP: _earliest(m.get(Milestone.FIRST_PICKUP), f.first_pickup),
        Milestone.TEN_LABELS: _earliest(m.get(Milestone.TEN_LABELS), f.tenth_label),
        Milestone.INTEGRATED: _earliest(m.get(Milestone.INTEGRATED), f.key_used),
    }


def _reached_set(f: Facts) -> set[str]:
    done = {code for code, at in _reached(f).items() if at is not None}
    if f.labels >= ACTIVATED_AT:
        done.add(Milestone.TEN_LABELS)
    return done


@dataclass(frozen=True)
class MilestoneState:
    code: str
    reached_at: dt.datetime | None

    @property
    def label(self) -> str:
        return str(Milestone(self.code).label)


@dataclass(frozen=True)
class Onboarding:
    milestones: tuple[MilestoneState, ...]
    next_milestone: str | None        # the first milestone not reached yet, in funnel order
    activated: bool                   # 10 labels reached
    idle_days: int                    # days since the last milestone reached
    stalled: bool

    @property
    def next_label(self) -> str:
        return str(Milestone(self.next_milestone).label) if self.next_milestone else ""


def _state(f: Facts, *, now: dt.datetime, stall_days: int) -> Onboarding:
    times = _reached(f)
    done = _reached_set(f)
    last = max(at for at in times.values() if at is not None)
    idle = max((now - last).days, 0)
    activated = Milestone.TEN_LABELS in done
    return Onboarding(
        milestones=tuple(MilestoneState(code, times[code]) for code in MILESTONES),
        next_milestone=next((code for code in MILESTONES if code not in done), None),
        activated=activated, idle_days=idle, stalled=not activated and idle >= stall_days,
    )


def merchant_onboarding(merchant: Merchant, *, now: dt.datetime | None = None) -> Onboarding:
    facts = _gather(Merchant.objects.filter(pk=merchant.pk), tenth=True)[merchant.pk]
    return _state(facts, now=now or clock.now(), stall_days=crm_settings().onboarding_stall_days)


@dataclass(frozen=True)
class FunnelRow:
    key: str
    label: str
    counts: tuple[int, ...]           # merchants that reached each milestone, in MILESTONES order

    @property
    def total(self) -> int:
        return self.counts[0]

    @property
    def shares(self) -> tuple[int, ...]:
        """Per cent of the signed-up merchants that reached each milestone (whole numbers)."""
        return tuple(round(100 * n / self.total) if self.total else 0 for n in self.counts)


def onboarding_funnel(*, by: str, since: dt.date | None = None) -> list[FunnelRow]:
    """Merchants that reached each milestone, grouped `by` "channel" (acquisition channel) or "cohort" (sign-up
    month, YYYY-MM). `since` keeps merchants that signed up on or after that day."""
    merchants = Merchant.objects.all()
    if since is not None:
        merchants = merchants.filter(created_at__gte=clock.start_of_day(since))
    facts = _gather(merchants)
    if by == "cohort":
        keys = {pk: month.strftime("%Y-%m") for pk, month in merchants.annotate(
            month=TruncMonth("created_at", tzinfo=timezone.get_current_timezone())).values_list("pk", "month")}
    else:
        keys = dict(merchants.values_list("pk", "acquisition_channel"))
    groups: dict[str, list[int]] = defaultdict(lambda: [0] * len(MILESTONES))
    for pk, f in facts.items():
        counts = groups[keys[pk]]
        for i, code in enumerate(MILESTONES):
            if code in _reached_set(f):
                counts[i] += 1
    rows = [FunnelRow(key, key or _("(direct)"), tuple(counts)) for key, counts in groups.items()]
    return sorted(rows, key=lambda r: r.key if by == "cohort" else (-r.total, r.key))


def stalled_merchants(*, now: dt.datetime | None = None, window_days: int = 120) -> list[tuple[Merchant, Onboarding]]:
    """Active merchants that signed up in the last `window_days`, are not activated and have been idle for the
    configured number of days."""
    now = now or clock.now()
    stall_days = crm_settings().onboarding_stall_days
    merchants = Merchant.objects.filter(is_active=True, created_at__gte=now - dt.timedelta(days=window_days))
    facts = _gather(merchants)
    by_pk = {m.pk: m for m in merchants}
    result = []
    for pk, f in facts.items():
        state = _state(f, now=now, stall_days=stall_days)
        if state.stalled:
            result.append((by_pk[pk], state))
    return sorted(result, key=lambda item: (-item[1].idle_days, item[0].pk))


def _in(language: str, template, **values) -> str:
    with translation.override(language):
        return str(template) % {k: str(v) for k, v in values.items()} if values else str(template)


STALLED_TITLE = gettext_lazy("Onboarding stalled before “%(milestone)s”")
STALLED_REASON = gettext_lazy("No onboarding progress for %(days)s days.")


def onboarding_stalled_scan(*, now: dt.datetime | None = None) -> int:
    """Open an account-manager task for every stalled merchant (the daily job), worded in English and Chinese.
    task_open returns the open task of the same (kind, source_ref) when there is one, so running this again opens
    nothing twice. Returns the number of stalled merchants."""
    stalled = 0
    for merchant, state in stalled_merchants(now=now):
        milestone = Milestone(state.next_milestone).label
        task_open(
            merchant=merchant, kind="onboarding_stalled",
            title=_in("en", STALLED_TITLE, milestone=_in("en", milestone)),
            title_zh=_in("zh-hans", STALLED_TITLE, milestone=_in("zh-hans", milestone)),
            reason=_in("en", STALLED_REASON, days=state.idle_days),
            reason_zh=_in("zh-hans", STALLED_REASON, days=state.idle_days),
            source_ref=f"onboarding:{state.next_milestone}")
        stalled += 1
    return stalled
