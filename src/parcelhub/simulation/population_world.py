"""Demo world: a synthetic population of merchants with a year of daily volume (insights.MerchantDay): head, waist
and long tail, seasons, and injected churners, dips that recover and sparse shippers (simulation.population).

The hand-made demo merchants get a history too, so their 360 page and churn risk have something to show."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.utils import timezone

from parcelhub.accounts.models import Merchant
from parcelhub.geo.models import Region
from parcelhub.insights.models import MerchantDay
from parcelhub.simulation.population import Population, generate

MERCHANTS = 300
DAYS = 400
SEED = 2026
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "丽")
# Which generated size stands in for each hand-made demo merchant (by position in DEMO_MERCHANTS).
DEMO_SIZES = ("waist", "head", "tail")


def population(*, today: dt.date) -> Population:
    """The demo's population: its history ends yesterday. Deterministic for a given `today`."""
    return generate(merchants=MERCHANTS + len(DEMO_SIZES) * 4, days=DAYS, end=today - dt.timedelta(days=1),
                    seed=SEED)


def build(*, merchants: list[Merchant], today: dt.date) -> dict[str, int]:
    """`merchants` are the hand-made demo merchants; returns counts for the demo command's summary."""
    pop = population(today=today)
    stand_ins = _stand_ins(pop, len(merchants))
    rows = [i for i in range(len(pop.ids)) if i not in stand_ins][:MERCHANTS]
    if Merchant.objects.filter(name=pop.names[rows[0]]).exists():
        return {"population_merchants": 0, "merchant_days": 0}  # built by an earlier run
    regions = {r.adcode: r for r in Region.objects.filter(adcode__in=set(pop.adcode[rows].tolist()))}
    created = Merchant.objects.bulk_create([_merchant(pop, i, regions) for i in rows])
    # created_at is auto_now_add, which bulk_create fills with now; the population signed up over three years.
    for merchant, i in zip(created, rows, strict=True):
        merchant.created_at = _moment(pop.day(int(pop.created_day[i])))
    Merchant.objects.bulk_update(created, ["created_at"], batch_size=500)
    pairs = list(zip(created, rows, strict=True))
    pairs += [(m, i) for m, i in zip(merchants, stand_ins, strict=False) if m.pk]
    days = _merchant_days(pop, pairs)
    MerchantDay.objects.bulk_create(days, batch_size=2000, ignore_conflicts=True)
    return {"population_merchants": len(created), "merchant_days": len(days)}


def _stand_ins(pop: Population, count: int) -> list[int]:
    """Healthy generated merchants of the right size, one per hand-made demo merchant."""
    healthy = (pop.drop_day < 0) & (pop.dip_day < 0) & (pop.created_day < 0)
    picks: list[int] = []
    for size in DEMO_SIZES[:count]:
        candidates = [int(i) for i in np.flatnonzero(healthy & (pop.size == size)) if int(i) not in picks]
        if candidates:
            picks.append(candidates[0])
    return picks


def _merchant(pop: Population, i: int, regions: dict[str, Region]) -> Merchant:
    rng = np.random.default_rng(SEED + i)
    contact = str(rng.choice(list(SURNAMES))) + str(rng.choice(GIVEN))
    monthly = int(pop.shipments[i, -60:].sum() // 2)
    return Merchant(name=pop.names[i], contact_name=contact, phone=f"13{rng.integers(0, 10 ** 9):09d}",
                    industry=str(pop.industry[i]), expected_monthly_volume=monthly,
                    origin_region=regions.get(str(pop.adcode[i])), acquisition_channel=str(pop.channel[i]),
                    is_active=True)


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _merchant_days(pop: Population, pairs: list[tuple[Merchant, int]]) -> list[MerchantDay]:
    """Only days with shipments get a row: a missing day means zero, as in the rollup."""
    out: list[MerchantDay] = []
    dates = [pop.day(d) for d in range(pop.days)]
    for merchant, i in pairs:
        series = pop.shipments[i]
        price, cost = int(pop.price_fen[i]), int(pop.cost_fen[i])
        for d in np.flatnonzero(series):
            count = int(series[d])
            out.append(MerchantDay(merchant_id=merchant.pk, day=dates[d], shipments=count,
                                   revenue_fen=count * price, cost_fen=count * cost))
    return out
