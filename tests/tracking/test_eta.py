"""The pure ETA model: intervals, fallbacks, conditioning on elapsed days, calibration on known history."""

from __future__ import annotations

import datetime as dt

import numpy as np

from parcelhub.tracking.eta import EtaModel, Sample, calibrate, interval, split

ZJ, XJ, GD = "330000", "650000", "440000"


def samples(carrier, origin, destination, days_counts):
    return [Sample(carrier, origin, destination, days) for days, count in days_counts for _ in range(count)]


def test_interval_is_the_10th_to_90th_percentile_when_the_data_allows():
    assert interval(np.arange(1, 11)) == (2, 9)        # 10 values: 2..9 holds 8 of 10


def test_interval_picks_the_whole_day_range_closest_to_80_percent():
    # 30 / 50 / 20 %: 2–3 days hold exactly 80 %; 2–4 would hold 100 %.
    assert interval(np.array([2] * 3 + [3] * 5 + [4] * 2)) == (2, 3)
    assert interval(np.array([5] * 10)) == (5, 5)


def test_lane_estimate_with_enough_samples():
    model = EtaModel(samples("zto", ZJ, XJ, [(4, 3), (5, 5), (6, 2)]), min_samples=10)
    estimate = model.estimate("zto", ZJ, XJ)
    assert (estimate.low, estimate.high, estimate.basis, estimate.samples) == (4, 5, "lane", 10)
    assert estimate.dates(dt.date(2026, 11, 23)) == (dt.date(2026, 11, 27), dt.date(2026, 11, 28))


def test_fallbacks_from_lane_to_everything():
    history = (samples("zto", ZJ, XJ, [(4, 4)]) + samples("zto", GD, XJ, [(6, 4)])
               + samples("zto", GD, GD, [(1, 4)]) + samples("sf", ZJ, ZJ, [(1, 4)]))
    model = EtaModel(history, min_samples=5)
    by_destination = model.estimate("zto", ZJ, XJ)          # 4 on the lane: carrier × destination has 8
    assert (by_destination.low, by_destination.high, by_destination.basis) == (4, 6, "carrier_destination")
    by_band = model.estimate("zto", ZJ, ZJ)                 # intra-province: zto's only intra lane is GD→GD
    assert by_band is None or by_band.basis != "lane"
    carrier = EtaModel(history, min_samples=9).estimate("zto", ZJ, XJ)
    assert (carrier.basis, carrier.samples) == ("carrier", 12)
    everything = EtaModel(history, min_samples=13).estimate("sf", ZJ, XJ)
    assert (everything.basis, everything.samples) == ("all", 16)
    assert EtaModel(history, min_samples=17).estimate("sf", ZJ, XJ) is None


def test_carrier_band_fallback():
    history = samples("zto", GD, GD, [(1, 5)]) + samples("zto", ZJ, XJ, [(5, 5)])
    estimate = EtaModel(history, min_samples=5).estimate("zto", ZJ, ZJ)
    assert (estimate.low, estimate.high, estimate.basis) == (1, 1, "carrier_band")


def test_remaining_days_are_conditional_on_elapsed_days():
    model = EtaModel(samples("zto", ZJ, XJ, [(2, 10), (3, 10), (4, 5), (5, 5)]), min_samples=5)
    fresh = model.estimate("zto", ZJ, XJ)
    assert (fresh.low, fresh.high) == (2, 4)                 # 25 of 30 = 83 %
    after_three = model.estimate("zto", ZJ, XJ, elapsed=3)   # 20 parcels still out after 3 days: 0,1,2 remain
    assert (after_three.low, after_three.high, after_three.samples) == (0, 1, 20)
    assert model.estimate("zto", ZJ, XJ, elapsed=6) is None or model.estimate("zto", ZJ, XJ, elapsed=6).basis != "lane"


def test_calibration_on_a_known_distribution_is_near_80_percent():
    rng = np.random.default_rng(7)
    history = []
    for carrier, median_h in (("sf", 30), ("zto", 70), ("yto", 90)):
        for destination in (ZJ, XJ, GD):
            hours = rng.lognormal(np.log(median_h * (2 if destination == XJ else 1)), 0.35, size=400)
            pickup_hour = rng.uniform(8, 20, size=400)
            days = np.floor((pickup_hour + hours) / 24).astype(int)   # calendar days from the pickup date
            history += [Sample(carrier, ZJ, destination, int(d)) for d in days]
    train, test = split(history, 0.2, seed=1)
    result = calibrate(train, test)
    assert (len(train) + len(test), result.tested) == (3600, len(test))
    assert 0.75 <= result.coverage <= 0.85
    # SF's mostly next-day lanes cannot be cut finer than whole days: 0–1 days holds 69 % of its parcels,
    # 1–2 days would hold 97 %.
    assert result.per_carrier == {"sf": (216, 150), "yto": (263, 211), "zto": (255, 208)}
    assert (result.tested, result.inside) == (734, 569)


def test_calibration_of_the_conditional_interval():
    # 2 days for 10 parcels, 3 for 15, 5 for 5 in training; held out: one of each, and one delivered in 1 day.
    train = samples("zto", ZJ, XJ, [(2, 10), (3, 15), (5, 5)])
    test = samples("zto", ZJ, XJ, [(1, 1), (2, 1), (3, 1), (5, 1)])
    assert (calibrate(train, test, min_samples=5).tested, calibrate(train, test, min_samples=5).inside) == (4, 2)
    # After 2 days: the 1-day parcel is not counted; remaining 0/1/3 days with the interval 0–1 (25 of 30).
    after_two = calibrate(train, test, min_samples=5, elapsed=2)
    assert (after_two.tested, after_two.inside, after_two.per_carrier) == (3, 2, {"zto": (3, 2)})
