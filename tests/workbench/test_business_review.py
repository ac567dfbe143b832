"""The business review: cost structure, late lanes against the carrier's norm, exceptions and savings."""

from __future__ import annotations

import datetime as dt
import io

import pypdfium2
import pytest

from parcelhub.accounts.models import Merchant
from parcelhub.core import clock
from parcelhub.crm.workbench.review import Option, best_alternative, business_review
from parcelhub.crm.workbench.review_pdf import review_pdf
from parcelhub.insights.models import MerchantDay
from parcelhub.shipping.models import Shipment
from parcelhub.tracking import eta_data
from parcelhub.tracking.models import Tracking, TrackingIssue
from parcelhub.tracking.status import Status
from tests.rating.world import build_small_world

pytestmark = pytest.mark.django_db


def test_best_alternative_is_the_cheapest_at_least_as_punctual():
    now = Option("sf", "standard", "顺丰标快", 1200, 0.90)
    options = [Option("zto", "standard", "中通标快", 800, 0.85), Option("yto", "standard", "圆通", 900, 0.90),
               Option("sto", "standard", "申通", 850, 0.95), Option("jd", "standard", "京东", 700, None),
               Option("sf", "economy", "顺丰特惠", 1300, 0.99)]
    assert best_alternative(now, options).carrier == "sto"
    assert best_alternative(now, options, tolerance=0.05).carrier == "zto"
    assert best_alternative(Option("sf", "standard", "x", 1200, None), options) is None
    assert best_alternative(now, [Option("zto", "standard", "z", 1300, 1.0)]) is None


def _ship(merchant: Merchant, carrier: str, n: int, *, days_to_deliver: int, transit: int, price: int,
          start: int = 0) -> list[Shipment]:
    bought = clock.now() - dt.timedelta(days=10)
    made = []
    for i in range(n):
        shipment = Shipment.objects.create(
            merchant=merchant, status="purchased", sender_name="s", sender_phone="1", sender_region_id="330782",
            recipient_name="r", recipient_phone="2", recipient_region_id="330106", weight_g=1000,
            billable_weight_g=1000, carrier_code=carrier, service_code="standard", service_name=carrier.upper(),
            total_fen=price, cost_fen=price - 100, transit_days=transit, waybill_no=f"{carrier}{merchant.pk}{start + i}",
            purchased_at=bought)
        Tracking.objects.create(shipment=shipment, carrier_code=carrier, waybill_no=shipment.waybill_no,
                                status=Status.DELIVERED, delivered_at=bought + dt.timedelta(days=days_to_deliver))
        made.append(shipment)
    return made


@pytest.fixture
def world(merchant_a, merchant_b, monkeypatch):
    # Fewer than the ETA model's 30 samples: "on time" is judged against the services' transit days.
    monkeypatch.setattr(eta_data, "_cache", None)
    build_small_world(effective_from=clock.today() - dt.timedelta(days=30))
    mine, _ = merchant_a
    other, _ = merchant_b
    late = _ship(mine, "sf", 6, days_to_deliver=3, transit=1, price=1200)
    _ship(other, "sf", 8, days_to_deliver=1, transit=1, price=1200)
    _ship(other, "zto", 8, days_to_deliver=2, transit=2, price=800)
    TrackingIssue.objects.create(tracking=late[0].tracking, merchant=mine, kind="no_update",
                                 opened_at=clock.now() - dt.timedelta(days=8))
    MerchantDay.objects.create(merchant=mine, day=clock.today() - dt.timedelta(days=10), shipments=6,
                               revenue_fen=7_200, cost_fen=6_600)
    return mine


def test_review_of_a_merchant_late_on_a_lane_with_a_cheaper_punctual_carrier(world):
    review = business_review(world)
    assert (review.shipments, review.spend_fen) == (6, 7_200)
    assert [(r.label, r.shipments, r.spend_fen, r.share, r.average_fen) for r in review.by_carrier] == [
        ("SF", 6, 7_200, 1.0, 1_200)]
    assert [(r.label, r.shipments) for r in review.by_lane] == [("浙江 → 浙江", 6)]
    assert review.months[-1].shipments == 6 and len(review.months) == 6
    late = review.late_lanes
    assert [(x.carrier, x.lane, x.delivered, x.on_time_rate, round(x.carrier_rate, 4), x.gap_points)
            for x in late] == [("SF", "浙江 → 浙江", 6, 0.0, round(8 / 14, 4), 57)]
    assert review.exceptions == [("No update for 48 hours in transit", 1)]
    assert review.exception_rate == pytest.approx(1 / 6)
    [saving] = review.savings
    assert (saving.current.carrier, saving.better.carrier, saving.parcels_per_month, saving.weight_g) == (
        "sf", "zto", 2, 1000)
    # Today's list prices for 1 kg from 义乌 to 浙江: SF first weight ¥12.00; ZTO ¥5.00 + 5 % fuel, raised to its
    # ¥8.00 minimum charge.
    assert (saving.current.price_fen, saving.better.price_fen, saving.per_month_fen) == (1_200, 800, 800)
    assert review.savings_per_month_fen == 800


def test_review_pdf_renders_every_section(world):
    pdf = review_pdf(business_review(world))
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    for needle in ("Business review", "Cost by carrier", "浙江 → 浙江", "57%", "ZTO", "¥8.00",
                   "No update for 48 hours in transit"):
        assert needle in text
    document.close()
