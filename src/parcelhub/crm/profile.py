"""Merchant profile arithmetic: volume band, lifecycle stage, RFM scores, industrial belt and health score.

Pure functions over plain numbers (no Django) so the rules are readable in one place, unit-tested on their own,
and shared by the live 360 page and the nightly profile refresh that segment filters read."""

from __future__ import annotations

from dataclasses import dataclass, field

LONG_TAIL, WAIST, HEAD = "long_tail", "waist", "head"
VOLUME_BANDS = (LONG_TAIL, WAIST, HEAD)

NEW, ACTIVATING, ACTIVE, AT_RISK, DORMANT, CHURNED = "new", "activating", "active", "at_risk", "dormant", "churned"
LIFECYCLE_STAGES = (NEW, ACTIVATING, ACTIVE, AT_RISK, DORMANT, CHURNED)

# RFM breakpoints: a value at or above the n-th breakpoint scores n + 2 (below the first scores 1). Fixed rather
# than population quintiles so a merchant's score does not move when other merchants change, and a segment such
# as "R ≥ 4" means the same thing every day.
RECENCY_DAYS = (60, 30, 14, 7)          # days since the last shipment, lower is better: ≤7 → 5 … >60 → 1
FREQUENCY_90D = (30, 300, 900, 3000)    # shipments in the last 90 days
MONETARY_90D_FEN = (30_000, 300_000, 1_000_000, 3_000_000)  # revenue in the last 90 days (¥300 … ¥30,000)

# Industrial belts (产业带) by origin adcode prefix; the most specific prefix wins (义乌 is a county of 金华).
BELT_PREFIXES: tuple[tuple[str, str], ...] = (
    ("330782", "yiwu"), ("3307", "jinhua"), ("3301", "hangzhou"), ("3302", "ningbo"), ("3303", "wenzhou"),
    ("3305", "huzhou"), ("4401", "guangzhou"), ("4403", "shenzhen"), ("4419", "dongguan"), ("4406", "foshan"),
    ("4405", "shantou"), ("4451", "chaozhou"), ("4452", "jieyang"), ("3505", "quanzhou"), ("3503", "putian"),
    ("3205", "suzhou"), ("3713", "linyi"), ("1306", "baoding"), ("31", "shanghai"), ("11", "beijing"),
    ("5101", "chengdu"), ("4201", "wuhan"),
)
OTHER_BELT = "other"


@dataclass(frozen=True)
class Thresholds:
    """Operator-configurable limits (crm.CrmSettings holds the live values)."""

    waist_min_30d: int = 300       # shipments in 30 days to count as a waist merchant
    head_min_30d: int = 3000       # … as a head merchant
    new_days: int = 14             # a merchant this young with few labels is "new"
    activated_labels: int = 10     # labels that make a merchant activated (onboarding milestone)
    at_risk_days: int = 14         # no shipment for this long: at risk
    dormant_days: int = 30
    churned_days: int = 90
    drop_share_pct: int = 50       # last 30 days below this share of the usual month: at risk


@dataclass(frozen=True)
class VolumeFacts:
    """What the rules need about one merchant on one day (`today` excluded from nothing: windows end today)."""

    age_days: int
    total_shipments: int
    days_since_last: int | None    # None when the merchant never shipped
    shipments_30d: int
    shipments_90d: int
    shipments_prev_90d: int        # the 90 days before the last 30 (days 31–120), the usual level
    revenue_90d_fen: int


def volume_band(shipments_30d: int, t: Thresholds) -> str:
    if shipments_30d >= t.head_min_30d:
        return HEAD
    if shipments_30d >= t.waist_min_30d:
        return WAIST
    return LONG_TAIL


def _dropped(f: VolumeFacts, t: Thresholds) -> bool:
    usual_month = f.shipments_prev_90d / 3
    # Below 30 a month the noise of a few parcels decides; leave small shippers to the recency rules.
    return usual_month >= 30 and f.shipments_30d * 100 < usual_month * t.drop_share_pct


