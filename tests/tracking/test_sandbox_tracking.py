"""The sandbox's journey generator: deterministic per waybill, and with the statistics its docstring states."""

from __future__ import annotations

import datetime as dt
import statistics

from parcelhub.carriers.adapters.sandbox_tracking import event_code, journey, season_factor
from parcelhub.tracking.status import ExceptionKind, Status

YIWU, HANGZHOU, BEIJING, URUMQI, LHASA = "330782", "330106", "110105", "650102", "540102"
OCTOBER = dt.datetime(2026, 10, 13, 6, 30, tzinfo=dt.UTC)   # 14:30 China time, an ordinary Tuesday
N = 1500


def stream(carrier="zto", waybill="750000000001", destination=BEIJING, at=OCTOBER):
    return journey(carrier=carrier, waybill_no=waybill, origin_code=YIWU, destination_code=destination,
                   collected_at=at, origin_city="金华市", destination_city="北京市")


def many(carrier, destination=BEIJING, at=OCTOBER, n=N):
    return [journey(carrier=carrier, waybill_no=f"{carrier}{i:08d}", origin_code=YIWU,
                    destination_code=destination, collected_at=at) for i in range(n)]


def median_transit_h(journeys) -> float:
    hours = [(j[-1].occurred_at - j[0].occurred_at).total_seconds() / 3600 for j in journeys
             if j[-1].status == Status.DELIVERED]
    return round(statistics.median(hours), 1)


def share(journeys, kind) -> float:
    return sum(any(e.exception_kind == kind for e in j) for j in journeys) / len(journeys)


def test_the_same_waybill_always_tells_the_same_story():
    assert stream() == stream()
    assert stream(waybill="750000000002") != stream()
    assert stream()[-1].status == Status.RETURNED


def test_a_plain_journey_reads_like_a_carrier():
    events = stream(waybill="750000000002")
    assert [(e.status, e.code) for e in events] == [
        (Status.PICKED_UP, "collected"), (Status.IN_TRANSIT, "in_transit"), (Status.IN_TRANSIT, "in_transit"),
        (Status.ARRIVED_AT_DESTINATION_CITY, "arrived_at_destination_city"),
        (Status.ARRIVED_AT_DESTINATION_CITY, "arrived_at_destination_city"),
        (Status.OUT_FOR_DELIVERY, "out_for_delivery"), (Status.AVAILABLE_FOR_PICKUP, "available_for_pickup"),
        (Status.DELIVERED, "delivered")]
    assert events[0].occurred_at == OCTOBER
    assert [e.description for e in events] == [
        "【金华市】快递员【孙师傅】已揽收", "快件已到达【金华市转运中心】", "【金华市转运中心】已发出，下一站【北京市转运中心】",
        "快件已到达【北京市转运中心】", "【北京市转运中心】已发出，下一站【北京市城东营业部】",
        "【北京市城东营业部】派件员【孙师傅 188****0540】正在派件", "快件已由【菜鸟驿站】代收，请及时取件",
        "快件已从【菜鸟驿站】取出，已签收，感谢使用"]
    assert events[-1].occurred_at == dt.datetime(2026, 10, 15, 12, 8, 51, tzinfo=dt.UTC)
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)
    assert all(e.occurred_at.utcoffset() == dt.timedelta(0) for e in events)


def test_deliveries_start_in_working_hours():
    for events in many("zto", n=300):
        for e in events:
            if e.status == Status.OUT_FOR_DELIVERY:
                local = e.occurred_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
                assert 8 <= local.hour < 16, e


def test_sf_and_jd_are_faster_than_the_tongda_networks_and_ems_on_the_same_lane():
    medians = {c: median_transit_h(many(c)) for c in ("sf", "jd", "zto", "yunda", "ems")}
    assert medians == {"sf": 44.1, "jd": 44.3, "zto": 61.7, "yunda": 60.2, "ems": 68.3}
    assert medians["sf"] < medians["zto"] and medians["jd"] < medians["yunda"]


