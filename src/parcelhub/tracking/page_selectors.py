"""Reads for the branded tracking page: what a consignee sees, and the merchant's NPS and click results.

The public page is reached by anyone holding the label's QR code, so everything here shows the recipient
masked (name and phone as on a privacy waybill) and never the street address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from parcelhub.carriers.models import Carrier
from parcelhub.core import clock
from parcelhub.plans.selectors import feature_enabled
from parcelhub.shipping.labels.privacy import mask_name, mask_phone
from parcelhub.shipping.models import Shipment
from parcelhub.tracking.models import (
    STATUS_CHOICES,
    MarketingBlock,
    NpsResponse,
    Tracking,
    TrackingClick,
    TrackingPageDesign,
)
from parcelhub.tracking.status import RANK, Status

# The main line as drawn on the progress bar (a locker pickup counts as out for delivery there).
PROGRESS_STEPS = (Status.PICKED_UP, Status.IN_TRANSIT, Status.ARRIVED_AT_DESTINATION_CITY,
                  Status.OUT_FOR_DELIVERY, Status.DELIVERED)
_STATUS_WORDS = dict(STATUS_CHOICES)
# Short words under the bar: five of them share a phone's width.
_STEP_WORDS = {Status.PICKED_UP: _("Picked up"), Status.IN_TRANSIT: _("In transit"),
               Status.ARRIVED_AT_DESTINATION_CITY: _("In your city"), Status.OUT_FOR_DELIVERY: _("Out for delivery"),
               Status.DELIVERED: _("Delivered")}
NPS_SCALE = range(11)


def design_for(merchant) -> TrackingPageDesign:
    """The merchant's design, or an unsaved one with the defaults (shop name = company name)."""
    design = TrackingPageDesign.objects.filter(merchant=merchant).first()
    return design or TrackingPageDesign(merchant=merchant)


def blocks_for(merchant) -> list[MarketingBlock]:
    """Every block of the merchant, active or not (the designer's list)."""
    return list(MarketingBlock.objects.filter(merchant=merchant))


def page_blocks(merchant, design: TrackingPageDesign) -> list[MarketingBlock]:
    """The active blocks the page shows, as the design's toggles allow; always only this merchant's."""
    kinds = [kind for kind, shown in ((MarketingBlock.Kind.PRODUCT, design.show_recommendations),
                                      (MarketingBlock.Kind.COUPON, design.show_coupon)) if shown]
    return list(MarketingBlock.objects.filter(merchant=merchant, is_active=True, kind__in=kinds))


def public_shipment(public_id: str) -> Shipment | None:
    """A tracked shipment by its public id (the label's QR code), or None: drafts have no page."""
    return (Shipment.objects.select_related("merchant", "tracking")
            .filter(public_id=public_id, tracking__isnull=False).first())


def lookup_shipment(*, waybill_no: str, phone_last4: str) -> Shipment | None:
    """The parcel with this waybill number whose recipient phone ends in these 4 digits, else None."""
    waybill_no, phone_last4 = waybill_no.strip(), phone_last4.strip()
    if not waybill_no or len(phone_last4) != 4 or not phone_last4.isdigit():
        return None
    for shipment in Shipment.objects.filter(waybill_no=waybill_no, tracking__isnull=False).order_by("pk"):
        digits = "".join(ch for ch in shipment.recipient_phone if ch.isdigit())
        if digits.endswith(phone_last4):
            return shipment
    return None


def carrier_names(codes: Iterable[str]) -> dict[str, str]:
    """Carrier codes in words (Chinese name for Chinese pages, English otherwise)."""
    zh = (translation.get_language() or "en").startswith("zh")
    return {c.code: (c.name if zh else c.name_en or c.name) for c in Carrier.objects.filter(code__in=set(codes))}


@dataclass
class ProgressStep:
    status: str
    label: str
    done: bool
    current: bool


def progress_steps(tracking: Tracking) -> tuple[list[ProgressStep], int]:
    """The main-line steps with the ones reached marked, and the bar's percentage."""
    reached = RANK[Status(tracking.progress)]
    steps = [ProgressStep(status=step.value, label=str(_STEP_WORDS[step]), done=RANK[step] <= reached,
                          current=False) for step in PROGRESS_STEPS]
    done = [s for s in steps if s.done]
    if done:
        done[-1].current = True
    percent = round(100 * reached / RANK[Status.DELIVERED])
    return steps, percent


