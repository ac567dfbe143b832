"""Monthly wallet statements: opening + recharges − charges + refunds ± adjustments = closing.

A month is a calendar month in the platform's time zone (settings.TIME_ZONE, Asia/Shanghai): a charge at
23:59 on the 31st belongs to that month, one at 00:00 on the 1st to the next.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from parcelhub.accounts.models import Merchant
from parcelhub.billing.models import LedgerEntry, LedgerTransaction, TransactionKind
from parcelhub.billing.selectors import wallet_for
from parcelhub.core.money import fen_to_yuan_str

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MONTHS_LISTED = 24


@dataclass(frozen=True)
class StatementRow:
    at: dt.datetime  # local time
    transaction_id: str
    kind: str
    reference: str
    memo: str
    lines: list[dict]
    amount_fen: int
    balance_after_fen: int


@dataclass(frozen=True)
class Statement:
    merchant: Merchant
    month: dt.date  # the first day
    opening_fen: int
    recharges_fen: int
    charges_fen: int      # what was taken, as a positive amount
    refunds_fen: int
    adjustments_fen: int  # signed
    closing_fen: int
    rows: list[StatementRow]

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def reconciles(self) -> bool:
        movement = self.recharges_fen - self.charges_fen + self.refunds_fen + self.adjustments_fen
        return self.opening_fen + movement == self.closing_fen


def parse_month(text: str) -> dt.date | None:
    match = _MONTH.match(text or "")
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
        return None
    return dt.date(int(match[1]), int(match[2]), 1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone()
    start = dt.datetime(month.year, month.month, 1, tzinfo=zone)
    return start, dt.datetime.combine(next_month(month), dt.time(), tzinfo=zone)


def statement_months(merchant: Merchant, *, today: dt.date) -> list[dt.date]:
    """Months with a statement, newest first: from the first transaction's month to this month."""
    current = today.replace(day=1)
    first = (LedgerTransaction.objects.filter(merchant=merchant).order_by("created_at")
             .values_list("created_at", flat=True).first())
    month = timezone.localtime(first, timezone.get_default_timezone()).date().replace(day=1) if first else current
    months = []
    while month <= current:
        months.append(month)
        month = next_month(month)
    return list(reversed(months))[:MONTHS_LISTED]


def statement_build(*, merchant: Merchant, month: dt.date) -> Statement:
    wallet = wallet_for(merchant)
    start, end = month_bounds(month)
    entries = LedgerEntry.objects.filter(account_id=wallet.account_id)
    opening = entries.filter(transaction__created_at__lt=start).aggregate(
        total=Coalesce(Sum("amount_fen"), 0))["total"]
    in_month = (entries.filter(transaction__created_at__gte=start, transaction__created_at__lt=end)
                .select_related("transaction").order_by("transaction__created_at", "transaction_id"))
    totals = {kind: 0 for kind in TransactionKind.values}
    rows = []
    balance = opening
    zone = timezone.get_default_timezone()
    for entry in in_month:
        txn = entry.transaction
        totals[txn.kind] += entry.amount_fen
        balance += entry.amount_fen
        rows.append(StatementRow(at=timezone.localtime(txn.created_at, zone), transaction_id=txn.public_id,
                                 kind=txn.kind, reference=txn.reference, memo=txn.memo, lines=txn.lines,
                                 amount_fen=entry.amount_fen, balance_after_fen=balance))
    return Statement(merchant=merchant, month=month, opening_fen=opening,
                     recharges_fen=totals[TransactionKind.RECHARGE], charges_fen=-totals[TransactionKind.CHARGE],
                     refunds_fen=totals[TransactionKind.REFUND], adjustments_fen=totals[TransactionKind.ADJUSTMENT],
                     closing_fen=balance, rows=rows)


CSV_HEADER = ["time", "transaction", "kind", "reference", "memo", "lines", "amount_yuan", "balance_yuan"]


def _lines_text(lines: list[dict]) -> str:
    return "; ".join(f"{line['code']} {fen_to_yuan_str(line['amount_fen'])}" for line in lines)


def statement_csv(statement: Statement) -> bytes:
    """UTF-8 with a BOM so Excel shows Chinese memos; amounts in yuan with two decimals, money exact."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    start, end = month_bounds(statement.month)
    local_start = timezone.localtime(start, timezone.get_default_timezone())
    writer.writerow([f"{local_start:%Y-%m-%d %H:%M:%S}", "", "opening_balance", "", "", "", "",
                     fen_to_yuan_str(statement.opening_fen)])
    for row in statement.rows:
        writer.writerow([f"{row.at:%Y-%m-%d %H:%M:%S}", row.transaction_id, row.kind, row.reference, row.memo,
                         _lines_text(row.lines), fen_to_yuan_str(row.amount_fen),
                         fen_to_yuan_str(row.balance_after_fen)])
    for kind, amount in (("total_recharges", statement.recharges_fen), ("total_charges", -statement.charges_fen),
                         ("total_refunds", statement.refunds_fen), ("total_adjustments", statement.adjustments_fen)):
        writer.writerow(["", "", kind, "", "", "", fen_to_yuan_str(amount), ""])
    writer.writerow(["", "", "closing_balance", "", "", "", "", fen_to_yuan_str(statement.closing_fen)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
