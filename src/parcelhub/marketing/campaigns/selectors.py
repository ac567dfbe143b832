"""Campaign reads: lists, target previews and the evaluation reports (figures from insights.MerchantDay, a missing
day counting as zero; the statistics in `evaluation`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.core.errors import DomainError, NotFound
from parcelhub.crm.models import Segment
from parcelhub.crm.segments import segment_merchants
from parcelhub.geo.models import Region
from parcelhub.insights.models import MerchantDay
from parcelhub.marketing.campaigns import evaluation
from parcelhub.marketing.campaigns.models import Assignment, Campaign, OfferKind, RegionalPush
from parcelhub.marketing.campaigns.offers import Redemptions, offer_label, offer_redemptions, offer_uses

METRICS = ("shipments", "revenue_fen", "margin_fen")


@dataclass(frozen=True)
class Window:
    code: str          # pre, during, after
    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class MetricResult:
    metric: str        # shipments, revenue_fen, margin_fen
    window: str        # during, after
    result: evaluation.CupedEstimate
    n_treatment: int

    @property
    def incremental_total(self) -> float:
        return self.result.adjusted.effect * self.n_treatment


@dataclass
class CampaignReport:
    campaign: Campaign
    offer_name: str
    as_of: dt.date
    windows: dict[str, Window]
    n_treatment: int
    n_control: int
    delivered: int
    results: list[MetricResult]
    retention: evaluation.Estimate | None
    retention_window: str
    redemptions: Redemptions
    granted_fen: int | None = None   # bonus credit given (bonus campaigns only)
    incremental_margin_fen: float | None = None
    incremental_margin_low_fen: float | None = None
    incremental_margin_high_fen: float | None = None
    roi: float | None = None
    roi_low: float | None = None
    roi_high: float | None = None
    daily: dict[str, list] = field(default_factory=dict)   # days, treatment, control (mean shipments/merchant)

    def result(self, metric: str, window: str) -> MetricResult | None:
        return next((r for r in self.results if r.metric == metric and r.window == window), None)


def last_complete_day() -> dt.date:
    """Reports stop at yesterday: the daily rollup fills a day in after it has ended."""
    return clock.today() - dt.timedelta(days=1)


def campaigns() -> QuerySet[Campaign]:
    return (Campaign.objects.select_related("segment")
            .annotate(treatment=Count("assignments", filter=Q(assignments__arm=Assignment.Arm.TREATMENT)),
                      control=Count("assignments", filter=Q(assignments__arm=Assignment.Arm.CONTROL))))


def campaign_get(public_id: str) -> Campaign:
    campaign = campaigns().filter(public_id=public_id).first()
    if campaign is None:
        raise NotFound("campaign", "活动")
    return campaign


def segment_get(public_id: str) -> Segment:
    segment = Segment.objects.filter(public_id=public_id).first()
    if segment is None:
        raise DomainError("campaign_segment_unknown", f"No segment with id {public_id}.", f"未找到分群 {public_id}。",
                          status=422, details={"field": "segment"})
    return segment


def target_preview(segment: Segment, control_bp: int) -> dict[str, int]:
    """How many merchants the segment holds now, and about how many would be held out."""
    size = segment_merchants(segment.definition).count()
    control = round(size * control_bp / evaluation.BASIS)
    return {"size": size, "control": control, "treatment": size - control}


def regional_pushes() -> QuerySet[RegionalPush]:
    return RegionalPush.objects.all()


def regional_push_get(public_id: str) -> RegionalPush:
    push = RegionalPush.objects.filter(public_id=public_id).first()
    if push is None:
        raise NotFound("regional push", "地区推广")
    return push


def _totals(merchant_ids: list[int], window: Window | None) -> dict[int, tuple[int, int, int]]:
    """merchant pk → (shipments, revenue, margin) summed over the window."""
    if window is None or not merchant_ids:
        return {}
    rows = (MerchantDay.objects.filter(merchant_id__in=merchant_ids, day__gte=window.first, day__lte=window.last)
            .values("merchant_id").annotate(s=Sum("shipments"), r=Sum("revenue_fen"), c=Sum("cost_fen")))
    return {row["merchant_id"]: (row["s"], row["r"], row["r"] - row["c"]) for row in rows}


def _vector(ids: list[int], totals: dict[int, tuple[int, int, int]], index: int) -> list[float]:
    return [float(totals.get(pk, (0, 0, 0))[index]) for pk in ids]


def _daily_means(groups: dict[str, list[int]], first: dt.date, last: dt.date) -> dict[str, list]:
    """Mean shipments per merchant per day of each group, every day of the range (missing days are zero)."""
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    out: dict[str, list] = {"days": days}
    for name, ids in groups.items():
        sums = dict(MerchantDay.objects.filter(merchant_id__in=ids, day__gte=first, day__lte=last)
                    .values_list("day").annotate(s=Sum("shipments")))
        out[name] = [round(sums.get(day, 0) / len(ids), 3) if ids else None for day in days]
    return out


def _delivery_end(campaign: Campaign) -> dt.date:
    if campaign.state == Campaign.State.STOPPED and campaign.stopped_at is not None:
        return min(campaign.ends_on, timezone.localdate(campaign.stopped_at))
    return campaign.ends_on


def campaign_windows(campaign: Campaign, as_of: dt.date) -> dict[str, Window]:
    """The pre-period always; during and after as far as `as_of` reaches into them."""
    windows = {"pre": Window("pre", campaign.pre_start, campaign.starts_on - dt.timedelta(days=1))}
    end = _delivery_end(campaign)
    if as_of >= campaign.starts_on:
        windows["during"] = Window("during", campaign.starts_on, min(end, as_of))
    after_last = min(end + dt.timedelta(days=campaign.post_days), as_of)
    if campaign.post_days and as_of > end:
        windows["after"] = Window("after", end + dt.timedelta(days=1), after_last)
    return windows


def _redemptions_by_window(campaign: Campaign, windows: dict[str, Window]) -> dict[str, dict[int, int]]:
    """Price cuts the offer gave each treatment merchant (coupon discounts, gifted package labels), by the window
    they were used in: added back to its margin so that the promotion's cost is counted once, in the ROI, not also
    inside the margin difference."""
    out: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for merchant_id, discount, used_at in offer_uses(campaign):
        day = timezone.localdate(used_at) if used_at else None
        for code, window in windows.items():
            if day is not None and window.first <= day <= window.last:
                out[code][merchant_id] += discount
    return out


def campaign_report(campaign: Campaign, *, as_of: dt.date | None = None, level: float = 0.95) -> CampaignReport:
    as_of = as_of or last_complete_day()
    arms: dict[str, list[int]] = {Assignment.Arm.TREATMENT: [], Assignment.Arm.CONTROL: []}
    delivered = 0
    for merchant_id, arm, ref in campaign.assignments.values_list("merchant_id", "arm", "delivered_ref"):
        arms[arm].append(merchant_id)
        delivered += bool(ref)
    treated, control = arms[Assignment.Arm.TREATMENT], arms[Assignment.Arm.CONTROL]
    windows = campaign_windows(campaign, as_of)
    everyone = treated + control
    totals = {code: _totals(everyone, window) for code, window in windows.items()}
    added_back = _redemptions_by_window(campaign, windows)
    results = []
    for code in ("during", "after"):
        if code not in windows:
            continue
        for index, metric in enumerate(METRICS):
            y_t = _vector(treated, totals[code], index)
            if metric == "margin_fen":
                y_t = [y + added_back[code].get(pk, 0) for y, pk in zip(y_t, treated, strict=True)]
            result = evaluation.cuped(y_t, _vector(treated, totals["pre"], index),
                                      _vector(control, totals[code], index), _vector(control, totals["pre"], index),
                                      level=level)
            if result is not None:
                results.append(MetricResult(metric, code, result, len(treated)))
    last = windows.get("after", windows.get("during", windows["pre"])).last
    report = CampaignReport(
        campaign=campaign, as_of=as_of, windows=windows, n_treatment=len(treated), n_control=len(control),
        offer_name=offer_label(campaign.offer_kind, campaign.offer_ref, campaign.offer_amount_fen),
        delivered=delivered, results=results, retention=None, retention_window="",
        redemptions=offer_redemptions(campaign=campaign, until=last),
        granted_fen=campaign.offer_amount_fen * delivered if campaign.offer_kind == OfferKind.BONUS else None)
    _add_retention(report, totals, treated, control, level)
    _add_roi(report)
    report.daily = _daily_means({"treatment": treated, "control": control}, windows["pre"].first, last)
    return report


def _add_retention(report: CampaignReport, totals, treated: list[int], control: list[int], level: float) -> None:
    """Share of the merchants who shipped in the pre-period still shipping in the latest window."""
    code = "after" if "after" in report.windows else "during" if "during" in report.windows else ""
    if not code:
        return
    active_t = [pk for pk in treated if totals["pre"].get(pk, (0,))[0] > 0]
    active_c = [pk for pk in control if totals["pre"].get(pk, (0,))[0] > 0]
    kept_t = sum(totals[code].get(pk, (0,))[0] > 0 for pk in active_t)
    kept_c = sum(totals[code].get(pk, (0,))[0] > 0 for pk in active_c)
    report.retention = evaluation.proportion_difference(kept_t, len(active_t), kept_c, len(active_c), level=level)
    report.retention_window = code


def _add_roi(report: CampaignReport) -> None:
    margins = [r for r in report.results if r.metric == "margin_fen"]
    if not margins:
        return
    report.incremental_margin_fen = sum(r.incremental_total for r in margins)
    # The windows' estimates share merchants, so their errors are not independent: add the bounds (conservative).
    report.incremental_margin_low_fen = sum(r.result.adjusted.low * r.n_treatment for r in margins)
    report.incremental_margin_high_fen = sum(r.result.adjusted.high * r.n_treatment for r in margins)
    cost = report.redemptions.amount_fen
    report.roi = evaluation.roi(report.incremental_margin_fen, cost)
    report.roi_low = evaluation.roi(report.incremental_margin_low_fen, cost)
    report.roi_high = evaluation.roi(report.incremental_margin_high_fen, cost)


# Regional pushes ---------------------------------------------------------------------------------------------


def region_prefix(adcode: str) -> str:
    """330000 → 33 (a province), 330700 → 3307 (a city), 330782 → 330782 (a district)."""
    if adcode.endswith("0000"):
        return adcode[:2]
    if adcode.endswith("00"):
        return adcode[:4]
    return adcode


def regions_overlap(first: list[str], second: list[str]) -> bool:
    a, b = [region_prefix(c) for c in first], [region_prefix(c) for c in second]
    return any(x.startswith(y) or y.startswith(x) for x in a for y in b)


def region_merchant_ids(adcodes: list[str]) -> list[int]:
    query = Q(pk__in=[])
    for code in adcodes:
        query |= Q(origin_region__adcode__startswith=region_prefix(code))
    return list(Merchant.objects.filter(query, is_active=True).order_by("pk").values_list("pk", flat=True))


def region_name_map(adcodes: list[str]) -> dict[str, str]:
    return dict(Region.objects.filter(adcode__in=set(adcodes)).values_list("adcode", "name"))


def region_names(adcodes: list[str]) -> list[str]:
    names = region_name_map(adcodes)
    return [names.get(code, code) for code in adcodes]


@dataclass
class PushReport:
    push: RegionalPush
    as_of: dt.date
    pre: Window
    during: Window | None
    n_treated: int
    n_comparison: int
    treated_names: list[str]
    comparison_names: list[str]
    results: dict[str, evaluation.Estimate] = field(default_factory=dict)   # metric → per merchant per day
    daily: dict[str, list] = field(default_factory=dict)

    def incremental_total(self, metric: str) -> float | None:
        estimate = self.results.get(metric)
        if estimate is None or self.during is None:
            return None
        return estimate.effect * self.during.days * self.n_treated


def regional_push_report(push: RegionalPush, *, as_of: dt.date | None = None, level: float = 0.95) -> PushReport:
    """Difference-in-differences of daily rates (the pre-period and the push may differ in length)."""
    as_of = as_of or last_complete_day()
    pre = Window("pre", push.pre_start, push.starts_on - dt.timedelta(days=1))
    during = Window("during", push.starts_on, min(push.ends_on, as_of)) if as_of >= push.starts_on else None
    treated, comparison = region_merchant_ids(push.treated_regions), region_merchant_ids(push.comparison_regions)
    report = PushReport(push=push, as_of=as_of, pre=pre, during=during, n_treated=len(treated),
                        n_comparison=len(comparison), treated_names=region_names(push.treated_regions),
                        comparison_names=region_names(push.comparison_regions))
    if during is not None:
        before, after = _totals(treated + comparison, pre), _totals(treated + comparison, during)
        for index, metric in enumerate(METRICS):
            def rate(ids: list[int], totals, window: Window, i: int = index) -> list[float]:
                return [v / window.days for v in _vector(ids, totals, i)]

            estimate = evaluation.did(rate(treated, before, pre), rate(treated, after, during),
                                      rate(comparison, before, pre), rate(comparison, after, during), level=level)
            if estimate is not None:
                report.results[metric] = estimate
    report.daily = _daily_means({"treated": treated, "comparison": comparison}, pre.first,
                                during.last if during else pre.last)
    return report