def public_page_context(shipment: Shipment) -> dict:
    """Everything the public page shows for one parcel."""
    tracking: Tracking = shipment.tracking
    design = design_for(shipment.merchant)
    if design.pk and not feature_enabled(shipment.merchant, "custom_tracking_page"):
        # A design saved on Pro or during a trial is kept, but its branding shows only while the plan has the
        # branded page; which blocks to show stays the merchant's choice.
        design = TrackingPageDesign(merchant=shipment.merchant, show_recommendations=design.show_recommendations,
                                    show_coupon=design.show_coupon)
    steps, percent = progress_steps(tracking)
    events = list(tracking.events.order_by("-occurred_at", "-id"))
    status_words = str(_STATUS_WORDS.get(tracking.status, tracking.status))
    if tracking.status == Status.EXCEPTION and tracking.exception_kind:
        status_words = f"{status_words}: {tracking.get_exception_kind_display()}"
    return {
        "shipment": shipment, "tracking": tracking, "design": design,
        "shop_name": design.display_name or shipment.merchant.name,
        "status_words": status_words, "steps": steps, "percent": percent,
        "is_delivered": tracking.status == Status.DELIVERED,
        "events": events,
        "carrier_name": carrier_names([shipment.carrier_code]).get(shipment.carrier_code, shipment.carrier_code),
        "recipient_name": mask_name(shipment.recipient_name),
        "recipient_phone": mask_phone(shipment.recipient_phone),
        "blocks": page_blocks(shipment.merchant, design),
        "nps": NpsResponse.objects.filter(shipment=shipment).first(),
        "nps_scale": NPS_SCALE,
    }


# -- results -----------------------------------------------------------------------------------------------


@dataclass
class NpsSummary:
    responses: int = 0
    promoters: int = 0     # 9–10
    passives: int = 0      # 7–8
    detractors: int = 0    # 0–6
    label: str = ""

    @property
    def score(self) -> Decimal | None:
        """NPS = % promoters − % detractors, to one decimal (half up); None without answers."""
        if not self.responses:
            return None
        value = Decimal(100 * (self.promoters - self.detractors)) / Decimal(self.responses)
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


_BUCKETS = {"promoters": Count("id", filter=Q(score__gte=9)), "passives": Count("id", filter=Q(score__in=[7, 8])),
            "detractors": Count("id", filter=Q(score__lte=6)), "responses": Count("id")}


def nps_summary(*, merchant=None) -> NpsSummary:
    """One merchant's NPS (or the whole platform's without `merchant`)."""
    qs = NpsResponse.objects.all() if merchant is None else NpsResponse.objects.filter(merchant=merchant)
    return NpsSummary(**qs.aggregate(**_BUCKETS))


def nps_by_carrier(*, merchant=None) -> list[NpsSummary]:
    """NPS per carrier, most answers first; one merchant's answers, or every merchant's for the operator."""
    qs = NpsResponse.objects.all() if merchant is None else NpsResponse.objects.filter(merchant=merchant)
    rows = list(qs.values("carrier_code").annotate(**_BUCKETS).order_by("-responses", "carrier_code"))
    names = carrier_names(r["carrier_code"] for r in rows)
    return [NpsSummary(responses=r["responses"], promoters=r["promoters"], passives=r["passives"],
                       detractors=r["detractors"], label=names.get(r["carrier_code"], r["carrier_code"]))
            for r in rows]


def nps_comments(*, merchant, limit: int = 50) -> list[NpsResponse]:
    """The newest answers that came with a comment."""
    return list(NpsResponse.objects.filter(merchant=merchant).exclude(comment="")
                .select_related("shipment").order_by("-answered_at", "-id")[:limit])


@dataclass
class BlockClicks:
    label: str
    target: str
    clicks: int


def clicks_by_block(*, merchant) -> list[BlockClicks]:
    """Clicks per block (and on the shop link), most clicked first."""
    rows = (TrackingClick.objects.filter(merchant=merchant).values("block_id", "block__title", "target")
            .annotate(clicks=Count("id")).order_by("-clicks", "block_id"))
    out = []
    for r in rows:
        label = r["block__title"] or ("" if r["block_id"] else "shop")
        out.append(BlockClicks(label=label, target=r["target"], clicks=r["clicks"]))
    return out


@dataclass
class DayClicks:
    day: dt.date
    clicks: int
    percent: int = 0


@dataclass
class ClickDays:
    days: list[DayClicks] = field(default_factory=list)
    total: int = 0


def clicks_by_day(*, merchant, days: int = 14) -> ClickDays:
    """Clicks per local day for the last `days` days, today included, zero days shown."""
    today = clock.today()
    start = today - dt.timedelta(days=days - 1)
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    counts = dict(TrackingClick.objects.filter(merchant=merchant, clicked_at__gte=since)
                  .annotate(day=TruncDate("clicked_at", tzinfo=tz)).values("day")
                  .annotate(n=Count("id")).values_list("day", "n"))
    result = ClickDays(days=[DayClicks(day=start + dt.timedelta(days=i), clicks=counts.get(start + dt.timedelta(days=i), 0))
                             for i in range(days)])
    result.total = sum(d.clicks for d in result.days)
    peak = max((d.clicks for d in result.days), default=0)
    for d in result.days:
        d.percent = round(100 * d.clicks / peak) if peak else 0
    return result
