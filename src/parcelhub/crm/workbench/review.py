"""The business review of one merchant: volume and spend trend, cost structure by carrier and lane, lanes that ran
late against the carrier's norm, exceptions, and savings a cheaper service with an equal on-time rate would bring.

One function gathers everything (`business_review`) so the HTML page and the PDF show the same figures.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.geo.models import Region
from parcelhub.insights.models import MerchantDay
from parcelhub.shipping.models import Shipment
from parcelhub.tracking.models import TrackingIssue
from parcelhub.tracking.selectors import LaneScore, lane_scores

WINDOW_DAYS = 90
TREND_MONTHS = 6
LATE_GAP = 0.10          # a lane is anomalous when its on-time rate is 10 points under the carrier's on that lane
MIN_DELIVERED = 5        # …and has at least this many delivered parcels on both sides
ON_TIME_TOLERANCE = 0.0  # an alternative must be at least as punctual as the current carrier on the lane
TOP_LANES = 5


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    shipments: int
    revenue_fen: int


@dataclass(frozen=True)
class CostRow:
    label: str
    shipments: int
    spend_fen: int
    share: float

    @property
    def average_fen(self) -> int:
        return round(self.spend_fen / self.shipments) if self.shipments else 0


@dataclass(frozen=True)
class LateLane:
    carrier: str
    lane: str
    delivered: int
    on_time_rate: float
    carrier_rate: float

    @property
    def gap_points(self) -> int:
        return round((self.carrier_rate - self.on_time_rate) * 100)


@dataclass(frozen=True)
class Option:
    carrier: str
    service: str
    service_name: str
    price_fen: int
    on_time_rate: float | None


@dataclass(frozen=True)
class Saving:
    lane: str
    parcels_per_month: int
    weight_g: int
    current: Option
    better: Option

    @property
    def per_parcel_fen(self) -> int:
        return self.current.price_fen - self.better.price_fen

    @property
    def per_month_fen(self) -> int:
        return self.per_parcel_fen * self.parcels_per_month


@dataclass
class BusinessReview:
    merchant: Merchant
    start: dt.date
    end: dt.date
    months: list[MonthRow] = field(default_factory=list)
    shipments: int = 0
    spend_fen: int = 0
    by_carrier: list[CostRow] = field(default_factory=list)
    by_lane: list[CostRow] = field(default_factory=list)
    late_lanes: list[LateLane] = field(default_factory=list)
    exceptions: list[tuple[str, int]] = field(default_factory=list)
    exception_rate: float = 0.0
    savings: list[Saving] = field(default_factory=list)

    @property
    def savings_per_month_fen(self) -> int:
        return sum(s.per_month_fen for s in self.savings)


def best_alternative(current: Option, candidates: list[Option], *, tolerance: float = ON_TIME_TOLERANCE) -> Option | None:
    """The cheapest candidate that costs less than `current` and is at least as punctual (by lane history) — pure,
    so the rule reads in one place. Candidates without history on the lane are not suggested: the point is an
    equal on-time rate, not a guess."""
    if current.on_time_rate is None:
        return None
    fit = [c for c in candidates if c.price_fen < current.price_fen and c.on_time_rate is not None
           and c.on_time_rate >= current.on_time_rate - tolerance
           and (c.carrier, c.service) != (current.carrier, current.service)]
    return min(fit, key=lambda c: (c.price_fen, -(c.on_time_rate or 0), c.carrier, c.service), default=None)


def _months(merchant: Merchant, end: dt.date) -> list[MonthRow]:
    index = end.year * 12 + end.month - 1 - (TREND_MONTHS - 1)
    first = dt.date(index // 12, index % 12 + 1, 1)
    rows = (MerchantDay.objects.filter(merchant=merchant, day__gte=first, day__lte=end)
            .annotate(month=TruncMonth("day")).values("month")
            .annotate(shipments=Sum("shipments"), revenue=Sum("revenue_fen")).order_by("month"))
    found = {r["month"]: r for r in rows}
    result, month = [], first
    while month <= end:
        row = found.get(month, {})
        result.append(MonthRow(month, int(row.get("shipments") or 0), int(row.get("revenue") or 0)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return result


def _shipments(merchant: Merchant, since: dt.datetime):
    return Shipment.objects.filter(merchant=merchant, test_mode=False, purchased_at__gte=since,
                                   voided_at__isnull=True)


def _province(adcode: str) -> str:
    return adcode[:2] + "0000"


def _costs(review: BusinessReview, since: dt.datetime, names: dict[str, str]) -> list[tuple]:
    rows = list(_shipments(review.merchant, since).values_list(
        "carrier_code", "service_code", "service_name", "sender_region_id", "recipient_region_id", "total_fen",
        "billable_weight_g"))
    review.shipments = len(rows)
    review.spend_fen = sum(r[5] for r in rows)
    carriers: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    lanes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for carrier, _service, _name, sender, recipient, total, _weight in rows:
        for bucket, key in ((carriers, carrier.upper()),
                            (lanes, f"{names.get(_province(sender), sender)} → "
                                    f"{names.get(_province(recipient), recipient)}")):
            bucket[key][0] += 1
            bucket[key][1] += total
    spend = review.spend_fen or 1
    review.by_carrier = sorted((CostRow(k, n, s, s / spend) for k, (n, s) in carriers.items()),
                               key=lambda r: (-r.spend_fen, r.label))
    review.by_lane = sorted((CostRow(k, n, s, s / spend) for k, (n, s) in lanes.items()),
                            key=lambda r: (-r.spend_fen, r.label))[:10]
    return rows


def _late_lanes(mine: list[LaneScore], everyone: dict[tuple[str, str, str], LaneScore]) -> list[LateLane]:
    late = []
    for lane in mine:
        norm = everyone.get((lane.carrier, lane.origin, lane.destination))
        if norm is None or lane.delivered < MIN_DELIVERED or norm.delivered < MIN_DELIVERED:
            continue
        if lane.on_time_rate is not None and norm.on_time_rate is not None \
                and lane.on_time_rate <= norm.on_time_rate - LATE_GAP:
            late.append(LateLane(lane.carrier.upper(), f"{lane.origin_name} → {lane.destination_name}",
                                 lane.delivered, lane.on_time_rate, norm.on_time_rate))
    return sorted(late, key=lambda x: (-x.gap_points, x.lane))


def _option(quote, lane: LaneScore | None) -> Option:
    rate = lane.on_time_rate if lane is not None and lane.delivered >= MIN_DELIVERED else None
    return Option(quote.carrier, quote.service, quote.service_name, quote.total_fen, rate)


def _savings(review: BusinessReview, rows: list[tuple], everyone: dict, names: dict[str, str],
             days: int) -> list[Saving]:
    from parcelhub.carriers.selectors import rating_inputs
    from parcelhub.geo.selectors import origin_chain
    from parcelhub.marketing.pricing import price_quotes
    from parcelhub.rating.engine import quote_all
    from parcelhub.rating.types import Parcel

    groups: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
    for carrier, service, _name, sender, recipient, _total, weight in rows:
        groups[(carrier, service, sender, _province(recipient))].append(weight)
    top = sorted(groups.items(), key=lambda kv: -len(kv[1]))[:TOP_LANES]
    regions = Region.objects.in_bulk({key[2] for key, _ in top})
    inputs, savings = rating_inputs(), []
    for (carrier, service, sender, destination), weights in top:
        weight = int(statistics.median(weights)) or 1
        chain = origin_chain(regions[sender])
        quotes = quote_all(Parcel(origin=chain, destination_province=destination, weight_g=weight), inputs)
        quotes = price_quotes(quotes, merchant=review.merchant, origin=chain[0], destination=destination,
                              with_offers=False).quotes
        eligible = [_option(q, everyone.get((q.carrier, _province(sender), destination))) for q in quotes
                    if q.eligible]
        current = next((o for o in eligible if (o.carrier, o.service) == (carrier, service)), None)
        better = best_alternative(current, eligible) if current is not None else None
        if better is not None:
            lane = f"{names.get(_province(sender), sender)} → {names.get(destination, destination)}"
            savings.append(Saving(lane, round(len(weights) * 30 / days), weight, current, better))
    return sorted(savings, key=lambda s: -s.per_month_fen)


def business_review(merchant: Merchant, *, end: dt.date | None = None) -> BusinessReview:
    end = end or clock.today()
    start = end - dt.timedelta(days=WINDOW_DAYS - 1)
    since = clock.start_of_day(start)
    review = BusinessReview(merchant=merchant, start=start, end=end, months=_months(merchant, end))
    names = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("adcode", "short_name"))
    rows = _costs(review, since, names)
    everyone = {(s.carrier, s.origin, s.destination): s for s in lane_scores(since=since)}
    review.late_lanes = _late_lanes(lane_scores(merchant=merchant, since=since), everyone)
    kinds = dict(TrackingIssue.Kind.choices)
    issues = Counter(dict(TrackingIssue.objects.filter(merchant=merchant, opened_at__gte=since)
                          .values("kind").annotate(n=Count("pk")).values_list("kind", "n")))
    review.exceptions = [(str(kinds.get(kind, kind)), n) for kind, n in issues.most_common()]
    review.exception_rate = sum(issues.values()) / review.shipments if review.shipments else 0.0
    review.savings = _savings(review, rows, everyone, names, WINDOW_DAYS)
    return review