def lifecycle_stage(f: VolumeFacts, t: Thresholds, *, risk_level: str = "") -> str:
    """new → activating → active, then at_risk → dormant → churned as shipments stop (`risk_level` is the churn
    detector's level; "high" marks an otherwise active merchant at risk)."""
    if f.days_since_last is None:
        if f.age_days <= t.new_days:
            return NEW
        return ACTIVATING if f.age_days < t.churned_days else DORMANT
    if f.days_since_last >= t.churned_days:
        return CHURNED
    if f.days_since_last >= t.dormant_days:
        return DORMANT
    if f.total_shipments < t.activated_labels:
        return NEW if f.age_days <= t.new_days else ACTIVATING
    if f.days_since_last >= t.at_risk_days or risk_level == "high" or _dropped(f, t):
        return AT_RISK
    return ACTIVE


def _score_up(value: int, breakpoints: tuple[int, ...]) -> int:
    return 1 + sum(1 for b in breakpoints if value >= b)


def rfm_scores(f: VolumeFacts) -> tuple[int, int, int]:
    last = f.days_since_last
    recency = 1 if last is None else 1 + sum(1 for b in RECENCY_DAYS if last <= b)
    return recency, _score_up(f.shipments_90d, FREQUENCY_90D), _score_up(f.revenue_90d_fen, MONETARY_90D_FEN)


def belt_for_adcode(adcode: str | None) -> str:
    if not adcode:
        return ""
    for prefix, belt in BELT_PREFIXES:
        if adcode.startswith(prefix):
            return belt
    return OTHER_BELT


@dataclass(frozen=True)
class HealthInputs:
    churn_risk: float | None = None        # 0..1 from the churn detector, None when unknown
    shipments_30d: int = 0
    shipments_prev_30d: int = 0
    exceptions_30d: int = 0                # tracking issues opened in 30 days
    nps: int | None = None                 # −100..100 over the last 90 days, None without answers
    nps_answers: int = 0
    wallet_balance_fen: int | None = None
    spend_30d_fen: int = 0


@dataclass(frozen=True)
class HealthReason:
    code: str
    points: int                            # negative: what it cost the score
    values: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Health:
    score: int                             # 0..100
    reasons: tuple[HealthReason, ...]

    @property
    def level(self) -> str:
        return "good" if self.score >= 75 else "fair" if self.score >= 50 else "poor"


def health_score(h: HealthInputs) -> Health:
    """100 minus penalties, each with its reason: churn risk (up to 40), exceptions (up to 20), NPS (up to 15),
    a wallet that will not last a week (10) and shrinking volume (up to 15)."""
    reasons: list[HealthReason] = []
    if h.churn_risk is not None and h.churn_risk >= 0.1:
        reasons.append(HealthReason("churn_risk", -round(40 * min(h.churn_risk, 1.0)),
                                    {"pct": round(100 * h.churn_risk)}))
    if h.shipments_30d >= 20 and h.exceptions_30d:
        rate_pm = 1000 * h.exceptions_30d // h.shipments_30d   # per mille, integer
        if rate_pm >= 20:
            reasons.append(HealthReason("exceptions", -min(20, rate_pm // 5), {"rate_pm": rate_pm,
                                                                              "count": h.exceptions_30d}))
    if h.nps is not None and h.nps_answers >= 3 and h.nps < 30:
        reasons.append(HealthReason("nps", -15 if h.nps < 0 else -5, {"nps": h.nps, "answers": h.nps_answers}))
    if h.wallet_balance_fen is not None and h.spend_30d_fen > 0:
        days_left = h.wallet_balance_fen * 30 // h.spend_30d_fen
        if days_left < 7:
            reasons.append(HealthReason("wallet_low", -10, {"days": max(days_left, 0)}))
    if h.shipments_prev_30d >= 30:
        change_pct = round(100 * (h.shipments_30d - h.shipments_prev_30d) / h.shipments_prev_30d)
        if change_pct <= -20:
            reasons.append(HealthReason("volume_down", -min(15, -change_pct // 4), {"pct": change_pct}))
        elif change_pct >= 20:
            reasons.append(HealthReason("volume_up", 0, {"pct": change_pct}))
    score = max(0, min(100, 100 + sum(r.points for r in reasons)))
    return Health(score=score, reasons=tuple(reasons))

