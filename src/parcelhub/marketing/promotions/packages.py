"""Promotion-season packages (大促包) and flash sales (限时抢购).

A package is paid up front from the wallet (a ledger charge referenced by the balance's public id, with a
`package` line); each eligible label then takes one from the balance at price 0 (an Offer of kind PACKAGE).
Refunds follow the package's terms: pro rata for unused labels within the refund window, or none.
A flash sale sells a limited quantity of a package or a coupon at its own price; the stock moves with one
compare-and-set update, so concurrent grabbers can never take more than the quantity.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.db.models import F

from parcelhub.billing import ledger
from parcelhub.billing.models import TransactionKind
from parcelhub.billing.services import InsufficientFunds
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.marketing.promotions.models import (
    Coupon,
    FlashSale,
    FlashSaleGrab,
    Package,
    PackageBalance,
    RefundTerms,
)

MAX_FEN = 100_000_000
MAX_LABELS = 100_000


def _bad(fields: list[str]) -> DomainError:
    return DomainError("invalid_promotion", "Check these fields: " + ", ".join(fields) + ".",
                       "请检查以下字段：" + "、".join(fields) + "。", status=422, details={"fields": fields})


def _int_ok(value: object, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _window_ok(start: object, end: object) -> bool:
    return isinstance(start, dt.datetime) and isinstance(end, dt.datetime) and end > start


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def package_create(*, name: str, carrier_code: str, service_code: str, labels: int, price_fen: int,
                   on_sale_from: dt.datetime, on_sale_until: dt.datetime, use_until: dt.datetime,
                   destination_provinces: list[str] | None = None, max_weight_g: int = 3000,
                   insured_value_fen: int = 0, includes_packaging: bool = False,
                   refund_terms: str = RefundTerms.NONE, refund_days: int = 0, actor=None) -> Package:
    provinces = list(dict.fromkeys(destination_provinces or []))
    checks = {
        "name": bool((name or "").strip()) and len(name.strip()) <= 80,
        "carrier_code": bool((carrier_code or "").strip()), "service_code": bool((service_code or "").strip()),
        "labels": _int_ok(labels, 1, MAX_LABELS), "price_fen": _int_ok(price_fen, 1, MAX_FEN),
        "on_sale_until": _window_ok(on_sale_from, on_sale_until),
        "use_until": _window_ok(on_sale_from, use_until) and (not _window_ok(on_sale_from, on_sale_until)
                                                               or use_until >= on_sale_until),
        "destination_provinces": all(isinstance(p, str) and re.fullmatch(r"\d{2}0000", p) for p in provinces),
        "max_weight_g": _int_ok(max_weight_g, 1, 100_000), "insured_value_fen": _int_ok(insured_value_fen, 0, MAX_FEN),
        "refund_terms": refund_terms in RefundTerms.values,
        "refund_days": _int_ok(refund_days, 0, 366) and (refund_terms != RefundTerms.PRO_RATA or refund_days > 0),
    }
    problems = [field for field, ok in checks.items() if not ok]
    if problems:
        raise _bad(problems)
    with transaction.atomic():
        package = Package.objects.create(
            name=name.strip(), carrier_code=carrier_code.strip(), service_code=service_code.strip(), labels=labels,
            price_fen=price_fen, destination_provinces=provinces, max_weight_g=max_weight_g,
            insured_value_fen=insured_value_fen, includes_packaging=bool(includes_packaging),
            refund_terms=refund_terms, refund_days=refund_days, on_sale_from=on_sale_from,
            on_sale_until=on_sale_until, use_until=use_until, created_by=_user(actor), created_at=clock.now())
        audit(action="package.create", actor=actor, target=package,
              data={"labels": labels, "price_fen": price_fen, "refund_terms": refund_terms})
    return package


def _charge(*, merchant, amount_fen: int, reference: str, memo: str, line: dict, actor=None):
    """Take a prepaid promotion's price from the wallet: all of it is revenue (carriers are paid per label)."""
    wallet = ledger.wallet_lock(merchant)
    if wallet.available_fen < amount_fen:
        raise InsufficientFunds(balance_fen=wallet.balance_fen, credit_limit_fen=wallet.credit_limit_fen,
                                required_fen=amount_fen)
    txn = ledger.ledger_post(kind=TransactionKind.CHARGE, merchant=merchant, wallet=wallet, reference=reference,
                             memo=memo, lines=[line], actor=actor,
                             entries=[(wallet.account, -amount_fen), (ledger.revenue_account(), amount_fen)])
    audit(action="wallet.charge", actor=actor, merchant=merchant, target=txn,
          data={"reference": reference, "amount_fen": amount_fen, "cost_fen": 0})
    return txn


