from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from parcelhub.accounts.models import Merchant
from parcelhub.insights.models import MerchantDay
from parcelhub.simulation import population_world

TODAY = dt.date(2026, 11, 23)


@pytest.mark.django_db
def test_population_world_writes_merchants_and_their_days(merchant_a):
    demo = merchant_a[0]
    counts = population_world.build(merchants=[demo], today=TODAY)
    pop = population_world.population(today=TODAY)
    assert counts["population_merchants"] == population_world.MERCHANTS
    assert Merchant.objects.count() == population_world.MERCHANTS + 1
    assert MerchantDay.objects.count() == counts["merchant_days"]
    assert MerchantDay.objects.filter(shipments=0).count() == 0
    first = MerchantDay.objects.order_by("day").first().day
    last = MerchantDay.objects.order_by("-day").first().day
    assert (first, last) == (TODAY - dt.timedelta(days=400), TODAY - dt.timedelta(days=1))
    # One generated merchant, row by row: the database holds exactly the generated series.
    stand_in = population_world._stand_ins(pop, 1)[0]
    i = next(i for i in range(len(pop.ids)) if i != stand_in)
    merchant = Merchant.objects.get(name=pop.names[i])
    stored = MerchantDay.objects.filter(merchant=merchant).aggregate(n=Sum("shipments"), r=Sum("revenue_fen"))
    assert stored["n"] == int(pop.shipments[i].sum())
    assert stored["r"] == int(pop.shipments[i].sum()) * int(pop.price_fen[i])
    assert merchant.origin_region.adcode == pop.adcode[i]
    assert merchant.created_at.date() == pop.day(int(pop.created_day[i]))
    # The hand-made demo merchant got a healthy stand-in's history.
    assert MerchantDay.objects.filter(merchant=demo).aggregate(n=Sum("shipments"))["n"] == \
        int(pop.shipments[stand_in].sum())
    # A second run adds nothing.
    assert population_world.build(merchants=[demo], today=TODAY) == {"population_merchants": 0, "merchant_days": 0}
    assert Merchant.objects.count() == population_world.MERCHANTS + 1
