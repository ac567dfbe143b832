"""Bonus credit (充值赠送): promotional money a merchant may ship with, but never take out.

Each merchant has a second ledger account, `bonus:mch_…` (kind BONUS), funded from the platform's promotions
account. `Wallet.bonus_fen` caches its balance under the wallet's row lock. A charge spends the cash balance
first, then bonus credit, and only then the credit line; its wallet and bonus entries show the split. A refund
reverses the charge entry by entry, so bonus that paid for a label comes back as bonus, never as cash.

Only billing services call these, inside their transaction and holding the wallet lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F

from parcelhub.accounts.models import Merchant, User
from parcelhub.billing import ledger
from parcelhub.billing.models import AccountKind, LedgerAccount, LedgerTransaction, TransactionKind, Wallet
from parcelhub.core import clock


def bonus_account(merchant: Merchant) -> LedgerAccount:
    account, _ = LedgerAccount.objects.get_or_create(
        code=f"bonus:{merchant.public_id}", defaults={"kind": AccountKind.BONUS, "merchant": merchant})
    return account


@dataclass(frozen=True)
class Split:
    cash_fen: int    # taken from the wallet account (cash, then the credit line)
    bonus_fen: int   # taken from bonus credit


def split_charge(wallet: Wallet, amount_fen: int) -> Split:
    """Cash down to zero first, then bonus, then the credit line (which is debt, so it comes last)."""
    cash_first = min(amount_fen, max(wallet.balance_fen, 0))
    from_bonus = min(amount_fen - cash_first, max(wallet.bonus_fen, 0))
    return Split(cash_fen=amount_fen - from_bonus, bonus_fen=from_bonus)


def apply_bonus_delta(wallet: Wallet, delta_fen: int) -> None:
    """Move the cached bonus balance with a posted bonus entry (the wallet row is locked by the caller)."""
    if delta_fen:
        Wallet.objects.filter(pk=wallet.pk).update(bonus_fen=F("bonus_fen") + delta_fen, updated_at=clock.now())
        wallet.bonus_fen += delta_fen


def bonus_delta_of(txn: LedgerTransaction) -> int:
    """The change a posted transaction made to its merchant's bonus account."""
    return sum(entry.amount_fen for entry in txn.entries.all() if entry.account.kind == AccountKind.BONUS)


def bonus_grant(*, wallet: Wallet, amount_fen: int, reference: str, memo: str,
                actor: User | None = None) -> LedgerTransaction:
    """Credit bonus from the platform's promotions account (the caller audits and holds the wallet lock)."""
    merchant = wallet.merchant
    txn = ledger.ledger_post(
        kind=TransactionKind.BONUS, merchant=merchant, wallet=wallet, reference=reference, memo=memo,
        lines=[{"code": "recharge_bonus", "amount_fen": amount_fen}], actor=actor,
        entries=[(bonus_account(merchant), amount_fen), (ledger.adjustment_account(), -amount_fen)])
    apply_bonus_delta(wallet, amount_fen)
    return txn


BONUS_GIVE_MAX_FEN = 10_000_000   # ¥100,000: a promotion, not a payout


def bonus_credit_give(*, merchant: Merchant, amount_fen: int, reference: str, reason: str,
                      actor: User | None = None) -> LedgerTransaction:
    """Give bonus credit outside a recharge (a campaign's offer, a goodwill gesture), once per `reference`:
    a second call with the same reference returns the first transaction."""
    from django.db import transaction

    from parcelhub.core.audit import audit
    from parcelhub.core.errors import DomainError

    if type(amount_fen) is not int or not 0 < amount_fen <= BONUS_GIVE_MAX_FEN:
        raise DomainError("invalid_amount", "Bonus credit must be between ¥0.01 and ¥100,000.",
                          "赠送金额须在 ¥0.01 至 ¥100,000 之间。")
    if not reference or not (reason or "").strip():
        raise DomainError("invalid_bonus", "Bonus credit needs a reference and a reason.", "赠送需要业务单号和原因。")
    with transaction.atomic():
        wallet = ledger.wallet_lock(merchant)
        existing = LedgerTransaction.objects.filter(kind=TransactionKind.BONUS, merchant=merchant,
                                                    reference=reference).first()
        if existing is not None:
            return existing
        txn = bonus_grant(wallet=wallet, amount_fen=amount_fen, reference=reference, memo=reason.strip(),
                          actor=actor)
        audit(action="wallet.bonus", actor=actor, merchant=merchant, target=txn,
              data={"amount_fen": amount_fen, "reference": reference, "reason": reason.strip()})
    return txn
