"""Quoting on the compare page or through POST /rates marks the merchant's first quote, once."""

from __future__ import annotations

from parcelhub.crm.models import OnboardingMark
from tests.shipping.conftest import post, world  # noqa: F401

YIWU = {"address": "浙江省义乌市稠城街道工人北路1号"}
HANGZHOU = {"address": "浙江省杭州市西湖区文三路90号"}


def test_the_rates_api_and_the_compare_page_mark_the_first_quote(world, api_a, console_b, merchant_a,  # noqa: F811
                                                                 merchant_b):
    assert OnboardingMark.objects.count() == 0
    response = post(api_a, "/api/v1/rates", {"origin": YIWU, "destination": HANGZHOU, "parcel": {"weight_g": 1000}})
    assert response.status_code == 200
    first = OnboardingMark.objects.get(merchant=merchant_a[0], milestone="first_quote").reached_at
    post(api_a, "/api/v1/rates", {"origin": YIWU, "destination": HANGZHOU, "parcel": {"weight_g": 2000}})
    assert list(OnboardingMark.objects.values_list("milestone", "reached_at")) == [("first_quote", first)]
    page = console_b.get("/rates/", {"origin": YIWU["address"], "destination": "张三 13800138000 " + HANGZHOU["address"],
                                     "weight_kg": "1"})
    assert page.status_code == 200
    assert OnboardingMark.objects.filter(merchant=merchant_b[0], milestone="first_quote").count() == 1
