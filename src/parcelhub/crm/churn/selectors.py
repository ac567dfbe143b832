"""Reads of churn early warning: a merchant's churn risk (for the 360 page, the merchant list and the workbench),
its volume against the seasonal baseline, the alert board and the outcomes report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.crm.churn import detector
from parcelhub.crm.churn.models import AlertAction, AlertKind, AlertState, ChurnAlert, ChurnSettings
from parcelhub.crm.churn.volumes import volume_matrix

HIGH, MEDIUM, LOW = "high", "medium", "low"


@dataclass(frozen=True)
class ChurnRisk:
    score: float                  # 0..1
    level: str                    # "low" / "medium" / "high"
    reasons: list[str]            # in the active language
    open_alert: ChurnAlert | None


def _level(score: float) -> str:
    return HIGH if score >= 0.75 else MEDIUM if score >= 0.3 else LOW


def churn_risk(merchant: Merchant) -> ChurnRisk:
    """The merchant's churn risk now: an open alert makes it medium or high (by the alert's score); otherwise how
    close the detector is to an alert (its CUSUM against the threshold, the silence against the usual rhythm)."""
    return churn_risks([merchant])[merchant.pk]


def churn_risks(merchants: Iterable[Merchant]) -> dict[int, ChurnRisk]:
    """churn_risk for many merchants with two queries and one scan (list pages)."""
    merchants = list(merchants)
    ids = [m.pk for m in merchants]
    open_alerts = {a.merchant_id: a for a in ChurnAlert.objects.filter(merchant_id__in=ids, state=AlertState.OPEN)
                   .order_by("merchant_id", "-alert_date")}
    quiet = [pk for pk in ids if pk not in open_alerts]
    risks = {pk: ChurnRisk(_alert_score(a), _level(_alert_score(a)), [a.reason], a) for pk, a in open_alerts.items()}
    if quiet:
        matrix = volume_matrix(last=clock.today() - dt.timedelta(days=1),
                               days=ChurnSettings.current().history_days, merchant_ids=quiet)
        _, standing = detector.scan_standing(matrix.shipments, matrix.start)
        for row, pk in enumerate(matrix.merchant_ids.tolist()):
            risks[pk] = _standing_risk(standing, row)
    return risks


def _alert_score(alert: ChurnAlert) -> float:
    # An open alert is at least a medium risk; its own score (severity) places it within the upper half.
    return round(0.5 + 0.5 * alert.score, 3)


def _standing_risk(standing: detector.Standing, row: int) -> ChurnRisk:
    pressure = float(min(standing.pressure[row], 1.0))
    quiet = float(min(standing.quiet_share[row], 1.0))
    score = round(0.5 * max(pressure, quiet), 3)
    reasons: list[str] = []
    if pressure >= 0.3 and standing.run_days[row] > 0:
        reasons.append(_("volume −%(pct)d%% vs baseline over %(days)d days")
                       % {"pct": round(100 * standing.deficit[row]), "days": int(standing.run_days[row])})
    if quiet >= 0.3:
        reasons.append(_("no shipment for %(days)d days") % {"days": int(standing.silence[row])})
    return ChurnRisk(score, _level(score), reasons, None)


def volume_with_baseline(merchant: Merchant, days: int = 90) -> tuple[list[dt.date], list[int], list[float | None]]:
    """The last `days` complete days (through yesterday: today's rollup is not written until the night, so it would
    always draw as a drop) of shipments and the seasonal baseline the detector held for each of them (None where
    the merchant had too little history)."""
    history = ChurnSettings.current().history_days
    yesterday = clock.today() - dt.timedelta(days=1)
    matrix = volume_matrix(last=yesterday, days=days + history, merchant_ids=[merchant.pk])
    series = matrix.series(merchant.pk)
    base = detector.baseline(series[None, :], matrix.start)
    ready = base.ready[-days:, 0]
    expected = np.round(base.expected[-days:, 0], 1)
    return (matrix.dates[-days:], [int(v) for v in series[-days:]],
            [float(e) if ok else None for e, ok in zip(expected, ready, strict=True)])


@dataclass(frozen=True)
class BoardFilters:
    state: str = AlertState.OPEN
    kind: str = ""
    action: str = ""
    band: str = ""
    q: str = ""


def alerts_board(filters: BoardFilters) -> QuerySet[ChurnAlert]:
    """Alerts ranked by score (the most certain and severest first), newest first among equals."""
    rows = ChurnAlert.objects.select_related("merchant")
    if filters.state in AlertState.values:
        rows = rows.filter(state=filters.state)
    if filters.kind in AlertKind.values:
        rows = rows.filter(kind=filters.kind)
    if filters.action in AlertAction.values:
        rows = rows.filter(action=filters.action)
    if filters.band:
        rows = rows.filter(volume_band=filters.band)
    if filters.q:
        rows = rows.filter(Q(merchant__name__icontains=filters.q) | Q(merchant__public_id=filters.q))
    return rows.order_by("-score", "-alert_date", "pk")


def alert_for_operator(public_id: str) -> ChurnAlert | None:
    return ChurnAlert.objects.select_related("merchant").filter(public_id=public_id).first()


@dataclass(frozen=True)
class OutcomeRow:
    label: str
    alerts: int
    open: int
    recovered: int
    churned: int
    dismissed: int

    @property
    def recovery_rate(self) -> float | None:
        """Recovered among the alerts that reached an outcome either way (dismissed ones were false alarms)."""
        decided = self.recovered + self.churned
        return self.recovered / decided if decided else None


def outcomes_report(*, since: dt.date) -> dict[str, list[OutcomeRow]]:
    """Alerts fired since `since`, by action and by kind, with their outcomes."""
    rows = ChurnAlert.objects.filter(alert_date__gte=since)
    counts = {state: Count("pk", filter=Q(state=state)) for state in AlertState.values}
    report: dict[str, list[OutcomeRow]] = {}
    for field, choices in (("action", AlertAction), ("kind", AlertKind)):
        labels = dict(choices.choices)
        grouped = rows.order_by().values(field).annotate(total=Count("pk"), **counts).order_by(field)
        report[field] = [OutcomeRow(str(labels.get(g[field], g[field])), g["total"], g["open"], g["recovered"],
                                    g["churned"], g["dismissed"]) for g in grouped]
    total = rows.aggregate(total=Count("pk"), **counts)
    report["total"] = [OutcomeRow(_("All alerts"), total["total"], total["open"], total["recovered"],
                                  total["churned"], total["dismissed"])]
    return report
