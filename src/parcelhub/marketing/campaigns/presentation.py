"""Turning reports into what pages and the API show: rounded figures (money as integer fen), labels and charts."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcelhub.marketing.campaigns import evaluation
from parcelhub.marketing.campaigns.selectors import CampaignReport, PushReport
from parcelhub.web.charts import bar_chart, line_chart

METRIC_LABELS = {"shipments": gettext_lazy("Shipments"), "revenue_fen": gettext_lazy("Revenue"),
                 "margin_fen": gettext_lazy("Margin")}
WINDOW_LABELS = {"pre": gettext_lazy("Before"), "during": gettext_lazy("During"), "after": gettext_lazy("After")}


def _round(metric: str, value: float | None) -> int | float | None:
    """Money to whole fen, parcels to one decimal."""
    if value is None:
        return None
    return round(value) if metric.endswith("_fen") else round(value, 1)


def estimate_payload(metric: str, estimate: evaluation.Estimate) -> dict:
    relative = estimate.relative
    return {"effect": _round(metric, estimate.effect), "low": _round(metric, estimate.low),
            "high": _round(metric, estimate.high), "treatment_mean": _round(metric, estimate.treatment_mean),
            "control_mean": _round(metric, estimate.control_mean),
            "relative_pct": None if relative is None else round(relative * 100, 1),
            "significant": not estimate.contains(0.0)}


def campaign_rows(report: CampaignReport) -> list[dict]:
    rows = []
    for item in report.results:
        adjusted, plain = item.result.adjusted, item.result.plain
        rows.append({
            "metric": item.metric, "metric_label": METRIC_LABELS[item.metric], "window": item.window,
            "window_label": WINDOW_LABELS[item.window], "money": item.metric.endswith("_fen"),
            **estimate_payload(item.metric, adjusted),
            # The plain means are the raw arm averages; the adjusted ones differ by θ·(arm's X mean − pooled).
            "treatment_mean": _round(item.metric, plain.treatment_mean),
            "control_mean": _round(item.metric, plain.control_mean),
            "plain_effect": _round(item.metric, plain.effect), "plain_low": _round(item.metric, plain.low),
            "plain_high": _round(item.metric, plain.high),
            "incremental_total": _round(item.metric, item.incremental_total),
            "variance_reduction_pct": round(item.result.variance_reduction * 100),
            # Relative to what control actually did, so the figure reads as "+15 % over control".
            "relative_pct": round(adjusted.effect / plain.control_mean * 100, 1) if plain.control_mean else None,
        })
    return rows


def campaign_summary(report: CampaignReport) -> dict:
    retention = report.retention
    return {
        "offer_kind": report.campaign.offer_kind, "offer": report.campaign.offer_ref,
        "offer_amount_fen": report.campaign.offer_amount_fen, "offer_name": report.offer_name,
        "treatment": report.n_treatment, "control": report.n_control, "delivered": report.delivered,
        "as_of": report.as_of,
        "windows": {code: {"first": w.first, "last": w.last, "days": w.days} for code, w in report.windows.items()},
        # redeemed: coupons redeemed, labels used from gifted packages, or merchants who spent the bonus credit.
        "redeemed": report.redemptions.count, "cost_fen": report.redemptions.amount_fen,
        "granted_fen": report.granted_fen,
        "incremental_margin_fen": _round("margin_fen", report.incremental_margin_fen),
        "incremental_margin_low_fen": _round("margin_fen", report.incremental_margin_low_fen),
        "incremental_margin_high_fen": _round("margin_fen", report.incremental_margin_high_fen),
        "roi": None if report.roi is None else round(report.roi, 2),
        "roi_low": None if report.roi_low is None else round(report.roi_low, 2),
        "roi_high": None if report.roi_high is None else round(report.roi_high, 2),
        "retention": None if retention is None else {
            "window": report.retention_window, "treatment_pct": round(retention.treatment_mean * 100, 1),
            "control_pct": round(retention.control_mean * 100, 1), "effect_pts": round(retention.effect * 100, 1),
            "low_pts": round(retention.low * 100, 1), "high_pts": round(retention.high * 100, 1)},
    }


def campaign_charts(report: CampaignReport) -> dict:
    days = report.daily.get("days", [])
    charts = {"daily": line_chart(
        title=_("Shipments per merchant per day"), x_labels=[d.strftime("%m-%d") for d in days],
        series={_("Treatment"): report.daily.get("treatment", []), _("Control"): report.daily.get("control", [])})}
    rows = [r for r in campaign_rows(report) if r["relative_pct"] is not None]
    if rows:
        labels = [f"{r['metric_label']} · {r['window_label']}" for r in rows]

        def pct(row: dict, key: str) -> float:
            return round(row[key] / row["control_mean"] * 100, 1) if row["control_mean"] else 0.0

        charts["effects"] = bar_chart(
            title=_("Effect relative to control (%), with its 95 % interval"), x_labels=labels,
            series={_("Lower bound (95 %)"): [pct(r, "low") for r in rows], _("Estimate"): [r["relative_pct"] for r in rows],
                    _("Upper bound (95 %)"): [pct(r, "high") for r in rows]})
    return charts


def push_rows(report: PushReport) -> list[dict]:
    rows = []
    for metric, estimate in report.results.items():
        payload = estimate_payload(metric, estimate)
        # Per merchant per day: keep two decimals for parcels, whole fen for money.
        if not metric.endswith("_fen"):
            payload.update({key: round(getattr(estimate, attr), 2) for key, attr in
                            (("effect", "effect"), ("low", "low"), ("high", "high"),
                             ("treatment_mean", "treatment_mean"), ("control_mean", "control_mean"))})
        payload.pop("relative_pct")
        total = report.incremental_total(metric)
        rows.append({"metric": metric, "metric_label": METRIC_LABELS[metric], "money": metric.endswith("_fen"),
                     "incremental_total": _round(metric, total), **payload})
    return rows


def push_chart(report: PushReport):
    days = report.daily.get("days", [])
    return line_chart(title=_("Shipments per merchant per day"), x_labels=[d.strftime("%m-%d") for d in days],
                      series={_("Pushed regions"): report.daily.get("treated", []),
                              _("Comparison regions"): report.daily.get("comparison", [])})
