"""Promotions API for merchants: my coupons and claim codes, packages (buy, balance, refund), flash sales (grab)
and points (balance, history, redeem)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from parcelhub.accounts.auth import merchant_auth
from parcelhub.core.errors import DomainError
from parcelhub.marketing.promotions import packages, points, selectors, services
from parcelhub.marketing.promotions.models import CouponGrant, FlashSale, Package, PackageBalance

router = Router(tags=["promotions"], auth=merchant_auth)
CURRENCY = "CNY"


class CouponOut(Schema):
    id: str = Field(..., description="the grant's id (cpg_…): pass it as `coupon` when buying a label")
    coupon: str
    name: str
    state: str = Field(..., description="unused, used or expired")
    amount_off_fen: int
    percent_off_bp: int = Field(..., description="1000 = 10 % off")
    min_spend_fen: int
    carrier: str
    service: str
    origin_province: str
    destination_province: str
    valid_from: datetime
    valid_until: datetime
    shipment: str = Field(..., description="the shipment it was used on, when used")
    discount_fen: int


class ClaimIn(Schema):
    code: str = Field(..., max_length=32, examples=["DOUBLE11"])


class PackageOut(Schema):
    id: str
    name: str
    carrier: str
    service: str
    destination_provinces: list[str] = Field(..., description="province adcodes; empty means everywhere")
    labels: int
    price_fen: int
    currency: str
    max_weight_g: int
    insured_value_fen: int
    includes_packaging: bool
    refund_terms: str = Field(..., description="none, or pro_rata within refund_days of buying")
    refund_days: int
    on_sale_until: datetime
    use_until: datetime


class BalanceOut(Schema):
    id: str
    package: PackageOut
    state: str = Field(..., description="active or refunded")
    labels_total: int
    labels_used: int
    labels_left: int
    paid_fen: int
    refunded_fen: int
    refundable_fen: int = Field(..., description="what a refund would pay now under the terms")
    bought_at: datetime


class FlashSaleOut(Schema):
    id: str
    name: str
    item: str = Field(..., description="the package (pkg_…) or coupon (cpn_…) sold")
    price_fen: int
    quantity: int
    left: int
    starts_at: datetime
    ends_at: datetime
    grabbed: bool


class GrabOut(Schema):
    id: str
    sale: str
    price_fen: int
    item: str = Field(..., description="the package balance (pkb_…) or coupon grant (cpg_…) you got")


class PointsEntryOut(Schema):
    kind: str
    points: int
    created_at: datetime
    expires_at: datetime | None
    shipment: str


class PointsOut(Schema):
    balance: int
    expiring_30_days: int
    history: list[PointsEntryOut]


class RedeemIn(Schema):
    coupon: str = Field(..., description="a coupon of the points shop (cpn_…)")


class SpendOffRuleOut(Schema):
    id: str
    name: str
    kind: str = Field(..., description="period (calendar month) or bulk (one bulk purchase)")
    threshold_fen: int
    off_fen: int
    valid_until: datetime


class SpendOffOut(Schema):
    month_spend_fen: int = Field(..., description="net label spend this calendar month so far")
    next_rule: str | None = Field(..., description="the next monthly rule to reach, if any")
    missing_fen: int = Field(..., description="spend still needed for next_rule")
    rules: list[SpendOffRuleOut]


def _coupon(grant: CouponGrant) -> dict:
    c = grant.coupon
    return {"id": grant.public_id, "coupon": c.public_id, "name": c.name, "state": grant.state,
            "amount_off_fen": c.amount_off_fen, "percent_off_bp": c.percent_off_bp, "min_spend_fen": c.min_spend_fen,
            "carrier": c.carrier_code, "service": c.service_code, "origin_province": c.origin_province,
            "destination_province": c.destination_province, "valid_from": c.valid_from, "valid_until": c.valid_until,
            "shipment": grant.shipment_public_id, "discount_fen": grant.discount_fen}


def _package(p: Package) -> dict:
    return {"id": p.public_id, "name": p.name, "carrier": p.carrier_code, "service": p.service_code,
            "destination_provinces": p.destination_provinces, "labels": p.labels, "price_fen": p.price_fen,
            "currency": CURRENCY, "max_weight_g": p.max_weight_g, "insured_value_fen": p.insured_value_fen,
            "includes_packaging": p.includes_packaging, "refund_terms": p.refund_terms,
            "refund_days": p.refund_days, "on_sale_until": p.on_sale_until, "use_until": p.use_until}


def _balance(b: PackageBalance) -> dict:
    return {"id": b.public_id, "package": _package(b.package), "state": b.state, "labels_total": b.labels_total,
            "labels_used": b.labels_used, "labels_left": b.labels_left, "paid_fen": b.paid_fen,
            "refunded_fen": b.refunded_fen, "refundable_fen": packages.refund_quote(b)[0], "bought_at": b.bought_at}


def _sale(s: FlashSale, grabbed: set[int]) -> dict:
    item = s.package.public_id if s.package_id else s.coupon.public_id
    return {"id": s.public_id, "name": s.name, "item": item, "price_fen": s.price_fen, "quantity": s.quantity,
            "left": s.left, "starts_at": s.starts_at, "ends_at": s.ends_at, "grabbed": s.pk in grabbed}


def _live(principal) -> None:
    if principal.test_mode:
        raise DomainError("live_key_required", "Buying promotions takes real money: use a live key.",
                          "购买促销会实际扣款，请使用正式密钥。", status=403)


@router.get("/promotions/coupons", response=list[CouponOut], summary="My coupons (红包), unused first")
def coupons(request):
    return [_coupon(g) for g in selectors.merchant_grants(request.auth.merchant)[:200]]


@router.post("/promotions/coupons/claim", response={201: CouponOut}, summary="Claim a coupon by its code")
def coupon_claim(request, payload: ClaimIn):
    principal = request.auth
    grant = services.coupon_claim(merchant=principal.merchant, code=payload.code, actor=principal.user)
    return Status(201, _coupon(grant))


@router.get("/promotions/packages", response=list[PackageOut], summary="Packages (大促包) on sale now")
def packages_list(request):
    return [_package(p) for p in selectors.packages_on_sale()]


@router.post("/promotions/packages/{package_id}/buy", response={201: BalanceOut},
             summary="Buy a package from the wallet")
def package_buy(request, package_id: str):
    principal = request.auth
    _live(principal)
    balance = packages.package_buy(merchant=principal.merchant, package=selectors.package_get(package_id, on_sale=True),
                                   actor=principal.user)
    return Status(201, _balance(balance))


@router.get("/promotions/package-balances", response=list[BalanceOut], summary="My packages and labels left")
def balances(request):
    return [_balance(b) for b in selectors.merchant_balances(request.auth.merchant)]


@router.post("/promotions/package-balances/{balance_id}/refund", response=BalanceOut,
             summary="Refund a package's unused labels as its terms allow")
def balance_refund(request, balance_id: str):
    principal = request.auth
    balance = selectors.merchant_balance(principal.merchant, balance_id)
    return _balance(packages.package_refund(balance=balance, actor=principal.user))


@router.get("/promotions/flash-sales", response=list[FlashSaleOut], summary="Running and upcoming flash sales")
def flash_sales(request):
    grabbed = selectors.merchant_grabs(request.auth.merchant)
    return [_sale(s, grabbed) for s in selectors.flash_sales_visible()]


@router.post("/promotions/flash-sales/{sale_id}/grab", response={201: GrabOut}, summary="Grab a flash sale (限时抢购)")
def flash_sale_grab(request, sale_id: str):
    principal = request.auth
    _live(principal)
    sale = selectors.flash_sale_get(sale_id)
    grab = packages.flash_sale_grab(merchant=principal.merchant, sale=sale, actor=principal.user)
    return Status(201, {"id": grab.public_id, "sale": sale.public_id, "price_fen": grab.price_fen,
                        "item": grab.item_public_id})


@router.get("/promotions/points", response=PointsOut, summary="My points: balance, soon expiring, history")
def points_get(request):
    merchant = request.auth.merchant
    return {"balance": points.points_balance(merchant), "expiring_30_days": selectors.points_expiring(merchant),
            "history": [{"kind": e.kind, "points": e.points, "created_at": e.created_at, "expires_at": e.expires_at,
                         "shipment": e.shipment_public_id} for e in selectors.points_history(merchant)[:100]]}


@router.post("/promotions/points/redeem", response={201: CouponOut}, summary="Spend points on a coupon")
def points_redeem(request, payload: RedeemIn):
    principal = request.auth
    coupon = selectors.points_shop().filter(public_id=payload.coupon).first()
    if coupon is None:
        raise DomainError("not_found", "coupon not found", "未找到红包", status=404)
    grant = points.points_redeem(merchant=principal.merchant, coupon=coupon, actor=principal.user)
    return Status(201, _coupon(grant))


@router.get("/promotions/spend-offs", response=SpendOffOut, summary="满减 rules running now and my progress this month")
def spend_offs(request):
    progress = selectors.spend_off_progress(request.auth.merchant)
    rules = progress["monthly"] + progress["bulk"]
    return {"month_spend_fen": progress["spent_fen"], "missing_fen": progress["missing_fen"],
            "next_rule": progress["next"].public_id if progress["next"] else None,
            "rules": [{"id": r.public_id, "name": r.name, "kind": r.kind, "threshold_fen": r.threshold_fen,
                       "off_fen": r.off_fen, "valid_until": r.valid_until} for r in rules]}