def package_buy(*, merchant, package: Package, actor=None, price_fen: int | None = None,
                source: str = "") -> PackageBalance:
    """Buy one package from the wallet. A flash sale passes its own price and source, and its own window."""
    now = clock.now()
    on_sale = package.is_active and package.on_sale_from <= now < package.on_sale_until
    if (price_fen is None and not on_sale) or not package.is_active or now >= package.use_until:
        raise DomainError("package_not_on_sale", "This package is not on sale.", "该大促包当前不在售。", status=409)
    price = package.price_fen if price_fen is None else price_fen
    balance = PackageBalance(package=package, merchant=merchant, labels_total=package.labels, paid_fen=price,
                             source=source, bought_at=now)
    with transaction.atomic():
        if price > 0:
            _charge(merchant=merchant, amount_fen=price, reference=balance.public_id, memo=f"大促包 {package.name}",
                    line={"code": "package", "amount_fen": price, "promotion": package.public_id}, actor=actor)
        balance.save()
        audit(action="package.buy", actor=actor, merchant=merchant, target=balance,
              data={"package": package.public_id, "paid_fen": price, "source": source})
    return balance


def package_gift(*, package: Package, merchants, source: str, actor=None) -> list[PackageBalance]:
    """Give one balance of `package` to each of `merchants` free of charge (a campaign's offer): the same balance
    `package_buy` makes with a price of 0, so no wallet charge, and labels are taken by the same pipeline offer.
    Idempotent per (package, merchant, source): merchants already holding one from `source` are skipped. Returns
    the balances created. A few queries for the whole batch, not per merchant."""
    source = (source or "")[:64]
    if not source:
        raise _bad(["source"])
    with transaction.atomic():
        # The package's row lock serialises gifts of one package, so the check below sees every committed gift.
        locked = Package.objects.select_for_update().get(pk=package.pk)
        now = clock.now()
        if not locked.is_active or now >= locked.use_until:
            raise DomainError("package_unavailable", "This package is inactive or its labels can no longer be used.",
                              "该大促包已停用或已过使用期限。", status=409)
        merchant_ids = list(dict.fromkeys(m.pk for m in merchants))
        held = set(PackageBalance.objects.filter(package=locked, source=source, merchant_id__in=merchant_ids)
                   .values_list("merchant_id", flat=True))
        balances = [PackageBalance(package=locked, merchant_id=pk, labels_total=locked.labels, paid_fen=0,
                                   source=source, bought_at=now)
                    for pk in merchant_ids if pk not in held]
        PackageBalance.objects.bulk_create(balances, batch_size=500)
        audit(action="package.gift", actor=actor, target=locked,
              data={"source": source, "given": len(balances), "asked": len(merchant_ids)})
    return balances


def refund_quote(balance: PackageBalance, *, now: dt.datetime | None = None) -> tuple[int, str]:
    """(refund in fen, "" or the reason there is none) under the package's terms, pro rata rounded down."""
    now = now or clock.now()
    package = balance.package
    if balance.state != PackageBalance.State.ACTIVE:
        return 0, "already_refunded"
    # A gifted balance (paid_fen 0) has nothing to give back, whatever the package's terms.
    if package.refund_terms == RefundTerms.NONE or balance.paid_fen <= 0:
        return 0, "not_refundable"
    if now > balance.bought_at + dt.timedelta(days=package.refund_days):
        return 0, "refund_window_closed"
    unused = balance.labels_total - balance.labels_used
    if unused <= 0:
        return 0, "nothing_to_refund"
    return balance.paid_fen * unused // balance.labels_total, ""


_REFUND_ERRORS = {
    "already_refunded": ("This package has already been refunded.", "该大促包已退款。"),
    "not_refundable": ("This package's terms allow no refund.", "该大促包按条款不可退款。"),
    "refund_window_closed": ("The refund window of this package has closed.", "该大促包的退款期限已过。"),
    "nothing_to_refund": ("Every label of this package has been used.", "该大促包的面单已全部用完。"),
}


