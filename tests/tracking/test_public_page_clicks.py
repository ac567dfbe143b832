"""Outbound links on the tracking page: /t/<id>/go/<block id | shop> counts the click, then redirects to the
URL the merchant configured — never to one from the request."""

from __future__ import annotations

import pytest
from django.test import Client

from parcelhub.tracking.models import MarketingBlock, TrackingClick, TrackingPageDesign
from tests.tracking.test_public_page import buy, parcel  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def blocks(parcel):  # noqa: F811
    merchant = parcel.merchant
    TrackingPageDesign.objects.create(merchant=merchant, shop_url="https://shop.example/")
    return {
        "product": MarketingBlock.objects.create(merchant=merchant, kind="product", title="帆布托特包",
                                                 link_url="https://shop.example/bag?from=track"),
        "coupon": MarketingBlock.objects.create(merchant=merchant, kind="coupon", title="满99减10",
                                                coupon_code="SAVE10", link_url="https://shop.example/coupons"),
        "bare_coupon": MarketingBlock.objects.create(merchant=merchant, kind="coupon", title="无链接券",
                                                     coupon_code="BARE5"),
        "inactive": MarketingBlock.objects.create(merchant=merchant, kind="product", title="下架",
                                                  link_url="https://shop.example/old", is_active=False),
    }


def clicks():
    return list(TrackingClick.objects.order_by("id").values_list("merchant_id", "shipment_id", "block_id", "target"))


def test_product_click_is_counted_and_redirects_to_the_merchants_link(parcel, blocks):  # noqa: F811
    response = Client().get(f"/t/{parcel.public_id}/go/{blocks['product'].pk}")
    assert (response.status_code, response["Location"]) == (302, "https://shop.example/bag?from=track")
    assert clicks() == [(parcel.merchant_id, parcel.pk, blocks["product"].pk, "product")]


def test_shop_and_coupon_clicks(parcel, blocks):  # noqa: F811
    client = Client()
    assert client.get(f"/t/{parcel.public_id}/go/shop")["Location"] == "https://shop.example/"
    assert client.get(f"/t/{parcel.public_id}/go/{blocks['coupon'].pk}")["Location"] == "https://shop.example/coupons"
    copied = client.post(f"/t/{parcel.public_id}/go/{blocks['bare_coupon'].pk}")     # the copy button's beacon
    assert copied.status_code == 204
    assert clicks() == [(parcel.merchant_id, parcel.pk, None, "shop"),
                        (parcel.merchant_id, parcel.pk, blocks["coupon"].pk, "coupon"),
                        (parcel.merchant_id, parcel.pk, blocks["bare_coupon"].pk, "coupon")]


def test_a_coupon_without_a_link_leads_back_to_the_page(parcel, blocks):  # noqa: F811
    response = Client().get(f"/t/{parcel.public_id}/go/{blocks['bare_coupon'].pk}")
    assert (response.status_code, response["Location"]) == (302, f"/t/{parcel.public_id}")


def test_no_open_redirect(parcel, blocks, merchant_b):  # noqa: F811
    foreign = MarketingBlock.objects.create(merchant=merchant_b[0], kind="product", title="B",
                                            link_url="https://b.example/")
    client = Client()
    for target in ("https://evil.example/", "https:%2F%2Fevil.example", "//evil.example", str(foreign.pk),
                   str(blocks["inactive"].pk), "999999", "-1"):
        response = client.get(f"/t/{parcel.public_id}/go/{target}")
        assert response.status_code == 404, target
    # A next= parameter is ignored: the redirect is the configured URL.
    response = client.get(f"/t/{parcel.public_id}/go/shop", {"next": "https://evil.example/", "url": "https://evil.example/"})
    assert response["Location"] == "https://shop.example/"
    assert clicks() == [(parcel.merchant_id, parcel.pk, None, "shop")]


def test_unknown_parcel_or_no_shop_link(parcel):  # noqa: F811
    assert Client().get("/t/shp_nope/go/shop").status_code == 404
    assert Client().get(f"/t/{parcel.public_id}/go/shop").status_code == 404      # no shop link configured
    assert clicks() == []


def test_a_stored_non_web_link_is_never_followed(parcel):  # noqa: F811
    block = MarketingBlock.objects.create(merchant=parcel.merchant, kind="product", title="x",
                                          link_url="javascript:alert(1)")
    assert Client().get(f"/t/{parcel.public_id}/go/{block.pk}").status_code == 404
    assert clicks() == []
