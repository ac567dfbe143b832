"""CRM reads: merchant profiles (band, lifecycle, RFM, belt), settings, segments and timelines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.crm import profile as rules
from parcelhub.crm.models import Belt, CrmSettings, Lifecycle, VolumeBand
from parcelhub.insights.models import MerchantDay


def crm_settings() -> CrmSettings:
    """The saved settings, or the defaults (unsaved) before an operator first saves them."""
    return CrmSettings.objects.filter(pk=1).first() or CrmSettings(pk=1)


def thresholds(config: CrmSettings | None = None) -> rules.Thresholds:
    config = config or crm_settings()
    return rules.Thresholds(
        waist_min_30d=config.waist_min_30d, head_min_30d=config.head_min_30d, new_days=config.new_days,
        activated_labels=config.activated_labels, at_risk_days=config.at_risk_days,
        dormant_days=config.dormant_days, churned_days=config.churned_days, drop_share_pct=config.drop_share_pct,
    )


@dataclass(frozen=True)
class MerchantProfile:
    merchant_id: int
    computed_on: dt.date
    volume_band: str
    lifecycle: str
    r: int
    f: int
    m: int
    belt: str
    age_days: int
    total_shipments: int
    shipments_30d: int
    shipments_90d: int
    shipments_prev_30d: int
    revenue_30d_fen: int
    revenue_90d_fen: int
    last_shipment_on: dt.date | None

    @property
    def rfm(self) -> str:
        return f"{self.r}{self.f}{self.m}"

    @property
    def volume_band_label(self) -> str:
        return str(VolumeBand(self.volume_band).label)

    @property
    def lifecycle_label(self) -> str:
        return str(Lifecycle(self.lifecycle).label)

    @property
    def belt_label(self) -> str:
        return str(Belt(self.belt).label) if self.belt else ""


def _window_sums(today: dt.date) -> dict:
    """Conditional sums over the last 120 days of MerchantDay, one per window, all ending today (inclusive)."""
    def since(days: int, until: int = 0) -> Q:
        return Q(day__gt=today - dt.timedelta(days=days), day__lte=today - dt.timedelta(days=until))

    return {
        "s30": Sum("shipments", filter=since(30)), "s90": Sum("shipments", filter=since(90)),
        "sprev30": Sum("shipments", filter=since(60, 30)), "sprev90": Sum("shipments", filter=since(120, 30)),
        "r30": Sum("revenue_fen", filter=since(30)), "r90": Sum("revenue_fen", filter=since(90)),
    }


def _day_rows(merchants: QuerySet[Merchant], today: dt.date) -> tuple[dict[int, dict], dict[int, dict]]:
    """Per merchant: the window sums (an index range on the last 120 days) and the all-time total and last
    shipping day. Two grouped queries straight on MerchantDay, without joining merchants to every day."""
    # A subquery rather than a list of ids: the nightly refresh passes every merchant.
    days = MerchantDay.objects.filter(merchant_id__in=merchants.order_by().values("pk")).order_by()
    windows = {r["merchant_id"]: r for r in days.filter(day__gt=today - dt.timedelta(days=120), day__lte=today)
               .values("merchant_id").annotate(**_window_sums(today))}
    totals = {r["merchant_id"]: r for r in days.filter(day__lte=today, shipments__gt=0).values("merchant_id")
              .annotate(total=Sum("shipments"), last=Max("day"))}
    return windows, totals


def profiles_compute(merchants: QuerySet[Merchant], *, today: dt.date | None = None,
                     config: CrmSettings | None = None,
                     risk_levels: dict[int, str] | None = None) -> list[MerchantProfile]:
    """Profiles of many merchants in three queries (the nightly refresh and the 360 page share this)."""
    today = today or clock.today()
    limits = thresholds(config)
    merchant_rows = list(merchants.order_by().values("pk", "created_at", "origin_region_id"))
    windows, totals = _day_rows(merchants, today)
    result = []
    for row in merchant_rows:
        row = {**row, **windows.get(row["pk"], {}), **totals.get(row["pk"], {})}
        created = timezone.localdate(row["created_at"])
        last = row.get("last")
        facts = rules.VolumeFacts(
            age_days=max((today - created).days, 0), total_shipments=row.get("total") or 0,
            days_since_last=(today - last).days if last else None, shipments_30d=row.get("s30") or 0,
            shipments_90d=row.get("s90") or 0, shipments_prev_90d=row.get("sprev90") or 0,
            revenue_90d_fen=row.get("r90") or 0,
        )
        r, f, m = rules.rfm_scores(facts)
        result.append(MerchantProfile(
            merchant_id=row["pk"], computed_on=today, volume_band=rules.volume_band(facts.shipments_30d, limits),
            lifecycle=rules.lifecycle_stage(facts, limits, risk_level=(risk_levels or {}).get(row["pk"], "")),
            r=r, f=f, m=m, belt=rules.belt_for_adcode(row["origin_region_id"]), age_days=facts.age_days,
            total_shipments=facts.total_shipments, shipments_30d=facts.shipments_30d,
            shipments_90d=facts.shipments_90d, shipments_prev_30d=row.get("sprev30") or 0,
            revenue_30d_fen=row.get("r30") or 0, revenue_90d_fen=facts.revenue_90d_fen, last_shipment_on=last,
        ))
    return result


def merchant_profile(merchant: Merchant, *, today: dt.date | None = None) -> MerchantProfile:
    """Volume band, lifecycle stage, RFM scores (1–5 each) and industrial belt of one merchant, computed now."""
    return profiles_compute(Merchant.objects.filter(pk=merchant.pk), today=today)[0]