def package_refund(*, balance: PackageBalance, actor=None) -> PackageBalance:
    """Refund the unused labels as the terms say; the balance then takes no more labels."""
    with transaction.atomic():
        locked = PackageBalance.objects.select_for_update().select_related("package", "merchant").get(pk=balance.pk)
        amount, reason = refund_quote(locked)
        if reason:
            en, zh = _REFUND_ERRORS[reason]
            raise DomainError(reason, en, zh, status=409)
        wallet = ledger.wallet_lock(locked.merchant)
        ledger.ledger_post(kind=TransactionKind.REFUND, merchant=locked.merchant, wallet=wallet,
                           reference=locked.public_id, memo=f"大促包退款 {locked.package.name}", actor=actor,
                           lines=[{"code": "package_refund", "amount_fen": amount,
                                   "promotion": locked.package.public_id}],
                           entries=[(wallet.account, amount), (ledger.revenue_account(), -amount)])
        unused = locked.labels_total - locked.labels_used
        PackageBalance.objects.filter(pk=locked.pk).update(state=PackageBalance.State.REFUNDED, refunded_fen=amount,
                                                           refunded_at=clock.now())
        audit(action="package.refund", actor=actor, merchant=locked.merchant, target=locked,
              data={"refund_fen": amount, "unused_labels": unused})
    locked.refresh_from_db()
    return locked


def flash_sale_create(*, name: str, price_fen: int, quantity: int, starts_at: dt.datetime, ends_at: dt.datetime,
                      package: Package | None = None, coupon: Coupon | None = None, actor=None) -> FlashSale:
    checks = {
        "name": bool((name or "").strip()) and len(name.strip()) <= 80,
        "item": (package is None) != (coupon is None),
        "price_fen": _int_ok(price_fen, 0 if coupon is not None else 1, MAX_FEN),
        "quantity": _int_ok(quantity, 1, MAX_LABELS), "ends_at": _window_ok(starts_at, ends_at),
    }
    problems = [field for field, ok in checks.items() if not ok]
    if problems:
        raise _bad(problems)
    with transaction.atomic():
        sale = FlashSale.objects.create(name=name.strip(), package=package, coupon=coupon, price_fen=price_fen,
                                        quantity=quantity, starts_at=starts_at, ends_at=ends_at,
                                        created_by=_user(actor), created_at=clock.now())
        audit(action="flash_sale.create", actor=actor, target=sale,
              data={"price_fen": price_fen, "quantity": quantity})
    return sale


def _take_one(sale: FlashSale) -> None:
    now = clock.now()
    if not sale.starts_at <= now < sale.ends_at:
        raise DomainError("flash_sale_closed", "This flash sale is not running.", "该限时抢购未在进行中。", status=409)
    # Compare-and-set: the row lock the update takes queues concurrent grabbers, and each re-checks the stock.
    taken = FlashSale.objects.filter(pk=sale.pk, sold__lt=F("quantity")).update(sold=F("sold") + 1)
    if not taken:
        raise DomainError("sold_out", "Sold out.", "已抢光。", status=409)


def flash_sale_grab(*, merchant, sale: FlashSale, actor=None) -> FlashSaleGrab:
    """One per merchant; pays the sale price from the wallet and hands over the package or coupon."""
    from parcelhub.marketing.promotions.services import coupon_grant

    with transaction.atomic():
        if FlashSaleGrab.objects.filter(sale=sale, merchant=merchant).exists():
            raise DomainError("already_grabbed", "You already have one from this flash sale.", "您已抢到过一份。",
                              status=409)
        _take_one(sale)
        grab = FlashSaleGrab(sale=sale, merchant=merchant, price_fen=sale.price_fen, created_at=clock.now())
        if sale.package_id:
            item = package_buy(merchant=merchant, package=sale.package, actor=actor, price_fen=sale.price_fen,
                               source=sale.public_id)
        else:
            if sale.price_fen > 0:
                _charge(merchant=merchant, amount_fen=sale.price_fen, reference=grab.public_id,
                        memo=f"限时抢购 {sale.name}", actor=actor,
                        line={"code": "flash_sale", "amount_fen": sale.price_fen, "promotion": sale.public_id})
            granted = coupon_grant(coupon=sale.coupon, merchants=[merchant], source=sale.public_id, actor=actor)
            if not granted:
                raise DomainError("coupon_limit_reached", "You already hold as many of this coupon as allowed.",
                                  "您持有的该红包已达上限。", status=409)
            item = granted[0]
        grab.item_public_id = item.public_id
        try:
            with transaction.atomic():
                grab.save()
        except IntegrityError:  # a concurrent grab of the same merchant won; this one takes nothing
            raise DomainError("already_grabbed", "You already have one from this flash sale.", "您已抢到过一份。",
                              status=409) from None
        audit(action="flash_sale.grab", actor=actor, merchant=merchant, target=grab,
              data={"sale": sale.public_id, "item": item.public_id, "price_fen": sale.price_fen})
    return grab
