"""Quotes on the compare page and the rates API are the merchant's own prices, each discount a line.
2.3 kg 义乌 → 乌鲁木齐 on tests/rating/world.py: ZTO list ¥38.70, SF list ¥58.00 (cost ¥47.00)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from parcelhub.marketing.models import MerchantTier, QuoteGuardrailDay, Tier, TierOverride
from tests.rating.world import build_small_world

YIWU = {"address": "浙江省义乌市稠城街道工人北路1号"}
URUMQI = {"address": "新疆乌鲁木齐市天山区解放南路88号"}


@pytest.fixture
def world(db):
    return build_small_world()


def on_tier(merchant, code: str) -> None:
    MerchantTier.objects.create(merchant=merchant, tier=Tier.objects.get(code=code), since=dt.date(2026, 1, 1),
                                reason="upgrade")


def rates(client, parcel=None):
    body = {"origin": YIWU, "destination": URUMQI, "parcel": parcel or {"weight_g": 2300}}
    response = client.post("/api/v1/rates", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    return {f"{r['carrier']}.{r['service']}": r for r in response.json()["rates"]}


def test_list_prices_for_a_merchant_on_the_standard_tier(api_a, world):
    got = rates(api_a)
    assert (got["zto.standard"]["total_fen"], got["sf.standard"]["total_fen"]) == (3870, 5800)
    assert all(line["code"] != "tier_discount" for line in got["zto.standard"]["breakdown"])


def test_gold_merchant_sees_the_discount_as_a_line(api_a, api_b, merchant_a, world):
    on_tier(merchant_a[0], "gold")
    got = rates(api_a)
    zto, sf = got["zto.standard"], got["sf.standard"]
    # 6 % off, rounded down: ZTO 3870 → −232 = 3638; SF 5800 → −348 = 5452.
    assert (zto["total_fen"], sf["total_fen"]) == (3638, 5452)
    assert zto["breakdown"][-1] == {"code": "tier_discount", "amount_fen": -232, "label": "Gold member discount",
                                    "source_id": "gold"}
    assert sum(line["amount_fen"] for line in sf["breakdown"]) == sf["total_fen"]
    assert "cheapest" in zto["flags"]
    # Another merchant's quote is unaffected by A's tier.
    assert rates(api_b)["zto.standard"]["total_fen"] == 3870


def test_an_override_can_reorder_the_services(api_a, merchant_a, world):
    on_tier(merchant_a[0], "gold")
    gold = Tier.objects.get(code="gold")
    TierOverride.objects.create(tier=gold, carrier_code="sf", discount_bp=5000)   # SF half price: 2900
    got = rates(api_a)
    # SF cost 2.5 kg to 新疆: 2000 + 1.5 × 1600 + 300 remote = 4700 → floor 4935: the guardrail caps it.
    assert got["sf.standard"]["total_fen"] == 4935
    assert got["sf.standard"]["breakdown"][-1]["code"] == "guardrail_cap"
    counted = QuoteGuardrailDay.objects.get(carrier_code="sf")
    assert (counted.capped_quotes, counted.capped_fen) == (1, 4935 - 2900)


def test_batch_quotes_are_priced_too(api_a, merchant_a, world):
    on_tier(merchant_a[0], "silver")
    body = {"parcels": [{"ref": "a", "origin": YIWU, "destination": URUMQI, "parcel": {"weight_g": 2300}}]}
    response = api_a.post("/api/v1/rates/batch", data=json.dumps(body), content_type="application/json")
    totals = {f"{r['carrier']}.{r['service']}": r["total_fen"] for r in response.json()["results"][0]["rates"]}
    assert totals == {"zto.standard": 3870 - 116, "sf.standard": 5800 - 174}


def test_compare_page_shows_the_members_price_and_line(console_a, merchant_a, world):
    on_tier(merchant_a[0], "silver")
    html = console_a.get("/rates/", {"origin": YIWU["address"], "destination": "王五 13700000000 " + URUMQI["address"],
                                     "weight_kg": "2.3"}).content.decode()
    table = html[html.index('id="rates-table"'):]
    assert "¥37.54" in table and "Silver member discount" in table and "¥38.70" not in table
    assert 'id="member-prices"' in html


def test_compare_page_without_discounts_says_nothing_about_member_prices(console_a, world):
    html = console_a.get("/rates/", {"origin": YIWU["address"], "destination": "王五 13700000000 " + URUMQI["address"],
                                     "weight_kg": "2.3"}).content.decode()
    assert "¥38.70" in html and 'id="member-prices"' not in html
