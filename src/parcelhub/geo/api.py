"""REST endpoints for regions and address parsing (智能地址解析)."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from parcelhub.accounts.auth import merchant_auth
from parcelhub.geo import selectors

router = Router(tags=["geography"], auth=merchant_auth)


class RegionOut(Schema):
    adcode: str
    name: str
    short_name: str
    level: int
    is_remote: bool


class RegionFilter(Schema):
    parent: str | None = Field(None, description="6-digit adcode; omit for the 31 provinces")


class ParseIn(Schema):
    text: str = Field(..., max_length=500, examples=["张三 13800138000 浙江省义乌市稠城街道工人北路1号"])
    require_detail: bool = Field(True, description="Refuse addresses without street detail")


class ParsedOut(Schema):
    name: str | None
    phone: str | None
    province: str
    city: str
    district: str | None
    detail: str
    province_code: str
    city_code: str
    district_code: str | None
    adcode: str = Field(..., description="The most specific region found")
    missing: list[str] = Field(..., description="Optional parts the text lacked: name, phone, district, detail")


@router.get("/regions", response=list[RegionOut], summary="Provinces, or the children of a region")
def region_list(request, filters: Query[RegionFilter]):
    return list(selectors.children(filters.parent))


@router.post("/addresses/parse", response=ParsedOut, summary="Split pasted text into contact and address")
def address_parse(request, payload: ParseIn):
    # Errors (address_missing_region, address_ambiguous, phone_invalid …) are DomainErrors: 400 with a code.
    return selectors.address_parse(payload.text, require_detail=payload.require_detail)
