"""The price pipeline's order and invariants (marketing.stacking), no database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parcelhub.marketing.offers import Offer, OfferKind
from parcelhub.marketing.stacking import NO_COUPON, StackInput, coupon_value, margin_floor, stack

TEN_OFF = Offer(OfferKind.COUPON, "cpg_ten", "¥10 off", amount_off_fen=1000)
PCT_20 = Offer(OfferKind.COUPON, "cpg_pct", "20 % off", percent_off_bp=2000)
BIG_MIN = Offer(OfferKind.COUPON, "cpg_min", "¥15 off over ¥100", amount_off_fen=1500, min_spend_fen=10000)
FUNDED = Offer(OfferKind.COUPON, "cpg_fund", "Double 11 ¥30 off", amount_off_fen=3000, funded=True,
               budget_left_fen=800)
PACKAGE = Offer(OfferKind.PACKAGE, "pkb_1", "Double 11 package", price_fen=0)


def spec(**kw) -> StackInput:
    base = dict(list_fen=5000, cost_fen=3000, floor_fen=3150, tier_code="gold", tier_label="Gold member discount",
                tier_discount_bp=600, cap_label="Minimum-margin adjustment")
    return StackInput(**(base | kw))


def codes(result) -> list[tuple[str, int, str]]:
    return [(line.code, line.amount_fen, line.source_id) for line in result.lines]


def test_tier_discount_then_the_best_coupon():
    result = stack(spec(offers=(TEN_OFF, PCT_20)))
    # 5000 - 6 % = 4700; 20 % of 4700 = 940 < 1000, so the ¥10 coupon wins: 3700.
    assert codes(result) == [("tier_discount", -300, "gold"), ("coupon", -1000, "cpg_ten")]
    assert (result.final_fen, result.used, result.capped_fen, result.subsidy_fen) == (3700, (TEN_OFF,), 0, 0)


def test_the_merchants_chosen_coupon_wins_over_the_best():
    result = stack(spec(offers=(TEN_OFF, PCT_20), chosen="cpg_pct"))
    assert codes(result) == [("tier_discount", -300, "gold"), ("coupon", -940, "cpg_pct")]
    assert result.final_fen == 3760


def test_no_coupon_when_the_merchant_says_none():
    result = stack(spec(offers=(TEN_OFF,), chosen=NO_COUPON))
    assert (result.final_fen, result.used) == (4700, ())


def test_a_chosen_coupon_that_does_not_apply_is_reported():
    result = stack(spec(offers=(BIG_MIN,), chosen="cpg_min"))
    assert result.chosen_missing and result.used == () and result.final_fen == 4700
    assert stack(spec(offers=(), chosen="cpg_gone")).chosen_missing


def test_minimum_spend_is_checked_after_the_tier():
    # 10200 list, 6 % off = 9588 < 10000: the ¥15 coupon no longer applies.
    result = stack(spec(list_fen=10200, cost_fen=5000, floor_fen=5250, offers=(BIG_MIN,)))
    assert (result.final_fen, result.used) == (9588, ())


def test_guardrail_caps_an_unfunded_discount_at_the_floor():
    # cost 4000, floor 4200; 5000 - 300 = 4700 - 1000 = 3700 < 4200 -> +500 back.
    result = stack(spec(cost_fen=4000, floor_fen=4200, offers=(TEN_OFF,)))
    assert codes(result) == [("tier_discount", -300, "gold"), ("coupon", -1000, "cpg_ten"),
                             ("guardrail_cap", 500, "cpg_ten")]
    assert (result.final_fen, result.capped_fen, result.subsidy_fen) == (4200, 500, 0)
    # The coupon's cost is what it really took off: 1000 on its line, 500 of it given back by the guardrail.
    assert result.coupon_net_fen == 500


def test_guardrail_caps_the_tier_discount_itself():
    result = stack(spec(cost_fen=4900, floor_fen=4950))
    assert codes(result) == [("tier_discount", -300, "gold"), ("guardrail_cap", 250, "")]
    assert result.final_fen == 4950


def test_a_coupon_the_guardrail_takes_back_entirely_is_not_used():
    result = stack(spec(cost_fen=4900, floor_fen=4950, offers=(TEN_OFF,)))
    assert result.used == () and result.final_fen == 4950


def test_a_funded_coupon_goes_below_the_floor_up_to_its_budget():
    # 4700 - 3000 = 1700; floor 3150: 1450 short, the budget (800) pays 800 and 650 is capped.
    result = stack(spec(offers=(FUNDED,)))
    assert codes(result) == [("tier_discount", -300, "gold"), ("coupon", -3000, "cpg_fund"),
                             ("guardrail_cap", 650, "cpg_fund")]
    assert (result.final_fen, result.subsidy_fen, result.capped_fen) == (2350, 800, 650)
    assert result.coupon_net_fen == 3000 - 650
    unlimited = Offer(OfferKind.COUPON, "cpg_u", "Funded", amount_off_fen=3000, funded=True)
    result = stack(spec(offers=(unlimited,)))
    assert (result.final_fen, result.subsidy_fen, result.capped_fen) == (1700, 1450, 0)


def test_a_package_replaces_the_price_with_no_tier_or_coupon():
    result = stack(spec(offers=(TEN_OFF, PACKAGE)))
    assert codes(result) == [("package", -5000, "pkb_1")]
    assert (result.final_fen, result.used) == (0, (PACKAGE,))


def test_the_floor_never_exceeds_the_list_price():
    result = stack(spec(list_fen=3000, cost_fen=3000, floor_fen=3150, tier_discount_bp=0))
    assert (result.final_fen, result.lines) == (3000, ())


def test_margin_floor():
    assert margin_floor(3000, min_margin_bp=500, min_margin_fen=0) == 3150
    assert margin_floor(3001, min_margin_bp=500, min_margin_fen=0) == 3152   # rounded up
    assert margin_floor(1000, min_margin_bp=500, min_margin_fen=100) == 1100
    assert coupon_value(PCT_20, 999) == 199


coupons = st.builds(
    Offer, kind=st.just(OfferKind.COUPON), source_id=st.text("abcdef", min_size=1, max_size=4),
    label=st.just("c"), amount_off_fen=st.integers(0, 20000), percent_off_bp=st.integers(0, 10000),
    min_spend_fen=st.integers(0, 20000), funded=st.booleans(),
    budget_left_fen=st.one_of(st.none(), st.integers(0, 20000)))


@given(list_fen=st.integers(1, 50000), cost_pct=st.integers(0, 150), bp=st.integers(0, 5000),
       margin_bp=st.integers(0, 3000), margin_fen=st.integers(0, 500), offers=st.lists(coupons, max_size=4))
def test_invariants(list_fen, cost_pct, bp, margin_bp, margin_fen, offers):
    cost = list_fen * cost_pct // 100
    floor = margin_floor(cost, min_margin_bp=margin_bp, min_margin_fen=margin_fen)
    result = stack(StackInput(list_fen=list_fen, cost_fen=cost, floor_fen=floor, tier_code="t",
                              tier_discount_bp=bp, offers=tuple(offers)))
    effective_floor = min(floor, list_fen)
    # The lines after the card's sum to the final price.
    assert list_fen + sum(line.amount_fen for line in result.lines) == result.final_fen
    # Never above list, never below zero.
    assert 0 <= result.final_fen <= list_fen
    # Final ≥ floor unless a funded coupon pays the difference (and then exactly that, within its budget).
    assert result.final_fen + result.subsidy_fen >= effective_floor
    if result.subsidy_fen:
        coupon = result.used[0]
        assert coupon.funded
        assert coupon.budget_left_fen is None or result.subsidy_fen <= coupon.budget_left_fen
    else:
        assert result.final_fen >= effective_floor
    # At most one coupon, and the order: tier, coupon, cap.
    order = [line.code for line in result.lines]
    assert order == sorted(order, key=["tier_discount", "coupon", "guardrail_cap"].index)
    assert order.count("coupon") <= 1
