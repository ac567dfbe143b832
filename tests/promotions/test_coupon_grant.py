"""coupon_create, coupon_grant (segment, list, same-source skip, per-merchant limit) and coupon_claim."""

from __future__ import annotations

import datetime as dt

import pytest

from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.crm.models import Segment
from parcelhub.marketing.promotions.models import Coupon, CouponGrant
from parcelhub.marketing.promotions.services import (
    coupon_claim,
    coupon_create,
    coupon_grant,
    coupon_grant_segment,
    coupon_redemptions,
)
from tests.conftest import make_merchant
from tests.promotions.conftest import window


def test_grant_to_a_list_skips_repeats_from_the_same_source(make_coupon, merchant_a, merchant_b):
    coupon = make_coupon(per_merchant_limit=2)
    a, b = merchant_a[0], merchant_b[0]

    first = coupon_grant(coupon=coupon, merchants=[a, b, a], source="cmp_1")
    again = coupon_grant(coupon=coupon, merchants=[a, b], source="cmp_1")
    other = coupon_grant(coupon=coupon, merchants=[a], source="cmp_2")

    assert sorted(g.merchant_id for g in first) == sorted([a.pk, b.pk])
    assert again == []
    assert [g.merchant_id for g in other] == [a.pk]
    assert all(g.public_id.startswith("cpg_") and g.state == "unused" for g in first + other)
    assert CouponGrant.objects.filter(coupon=coupon, merchant=a).count() == 2


def test_per_merchant_limit_caps_grants_across_sources(make_coupon, merchant_a):
    coupon = make_coupon(per_merchant_limit=1)
    assert len(coupon_grant(coupon=coupon, merchants=[merchant_a[0]], source="cmp_1")) == 1
    assert coupon_grant(coupon=coupon, merchants=[merchant_a[0]], source="cmp_2") == []
    assert CouponGrant.objects.filter(coupon=coupon).count() == 1


def test_grant_to_a_segment(make_coupon, merchant_a, merchant_b):
    inactive, _ = make_merchant("停用商家", "off@c.example")
    inactive.is_active = False
    inactive.save()
    segment = Segment.objects.create(name="全部活跃商家", definition={})
    coupon = make_coupon()

    grants = coupon_grant_segment(coupon=coupon, segment=segment)

    assert sorted(g.merchant_id for g in grants) == sorted([merchant_a[0].pk, merchant_b[0].pk])
    assert {g.source for g in grants} == {f"segment:{segment.public_id}"}


def test_ended_coupon_grants_nothing(make_coupon, merchant_a):
    now = clock.now()
    coupon = make_coupon(valid_from=now - dt.timedelta(days=10), valid_until=now - dt.timedelta(days=1))
    with pytest.raises(DomainError) as info:
        coupon_grant(coupon=coupon, merchants=[merchant_a[0]])
    assert info.value.code == "coupon_unavailable" and info.value.status == 409
    assert CouponGrant.objects.count() == 0


def test_claim_by_code_once(make_coupon, merchant_a):
    make_coupon(code="double11")
    grant = coupon_claim(merchant=merchant_a[0], code=" DOUBLE11 ")
    assert grant.source == "code" and grant.merchant_id == merchant_a[0].pk

    with pytest.raises(DomainError) as info:
        coupon_claim(merchant=merchant_a[0], code="DOUBLE11")
    assert info.value.code == "coupon_already_claimed" and info.value.status == 409
    with pytest.raises(DomainError) as info:
        coupon_claim(merchant=merchant_a[0], code="NOPE1234")
    assert info.value.status == 404
    assert CouponGrant.objects.count() == 1


@pytest.mark.parametrize("fields, field", [
    ({"amount_off_fen": 300, "percent_off_bp": 1000}, "amount_off_fen"),
    ({"amount_off_fen": 0, "percent_off_bp": 0}, "amount_off_fen"),
    ({"percent_off_bp": 10_001}, "percent_off_bp"),
    ({"amount_off_fen": 1.5}, "amount_off_fen"),
    ({"code": "a b"}, "code"),
    ({"destination_province": "330100"}, "destination_province"),
    ({"usage_limit_total": 0}, "usage_limit_total"),
    ({"budget_fen": 0}, "budget_fen"),
    ({"name": ""}, "name"),
])
def test_bad_coupon_definitions_are_refused(db, fields, field):
    base = {"name": "红包", "amount_off_fen": 300, **window(), **fields}
    with pytest.raises(DomainError) as info:
        coupon_create(**base)
    assert info.value.status == 422 and info.value.details == {"field": field}
    assert Coupon.objects.count() == 0


def test_window_must_be_ordered(db):
    now = clock.now()
    with pytest.raises(DomainError):
        coupon_create(name="红包", amount_off_fen=100, valid_from=now, valid_until=now)
    assert Coupon.objects.count() == 0


def test_duplicate_code_is_refused(make_coupon):
    make_coupon(code="SPRING")
    with pytest.raises(DomainError) as info:
        make_coupon(code="spring")
    assert info.value.code == "coupon_code_taken"
    assert Coupon.objects.count() == 1


def test_redemptions_are_used_grants_only(make_coupon, merchant_a, merchant_b):
    coupon = make_coupon(per_merchant_limit=1)
    grants = coupon_grant(coupon=coupon, merchants=[merchant_a[0], merchant_b[0]], source="cmp_x")
    CouponGrant.objects.filter(pk=grants[0].pk).update(state="used", shipment_public_id="shp_1",
                                                       discount_fen=300, used_at=clock.now())
    assert [g.public_id for g in coupon_redemptions(source="cmp_x")] == [grants[0].public_id]
    assert [g.public_id for g in coupon_redemptions(coupon=coupon)] == [grants[0].public_id]
    assert list(coupon_redemptions(source="cmp_other")) == []


def test_nightly_job_expires_unused_grants_of_ended_coupons(make_coupon, merchant_a, merchant_b):
    from parcelhub.marketing.promotions.services import coupon_grants_expire

    ended = make_coupon(name="已结束", per_merchant_limit=1)
    running = make_coupon(name="进行中")
    [unused, used] = coupon_grant(coupon=ended, merchants=[merchant_a[0], merchant_b[0]])
    [current] = coupon_grant(coupon=running, merchants=[merchant_a[0]])
    CouponGrant.objects.filter(pk=used.pk).update(state="used", shipment_public_id="shp_1", used_at=clock.now())
    Coupon.objects.filter(pk=ended.pk).update(valid_until=clock.now() - dt.timedelta(minutes=1))

    assert coupon_grants_expire() == 1
    assert dict(CouponGrant.objects.values_list("public_id", "state")) == {
        unused.public_id: "expired", used.public_id: "used", current.public_id: "unused"}
    assert coupon_grants_expire() == 0


def test_stopping_a_coupon_expires_its_unused_grants(make_coupon, merchant_a, merchant_b):
    from parcelhub.marketing.promotions.services import coupon_deactivate

    coupon = make_coupon(code="STOPME")
    [unused, used] = coupon_grant(coupon=coupon, merchants=[merchant_a[0], merchant_b[0]])
    CouponGrant.objects.filter(pk=used.pk).update(state="used", shipment_public_id="shp_1", used_at=clock.now())

    coupon_deactivate(coupon=coupon)

    assert dict(CouponGrant.objects.values_list("public_id", "state")) == {unused.public_id: "expired",
                                                                            used.public_id: "used"}
    with pytest.raises(DomainError) as info:
        coupon_claim(merchant=merchant_a[0], code="STOPME")
    assert info.value.code == "coupon_code_invalid"
