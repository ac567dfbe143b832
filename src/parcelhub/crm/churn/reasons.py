"""An alert's reason in words, in English and Chinese. Pure: the offline scan writes these into its CSV, the
console stores both on the alert (so the board shows the reason in the reader's language)."""

from __future__ import annotations

import math

from parcelhub.crm.churn.detector import DROP, Alert


def _gap(alert: Alert) -> int:
    return max(1, round(alert.usual_gap)) if math.isfinite(alert.usual_gap) else 0


def reason_en(alert: Alert) -> str:
    if alert.kind == DROP:
        return f"volume −{round(alert.deficit * 100)}% vs baseline over {alert.run_days} days"
    gap = _gap(alert)
    usually = "usually ships daily" if gap <= 1 else f"usually every {gap}"
    return f"no shipment for {alert.silence} days, {usually}"


def reason_zh(alert: Alert) -> str:
    if alert.kind == DROP:
        return f"近{alert.run_days}天发货量较基线下降{round(alert.deficit * 100)}%"
    gap = _gap(alert)
    usually = "平时每天发货" if gap <= 1 else f"平时约每{gap}天发一次"
    return f"已{alert.silence}天未发货，{usually}"
