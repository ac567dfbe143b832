"""满减 (spend X, get Y back): monthly credits settled at month close, and credits for one bulk purchase.

Both pay a wallet credit (a ledger adjustment from the promotions account with its own `spend_off` line), once:
a unique constraint per merchant and month / per bulk purchase makes a re-run a no-op. When several rules are
met, the largest credit wins; rules never add up.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Sum

from parcelhub.billing import ledger
from parcelhub.billing.models import LedgerEntry, TransactionKind
from parcelhub.billing.statements import month_bounds, next_month
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.marketing.promotions.models import SpendOffCredit, SpendOffRule

LINE_CODE = "spend_off"
MAX_FEN = 100_000_000


def spend_off_rule_create(*, name: str, kind: str, threshold_fen: int, off_fen: int, valid_from: dt.datetime,
                          valid_until: dt.datetime, actor=None) -> SpendOffRule:
    name = (name or "").strip()
    problems = []
    if not name or len(name) > 80:
        problems.append("name")
    if kind not in SpendOffRule.Kind.values:
        problems.append("kind")
    if type(off_fen) is not int or not 0 < off_fen <= MAX_FEN:
        problems.append("off_fen")
    if type(threshold_fen) is not int or not (type(off_fen) is int and off_fen < threshold_fen <= MAX_FEN):
        problems.append("threshold_fen")
    if not isinstance(valid_from, dt.datetime) or not isinstance(valid_until, dt.datetime) \
            or valid_until <= valid_from:
        problems.append("valid_until")
    if problems:
        raise DomainError("invalid_spend_off", "Check these fields: " + ", ".join(problems) +
                          " (the credit must be positive and below the spend threshold).",
                          "请检查以下字段：" + "、".join(problems) + "（返还金额须大于零且低于消费门槛）。",
                          status=422, details={"fields": problems})
    with transaction.atomic():
        rule = SpendOffRule.objects.create(
            name=name, kind=kind, threshold_fen=threshold_fen, off_fen=off_fen, valid_from=valid_from,
            valid_until=valid_until, created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=clock.now())
        audit(action="spend_off.create", actor=actor, target=rule,
              data={"kind": kind, "threshold_fen": threshold_fen, "off_fen": off_fen})
    return rule


def best_rule(*, kind: str, spend_fen: int, at: dt.datetime) -> SpendOffRule | None:
    return (SpendOffRule.objects.filter(kind=kind, is_active=True, valid_from__lte=at, valid_until__gt=at,
                                        threshold_fen__lte=spend_fen)
            .order_by("-off_fen", "pk").first())


def month_spend_fen(merchant, month: dt.date) -> int:
    """Net label spend in the month: charges for shipments less their refunds, from the wallet's entries."""
    start, end = month_bounds(month)
    total = (LedgerEntry.objects
             .filter(account__code=f"wallet:{merchant.public_id}",
                     transaction__kind__in=[TransactionKind.CHARGE, TransactionKind.REFUND],
                     transaction__reference__startswith="shp_",
                     transaction__created_at__gte=start, transaction__created_at__lt=end)
             .aggregate(total=Sum("amount_fen"))["total"] or 0)
    return -total


def _credit(*, rule: SpendOffRule, merchant, spend_fen: int, period: dt.date | None = None,
            bulk_public_id: str = "") -> SpendOffCredit | None:
    memo = f"满减 {rule.name}"
    try:
        with transaction.atomic():
            wallet = ledger.wallet_lock(merchant)
            reference = bulk_public_id or f"spend_off:{period:%Y-%m}"
            txn = ledger.ledger_post(
                kind=TransactionKind.ADJUSTMENT, merchant=merchant, wallet=wallet, reference=reference, memo=memo,
                lines=[{"code": LINE_CODE, "amount_fen": rule.off_fen, "promotion": rule.public_id}],
                entries=[(wallet.account, rule.off_fen), (ledger.adjustment_account(), -rule.off_fen)])
            credit = SpendOffCredit.objects.create(
                rule=rule, merchant=merchant, kind=rule.kind, period=period, bulk_public_id=bulk_public_id,
                spend_fen=spend_fen, off_fen=rule.off_fen, transaction=txn, created_at=clock.now())
            audit(action="spend_off.credit", merchant=merchant, target=credit,
                  data={"rule": rule.public_id, "spend_fen": spend_fen, "off_fen": rule.off_fen,
                        "reference": reference})
    except IntegrityError:
        return None  # already credited by an earlier or concurrent run: the constraint keeps it once
    return credit


def spend_offs_settle_month(*, month: dt.date, merchants=None) -> list[SpendOffCredit]:
    """Credit every merchant whose net spend in `month` met a monthly rule active at the month's last moment.
    Idempotent: a merchant already credited for the month is skipped."""
    from parcelhub.accounts.models import Merchant

    month = month.replace(day=1)
    start, end = month_bounds(month)
    if end > clock.now():
        raise DomainError("month_not_closed", "A month is settled after it ends.", "月份结束后才能结算。", status=409)
    closing = end - dt.timedelta(microseconds=1)
    if not SpendOffRule.objects.filter(kind=SpendOffRule.Kind.PERIOD, is_active=True, valid_from__lte=closing,
                                       valid_until__gt=start).exists():
        return []
    done = set(SpendOffCredit.objects.filter(kind=SpendOffRule.Kind.PERIOD, period=month)
               .values_list("merchant_id", flat=True))
    pool = merchants if merchants is not None else Merchant.objects.filter(is_active=True)
    credits = []
    for merchant in pool:
        if merchant.pk in done:
            continue
        spend = month_spend_fen(merchant, month)
        rule = best_rule(kind=SpendOffRule.Kind.PERIOD, spend_fen=spend, at=closing)
        if rule is not None:
            credit = _credit(rule=rule, merchant=merchant, spend_fen=spend, period=month)
            if credit is not None:
                credits.append(credit)
    return credits


def spend_offs_settle_previous_month(today: dt.date | None = None) -> list[SpendOffCredit]:
    """The periodic job's body: settle the month before `today`'s month."""
    today = today or clock.today()
    this_month = today.replace(day=1)
    previous = (this_month - dt.timedelta(days=1)).replace(day=1)
    assert next_month(previous) == this_month
    return spend_offs_settle_month(month=previous)


def spend_offs_settle_bulk(*, bulk) -> SpendOffCredit | None:
    """When a bulk purchase completes: credit its merchant once if what it charged met a bulk rule.
    `bulk` is a shipping.BulkPurchase (public_id, merchant, charged_fen, created_at). Safe to call twice."""
    if bulk.charged_fen <= 0:
        return None
    rule = best_rule(kind=SpendOffRule.Kind.BULK, spend_fen=bulk.charged_fen, at=bulk.created_at)
    if rule is None:
        return None
    existing = SpendOffCredit.objects.filter(kind=SpendOffRule.Kind.BULK, bulk_public_id=bulk.public_id).first()
    if existing is not None:
        return existing
    credit = _credit(rule=rule, merchant=bulk.merchant, spend_fen=bulk.charged_fen, bulk_public_id=bulk.public_id)
    return credit or SpendOffCredit.objects.get(kind=SpendOffRule.Kind.BULK, bulk_public_id=bulk.public_id)
