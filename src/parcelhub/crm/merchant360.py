"""Reads composing the operator's merchant 360 page: carrier mix and cost structure, exceptions and NPS, health
with its reasons, and one timeline merging CRM activities with events other apps record (sign-up, onboarding
milestones, tier changes, plan invoices, recharges). Volume against its seasonal baseline comes from the churn detector."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from parcelhub.accounts.models import Merchant
from parcelhub.billing.models import Recharge, RechargeStatus, Wallet
from parcelhub.core import clock
from parcelhub.core.money import format_fen
from parcelhub.crm import profile as rules
from parcelhub.crm.models import Activity
from parcelhub.crm.onboarding import Onboarding
from parcelhub.crm.selectors import MerchantProfile
from parcelhub.marketing.models import MerchantTier
from parcelhub.plans.models import PlanInvoice
from parcelhub.rating.reasons import PRICE_LINES
from parcelhub.shipping.models import Shipment
from parcelhub.tracking.models import NpsResponse, TrackingIssue
from parcelhub.tracking.page_selectors import carrier_names

CHART_DAYS = 90
MIX_DAYS = 90
COST_SAMPLE = 5000        # shipments read for the price-line structure (the newest ones)


@dataclass(frozen=True)
class CarrierShare:
    code: str
    name: str
    shipments: int
    revenue_fen: int
    cost_fen: int

    @property
    def margin_fen(self) -> int:
        return self.revenue_fen - self.cost_fen

    @property
    def per_parcel_fen(self) -> int:
        return self.revenue_fen // self.shipments if self.shipments else 0


def carrier_mix(merchant: Merchant, *, today: dt.date) -> list[CarrierShare]:
    since = clock.start_of_day(today - dt.timedelta(days=MIX_DAYS - 1))
    rows = (Shipment.objects.filter(merchant=merchant, test_mode=False, purchased_at__gte=since,
                                    voided_at__isnull=True)
            .values("carrier_code").annotate(n=Count("pk"), revenue=Sum("total_fen"), cost=Sum("cost_fen"))
            .order_by("-n", "carrier_code"))
    names = carrier_names(r["carrier_code"] for r in rows)
    return [CarrierShare(r["carrier_code"], names.get(r["carrier_code"], r["carrier_code"]), r["n"],
                         r["revenue"] or 0, r["cost"] or 0) for r in rows]


def cost_structure(merchant: Merchant, *, today: dt.date) -> list[tuple[str, int]]:
    """What the merchant paid, by price line (first weight, additional weight, surcharges, discounts…), over the
    newest shipments of the mix window, largest first."""
    since = clock.start_of_day(today - dt.timedelta(days=MIX_DAYS - 1))
    totals: dict[str, int] = defaultdict(int)
    for breakdown in (Shipment.objects.filter(merchant=merchant, test_mode=False, purchased_at__gte=since,
                                              voided_at__isnull=True)
                      .order_by("-purchased_at").values_list("breakdown", flat=True)[:COST_SAMPLE]):
        for line in breakdown or []:
            totals[line.get("code", "")] += int(line.get("amount_fen", 0))
    return sorted(((str(PRICE_LINES.get(code, code)), fen) for code, fen in totals.items()), key=lambda r: -abs(r[1]))


@dataclass(frozen=True)
class Service:
    exceptions_30d: int
    open_exceptions: int
    by_kind: list[tuple[str, int]]
    nps: int | None               # −100..100, whole number, last 90 days
    nps_answers: int


def service_quality(merchant: Merchant, *, today: dt.date) -> Service:
    since30 = clock.start_of_day(today - dt.timedelta(days=29))
    issues = TrackingIssue.objects.filter(merchant=merchant)
    counts = issues.aggregate(recent=Count("pk", filter=Q(opened_at__gte=since30)),
                              open=Count("pk", filter=Q(resolved_at__isnull=True)))
    labels = dict(TrackingIssue.Kind.choices)
    by_kind = [(str(labels.get(r["kind"], r["kind"])), r["n"]) for r in
               issues.filter(opened_at__gte=since30).values("kind").annotate(n=Count("pk")).order_by("-n", "kind")]
    nps = NpsResponse.objects.filter(merchant=merchant, answered_at__gte=clock.start_of_day(
        today - dt.timedelta(days=89))).aggregate(n=Count("pk"), promoters=Count("pk", filter=Q(score__gte=9)),
                                                  detractors=Count("pk", filter=Q(score__lte=6)))
    score = round(100 * (nps["promoters"] - nps["detractors"]) / nps["n"]) if nps["n"] else None
    return Service(counts["recent"], counts["open"], by_kind, score, nps["n"])


_HEALTH_TEXT = {
    "churn_risk": lambda v: _("Churn risk %(pct)d%%.") % v,
    "exceptions": lambda v: _("%(count)d exceptions in 30 days (%(rate)s%% of parcels).")
    % {"count": v["count"], "rate": f"{v['rate_pm'] / 10:.1f}"},
    "nps": lambda v: _("NPS %(nps)d from %(answers)d answers.") % v,
    "wallet_low": lambda v: _("Wallet lasts about %(days)d days at the current spend.") % v,
    "volume_down": lambda v: _("Volume %(pct)d%% against the previous 30 days.") % v,
    "volume_up": lambda v: _("Volume +%(pct)d%% against the previous 30 days.") % v,
}


def health_reason_text(reason: rules.HealthReason) -> str:
    return _HEALTH_TEXT[reason.code](reason.values)


def health(profile: MerchantProfile, service: Service, wallet: Wallet | None,
           churn_risk: float | None) -> tuple[rules.Health, list[tuple[str, int]]]:
    """The health score and its reasons in words with the points each cost."""
    result = rules.health_score(rules.HealthInputs(
        churn_risk=churn_risk, shipments_30d=profile.shipments_30d, shipments_prev_30d=profile.shipments_prev_30d,
        exceptions_30d=service.exceptions_30d, nps=service.nps, nps_answers=service.nps_answers,
        wallet_balance_fen=wallet.balance_fen + wallet.bonus_fen if wallet else None,
        spend_30d_fen=profile.revenue_30d_fen))
    return result, [(health_reason_text(r), r.points) for r in result.reasons]


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    kind: str
    label: str
    summary: str
    actor: str = ""
    ref: str = ""


def timeline(merchant: Merchant, *, onboarding: Onboarding, limit: int = 100) -> list[TimelineItem]:
    items = [TimelineItem(a.at, a.kind, a.kind_label, a.summary, a.actor.email if a.actor else "", a.ref)
             for a in Activity.objects.filter(merchant=merchant).select_related("actor")[:limit]]
    for state in onboarding.milestones:
        if state.reached_at is not None:
            items.append(TimelineItem(state.reached_at, "milestone", _("Onboarding"), state.label))
    for row in MerchantTier.objects.filter(merchant=merchant).select_related("tier").order_by("-since")[:20]:
        items.append(TimelineItem(clock.start_of_day(row.since), "tier", _("Tier change"),
                                  _("Tier %(tier)s (%(reason)s)") % {"tier": row.tier.display_name(translation.get_language()),
                                                                     "reason": row.get_reason_display()}))
    for recharge in Recharge.objects.filter(merchant=merchant, status=RechargeStatus.PAID).order_by(
            "-created_at")[:20]:
        items.append(TimelineItem(recharge.paid_at or recharge.created_at, "recharge", _("Recharge"),
                                  _("Recharged %(amount)s") % {"amount": format_fen(recharge.amount_fen)},
                                  ref=recharge.public_id))
    for invoice in PlanInvoice.objects.filter(merchant=merchant).select_related("plan").order_by("-created_at")[:20]:
        items.append(TimelineItem(invoice.created_at, "plan", _("Plan change"),
                                  _("%(kind)s: %(plan)s, %(amount)s") % {
                                      "kind": invoice.get_kind_display(), "plan": invoice.plan.name,
                                      "amount": format_fen(invoice.amount_fen)}, ref=invoice.public_id))
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]
