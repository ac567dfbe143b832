"""Concurrent calls from many processes' worth of connections: numbers stay unique, repeats stay single,
and a pickup slot is never overbooked. Needs PostgreSQL (SQLite serialises writers anyway)."""

from __future__ import annotations

import pytest
from django.db import connection

from parcelhub.carriers.adapters import CarrierRefused
from parcelhub.carriers.adapters.sandbox import PICKUP_CAPACITY, SandboxNetwork
from parcelhub.carriers.adapters.sandbox_numbers import WAYBILL_PATTERNS
from parcelhub.carriers.sandbox_models import SandboxCounter, SandboxPickup, SandboxWaybill
from parcelhub.geo.models import Region
from parcelhub.geo.regions_data import load_regions
from tests.carriers.test_sandbox_pickups import at, pickup
from tests.carriers.test_sandbox_world import freeze, make_world, waybill_request
from tests.concurrency import in_threads

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def world(transactional_db, monkeypatch) -> SandboxNetwork:
    load_regions(Region)   # a transactional test starts after another one's flush
    freeze(monkeypatch)
    return make_world()


def test_concurrent_waybills_get_distinct_numbers(world):
    def work(index: int) -> list[str]:
        return [world.create_waybill(waybill_request("zto", reference=f"shp_{index}_{n}")).waybill_no
                for n in range(10)]

    results = in_threads(8, work)
    numbers = [no for batch in results for no in batch]   # type: ignore[union-attr]
    assert len(numbers) == len(set(numbers)) == 80
    assert all(WAYBILL_PATTERNS["zto"].match(no) for no in numbers)
    assert SandboxCounter.objects.get(name="zto:waybill:live").value == 80


def test_concurrent_repeats_of_one_order_get_one_waybill(world):
    results = in_threads(6, lambda _: world.create_waybill(waybill_request("sf", reference="shp_same")))
    assert len({r.waybill_no for r in results}) == 1   # type: ignore[union-attr]
    assert SandboxWaybill.objects.filter(reference="shp_same").count() == 1


def test_a_slot_is_never_overbooked(world):
    results = in_threads(6, lambda i: world.book_pickup(pickup("ems", at(1, 14), reference=f"pk_{i}")))
    refused = [r for r in results if isinstance(r, CarrierRefused)]
    assert len(results) - len(refused) == PICKUP_CAPACITY["ems"] == 2
    assert {r.code for r in refused} == {"pickup_slot_unavailable"}
    assert SandboxPickup.objects.filter(carrier="ems").count() == 2