def test_remote_and_distant_lanes_are_slower():
    same_province = median_transit_h(many("zto", HANGZHOU))
    beijing = median_transit_h(many("zto", BEIJING))
    urumqi = median_transit_h(many("zto", URUMQI))
    assert (same_province, beijing, urumqi) == (26.9, 61.7, 164.5)
    assert same_province < beijing < urumqi


def test_exception_rates_are_within_the_stated_ranges():
    sf, zto = many("sf", n=4000), many("zto", n=4000)
    # Stated: SF refused 0.8 %, delayed 1.5 %; 通达 refused 2 %, delayed 5 %, address 2 %, damaged 0.8 %.
    assert 0.004 <= share(sf, ExceptionKind.REFUSED) <= 0.013
    assert 0.01 <= share(sf, ExceptionKind.DELAYED) <= 0.022
    assert 0.014 <= share(zto, ExceptionKind.REFUSED) <= 0.027
    assert 0.04 <= share(zto, ExceptionKind.DELAYED) <= 0.06
    assert 0.014 <= share(zto, ExceptionKind.ADDRESS_PROBLEM) <= 0.027
    assert 0.004 <= share(zto, ExceptionKind.DAMAGED) <= 0.012
    assert share(sf, ExceptionKind.DELAYED) < share(zto, ExceptionKind.DELAYED)
    lockers = sum(any(e.status == Status.AVAILABLE_FOR_PICKUP for e in j) for j in zto) / len(zto)
    assert 0.40 <= lockers <= 0.47


def test_refused_parcels_go_back_and_lost_ones_end_in_the_exception():
    journeys = many("zto", n=4000)
    refused = [j for j in journeys if any(e.exception_kind == ExceptionKind.REFUSED for e in j)]
    assert refused and all([e.status for e in j[-2:]] == [Status.RETURNING, Status.RETURNED] for j in refused)
    lost = [j for j in journeys if any(e.exception_kind == ExceptionKind.LOST for e in j)]
    assert lost and all(j[-1].exception_kind == ExceptionKind.LOST for j in lost)
    assert (len(refused), len(lost)) == (79, 8)


def test_double_11_and_the_new_year_are_slower():
    ordinary = median_transit_h(many("zto"))
    double_11 = median_transit_h(many("zto", at=dt.datetime(2026, 11, 12, 6, 30, tzinfo=dt.UTC)))
    new_year = median_transit_h(many("zto", at=dt.datetime(2027, 2, 3, 6, 30, tzinfo=dt.UTC)))
    sf_new_year = median_transit_h(many("sf", at=dt.datetime(2027, 2, 3, 6, 30, tzinfo=dt.UTC)))
    assert (ordinary, double_11, new_year, sf_new_year) == (61.7, 85.7, 213.5, 44.7)
    assert ordinary < double_11 < new_year
    assert sf_new_year < new_year


def test_season_factors():
    assert [season_factor("zto", d) for d in (dt.date(2026, 11, 10), dt.date(2026, 11, 11), dt.date(2026, 11, 20),
                                              dt.date(2026, 11, 21))] == [1.0, 1.5, 1.5, 1.0]
    assert [season_factor(c, dt.date(2026, 2, 10)) for c in ("sf", "jd", "zto", "ems")] == [1.3, 1.3, 2.0, 2.0]
    assert [season_factor("zto", d) for d in (dt.date(2026, 2, 9), dt.date(2026, 2, 27), dt.date(2026, 2, 28),
                                              dt.date(2025, 1, 22), dt.date(2027, 2, 16))] == [
        1.0, 2.0, 1.0, 2.0, 2.0]


def test_event_codes():
    assert event_code(Status.PICKED_UP) == "collected"
    assert event_code(Status.EXCEPTION, "refused") == "refused"
    assert event_code(Status.RETURNED) == "returned"
