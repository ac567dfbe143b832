"""Benchmark: vectorised rating (rating.batch) against the scalar reference (rating.engine), in one run.

    .venv/bin/python bench/rates.py [--parcels 100000] [--sample 2000] [--repeat 3] [--seed 7]

Builds synthetic but realistic inputs (10 services of 8 carriers, shipping from 义乌, 广州 and 深圳 to the 31
provinces), times the batch path over every parcel × service (compiling the inputs and computing every array a
response needs; from ParcelColumns and from a list of Parcel), turning those arrays into Quote objects, and the
scalar path on a sample. Prints a Markdown
table; exits 1 if the two paths disagree on any sampled parcel. Times are the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from parcelhub.rating.batch import ParcelColumns, compile_inputs, materialise, quote_arrays
from parcelhub.rating.engine import quote_all
from parcelhub.rating.types import LaneTariff, RateCard, RatingInputs, ServiceSpec, Tariff, WeightBand

PROVINCES = (
    "110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000", "310000", "320000",
    "330000", "340000", "350000", "360000", "370000", "410000", "420000", "430000", "440000", "450000",
    "460000", "500000", "510000", "520000", "530000", "540000", "610000", "620000", "630000", "640000",
    "650000",
)
REMOTE = frozenset({"150000", "540000", "620000", "630000", "640000", "650000"})
# Provinces a shipper in each origin province reaches cheaply (江浙沪皖; 华南).
NEAR = {"330000": {"310000", "320000", "340000"}, "440000": {"350000", "450000", "460000", "360000", "430000"}}
ORIGIN_CHAINS = (("330782", "330700", "330000"), ("440100", "440000"), ("440300", "440000"))
ORIGIN_SHARE = (0.5, 0.25, 0.25)

SF_BANDS = (WeightBand(100_000, 500), WeightBand(None, 1000))
KG_BANDS = (WeightBand(None, 1000),)
# carrier, service, name, max kg, divisor, bands, max side, max declared (fen),
# price level (first kg fen near home), per-kg level, card origins, zone → transit day offset
SERVICES = (
    ("sf", "express", "顺丰特快", 300, 6000, SF_BANDS, 300, None, 2300, 1300, ("330000", "440000", "440300"), -1),
    ("sf", "standard", "顺丰标快", 300, 12000, SF_BANDS, 300, None, 1300, 800, ("330000", "440000"), 0),
    ("zto", "standard", "中通快递", 50, 8000, KG_BANDS, 150, 3_000_000, 300, 250, ("330782", "440000"), 1),
    ("yto", "standard", "圆通速递", 50, 8000, KG_BANDS, 150, 3_000_000, 290, 260, ("330782", "440000"), 1),
    ("sto", "standard", "申通快递", 50, 8000, KG_BANDS, 150, 3_000_000, 280, 270, ("330782", "440000"), 1),
    ("yunda", "standard", "韵达快递", 50, 8000, KG_BANDS, 150, 3_000_000, 290, 250, ("330782", "440000"), 1),
    ("jt", "standard", "极兔速递", 50, 8000, KG_BANDS, 150, 2_000_000, 270, 260, ("330782", "440000"), 1),
    ("jd", "standard", "京东快递", 100, 8000, (WeightBand(30_000, 500), WeightBand(None, 1000)), 200,
     5_000_000, 1000, 500, ("330700", "440100", "440300"), 0),
    ("jd", "express", "京东特快", 100, 6000, SF_BANDS, 200, 5_000_000, 1800, 1100, ("330700", "440000"), -1),
    ("ems", "standard", "EMS", 40, 12000, KG_BANDS, 150, 2_000_000, 1000, 600, ("330000", "440000"), 2),
)


def build_inputs(seed: int) -> RatingInputs:
    rng = np.random.default_rng(seed)
    services: list[ServiceSpec] = []
    cards: dict[tuple[str, str], RateCard] = {}
    for (carrier, code, name, max_kg, divisor, bands, side, declared, first, per_kg, origins,
         slower) in SERVICES:
        service = ServiceSpec(carrier, code, name, max_kg * 1000, divisor, bands, side, declared)
        services.append(service)
        for origin in origins:
            cards[(service.key, origin)] = _card(service, origin, first, per_kg, slower, rng)
    return RatingInputs(tuple(services), cards, REMOTE)


def _card(service: ServiceSpec, origin: str, first: int, per_kg: int, slower: int,
          rng: np.random.Generator) -> RateCard:
    home = origin[:2] + "0000"
    list_lanes: dict[str, LaneTariff] = {}
    cost_lanes: dict[str, LaneTariff] = {}
    transit: dict[str, int] = {}
    for province in PROVINCES:
        if province == "540000" and service.carrier in ("jt", "sto"):
            continue  # no network in Tibet: those parcels get no_rate_for_lane
        zone = 0 if province == home else 1 if province in NEAR.get(home, ()) else 3 if province in REMOTE else 2
        factor = (1.0, 1.2, 1.6, 2.8)[zone] * float(rng.uniform(0.9, 1.1))
        list_lanes[province] = LaneTariff(1000, round(first * factor), round(per_kg * factor * (1 + zone)))
        cost_lanes[province] = LaneTariff(1000, round(first * factor * 0.82), round(per_kg * factor * 0.8))
        if not (service.carrier == "ems" and zone == 3):  # EMS publishes no times for remote lanes
            transit[province] = max(1, 1 + zone + slower + int(rng.integers(0, 2)))
    fuel = 300 if service.carrier in ("jd", "sf") else 0
    list_side = Tariff(list_lanes, fuel_surcharge_bp=fuel, remote_surcharge_fen=800 if first < 500 else 0,
                       insurance_rate_bp=50 if service.carrier == "sf" else 30, insurance_min_fen=100,
                       minimum_charge_fen=first + 200 if service.carrier == "ems" else 0)
    cost_side = Tariff(cost_lanes, fuel_surcharge_bp=fuel, remote_surcharge_fen=600 if first < 500 else 0,
                       insurance_rate_bp=20, insurance_min_fen=50)
    return RateCard(service.key, origin, cost_side, list_side, transit)


def build_parcels(n: int, seed: int) -> ParcelColumns:
    rng = np.random.default_rng(seed + 1)
    weight = np.clip(rng.lognormal(np.log(600), 1.1, n), 20, 60_000).astype(np.int64)
    heavy = rng.random(n) < 0.01  # pallets and furniture: past the 100 kg SF boundary, over 通达系 limits
    weight[heavy] = rng.integers(40_000, 400_000, int(heavy.sum()))
    sized = rng.random(n) < 0.7
    length = np.where(sized, rng.integers(10, 80, n), 0)
    width = np.where(sized, rng.integers(5, 50, n), 0)
    height = np.where(sized, rng.integers(2, 40, n), 0)
    bulky = sized & (rng.random(n) < 0.03)
    length[bulky] = rng.integers(80, 220, int(bulky.sum()))
    declared = np.where(rng.random(n) < 0.15, rng.integers(1_000, 500_000, n), 0)
    declared[rng.random(n) < 0.002] = 6_000_000
    dest_weight = np.array([3.0 if p in ("110000", "310000", "320000", "330000", "440000") else 1.0
                            for p in PROVINCES])
    return ParcelColumns(
        origins=ORIGIN_CHAINS, origin_index=rng.choice(len(ORIGIN_CHAINS), n, p=ORIGIN_SHARE),
        destinations=PROVINCES, destination_index=rng.choice(len(PROVINCES), n, p=dest_weight / dest_weight.sum()),
        weight_g=weight, length_cm=length.astype(np.int64), width_cm=width.astype(np.int64),
        height_cm=height.astype(np.int64), declared_value_fen=declared.astype(np.int64),
    )


T = TypeVar("T")


def best_of(repeat: int, run: Callable[[], T]) -> tuple[float, T]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = run()
        best = min(best, time.perf_counter() - start)
    assert value is not None
    return best, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    inputs = build_inputs(args.seed)
    columns = build_parcels(args.parcels, args.seed)
    parcels = [columns.parcel(i) for i in range(args.parcels)]
    sample = parcels[:args.sample]
    n_services = len(inputs.services)

    batch_s, result = best_of(args.repeat, lambda: quote_arrays(columns, compile_inputs(inputs)))
    listed_s, _ = best_of(args.repeat, lambda: quote_arrays(parcels, compile_inputs(inputs)))
    objects_s, quotes = best_of(1, lambda: materialise(result))
    scalar_s, expected = best_of(args.repeat, lambda: [quote_all(p, inputs) for p in sample])

    mismatched = [i for i, want in enumerate(expected) if quotes[i] != want]
    scalar_rate = len(sample) * n_services / scalar_s
    rows = [("scalar (engine.quote_all)", len(sample), scalar_s),
            ("batch arrays (compile + quote_arrays on columns)", args.parcels, batch_s),
            ("batch arrays from a list of Parcel", args.parcels, listed_s),
            ("Quote objects from arrays (materialise)", args.parcels, objects_s),
            ("batch + Quote objects", args.parcels, batch_s + objects_s)]
    print("| path | parcels | service-quotes | seconds | service-quotes/s | vs scalar |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, parcels, seconds in rows:
        rate = parcels * n_services / seconds
        print(f"| {name} | {parcels:,} | {parcels * n_services:,} | {seconds:.3f} | {rate:,.0f} "
              f"| {rate / scalar_rate:.1f}× |")
    eligible = float(result.eligible.mean())
    print(f"\nPython {platform.python_version()}, numpy {np.__version__}, one process. "
          f"{n_services} services, {eligible:.1%} of service-quotes eligible; best of {args.repeat} runs "
          f"(Quote objects: 1 run); batch and scalar agree on {len(sample) - len(mismatched):,} of "
          f"{len(sample):,} sampled parcels.")
    if mismatched:
        print(f"MISMATCH on sampled parcels {mismatched[:10]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
