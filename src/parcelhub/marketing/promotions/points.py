"""Points (积分): earned per yuan charged for a label, reversed when the label is voided, spent on coupons,
expiring lot by lot, oldest first.

The balance is a cache on `PointsAccount`, changed only under that row's lock, so it always equals the sum of
the merchant's entries and never goes negative.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.marketing.promotions.models import Coupon, PointsAccount, PointsEntry

POINTS_PER_YUAN = 1
EXPIRY_DAYS = 365


def points_account_lock(merchant) -> PointsAccount:
    """`merchant` may be a Merchant or its pk."""
    merchant_id = getattr(merchant, "pk", merchant)
    # INSERT … ON CONFLICT DO NOTHING: concurrent first purchases of one merchant must not race to create it.
    PointsAccount.objects.bulk_create([PointsAccount(merchant_id=merchant_id)], ignore_conflicts=True)
    return PointsAccount.objects.select_for_update().get(merchant_id=merchant_id)


def points_balance(merchant) -> int:
    account = PointsAccount.objects.filter(merchant=merchant).first()
    return account.balance if account is not None else 0


def _move(account: PointsAccount, delta: int) -> None:
    PointsAccount.objects.filter(pk=account.pk).update(balance=F("balance") + delta, updated_at=clock.now())
    account.balance += delta


def _take(merchant, points: int, *, first_lot: PointsEntry | None = None) -> int:
    """Take up to `points` from unexpired lots, `first_lot` first, then the ones expiring soonest."""
    lots = list(PointsEntry.objects.select_for_update()
                .filter(merchant=merchant, kind=PointsEntry.Kind.EARN, remaining__gt=0, expires_at__gt=clock.now())
                .order_by("expires_at", "id"))
    if first_lot is not None:
        lots.sort(key=lambda lot: lot.pk != first_lot.pk)
    taken = 0
    for lot in lots:
        if taken == points:
            break
        take = min(lot.remaining, points - taken)
        PointsEntry.objects.filter(pk=lot.pk).update(remaining=F("remaining") - take)
        taken += take
    return taken


def points_earn(*, merchant, shipment_public_id: str, charged_fen: int) -> PointsEntry | None:
    """Inside the purchase: 1 point per whole yuan charged; a label under ¥1 earns nothing."""
    points = max(0, charged_fen) // 100 * POINTS_PER_YUAN
    if points == 0:
        return None
    with transaction.atomic():
        account = points_account_lock(merchant)
        now = clock.now()
        entry = PointsEntry.objects.create(merchant=merchant, kind=PointsEntry.Kind.EARN, points=points,
                                           remaining=points, expires_at=now + dt.timedelta(days=EXPIRY_DAYS),
                                           shipment_public_id=shipment_public_id, created_at=now)
        _move(account, points)
    return entry


def points_reverse(*, merchant, shipment_public_id: str) -> PointsEntry | None:
    """Inside the void: take back what the label earned — from its own lot first, then others; points already
    spent on a coupon are not clawed back below zero."""
    with transaction.atomic():
        account = points_account_lock(merchant)
        earned = PointsEntry.objects.filter(merchant=merchant, kind=PointsEntry.Kind.EARN,
                                            shipment_public_id=shipment_public_id).first()
        if earned is None or PointsEntry.objects.filter(
                merchant=merchant, kind=PointsEntry.Kind.REVERSE, shipment_public_id=shipment_public_id).exists():
            return None
        taken = _take(merchant, min(earned.points, account.balance), first_lot=earned)
        if taken == 0:
            return None
        entry = PointsEntry.objects.create(merchant=merchant, kind=PointsEntry.Kind.REVERSE, points=-taken,
                                           shipment_public_id=shipment_public_id, created_at=clock.now())
        _move(account, -taken)
    return entry


def points_redeem(*, merchant, coupon: Coupon, actor=None):
    """Spend `coupon.points_price` points on one grant of the coupon."""
    from parcelhub.marketing.promotions.services import _lock_coupon, coupon_grant

    if coupon.points_price is None:
        raise DomainError("not_for_points", "This coupon cannot be bought with points.", "该红包不能用积分兑换。",
                          status=422)
    with transaction.atomic():
        _lock_coupon(coupon)  # the coupon before the points account: the same order as a purchase
        account = points_account_lock(merchant)
        price = coupon.points_price
        if account.balance < price:
            raise DomainError("insufficient_points", f"You need {price} points and have {account.balance}.",
                              f"需要 {price} 积分，当前仅有 {account.balance} 积分。", status=409,
                              details={"balance": account.balance, "required": price})
        taken = _take(merchant, price)
        if taken != price:  # expired lots not yet swept by the job make the cached balance too high
            raise DomainError("insufficient_points", "Some of your points have expired.", "部分积分已过期。",
                              status=409)
        entry = PointsEntry.objects.create(merchant=merchant, kind=PointsEntry.Kind.REDEEM, points=-price,
                                           created_at=clock.now())
        grants = coupon_grant(coupon=coupon, merchants=[merchant], source=f"points:{entry.public_id}", actor=actor)
        if not grants:
            raise DomainError("coupon_limit_reached", "You already hold as many of this coupon as allowed.",
                              "您持有的该红包已达上限。", status=409)
        PointsEntry.objects.filter(pk=entry.pk).update(reference=grants[0].public_id)
        _move(account, -price)
        audit(action="points.redeem", actor=actor, merchant=merchant, target=grants[0],
              data={"points": price, "coupon": coupon.public_id})
    return grants[0]


def points_expire(*, now: dt.datetime | None = None) -> int:
    """The periodic job: each lot past its expiry loses what is left of it. Returns points expired."""
    now = now or clock.now()
    merchant_ids = (PointsEntry.objects.filter(kind=PointsEntry.Kind.EARN, remaining__gt=0, expires_at__lte=now)
                    .values_list("merchant_id", flat=True).distinct())
    total = 0
    for merchant_id in list(merchant_ids):
        with transaction.atomic():
            account = points_account_lock(merchant_id)
            lots = list(PointsEntry.objects.select_for_update().filter(
                merchant_id=merchant_id, kind=PointsEntry.Kind.EARN, remaining__gt=0, expires_at__lte=now)
                .order_by("expires_at", "id"))
            expired = sum(lot.remaining for lot in lots)
            if not expired:
                continue
            PointsEntry.objects.filter(pk__in=[lot.pk for lot in lots]).update(remaining=0)
            PointsEntry.objects.create(merchant_id=merchant_id, kind=PointsEntry.Kind.EXPIRE, points=-expired,
                                       created_at=now)
            _move(account, -expired)
            total += expired
    if total:
        audit(action="points.expire", data={"points": total})
    return total
