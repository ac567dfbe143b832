"""Posting to the ledger: the accounts, the one row-locking helper and the balanced-posting rule.

Only services call these, inside their own `transaction.atomic`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TypeVar

from django.db import models, transaction
from django.db.models import F

from parcelhub.accounts.models import Merchant, User
from parcelhub.billing.models import AccountKind, LedgerAccount, LedgerEntry, LedgerTransaction, Wallet
from parcelhub.core import clock

M = TypeVar("M", bound=models.Model)


class UnbalancedTransaction(RuntimeError):
    """A posting whose entries do not sum to zero: a programming error, never written."""


def lock_rows(queryset: models.QuerySet[M]) -> list[M]:
    """Lock rows for the rest of the transaction, always in pk order so two lockers never deadlock."""
    return list(queryset.select_for_update().order_by("pk"))


def _account(code: str, kind: str, *, merchant: Merchant | None = None, carrier_code: str = "") -> LedgerAccount:
    account, _ = LedgerAccount.objects.get_or_create(
        code=code, defaults={"kind": kind, "merchant": merchant, "carrier_code": carrier_code})
    return account


def revenue_account() -> LedgerAccount:
    return _account("platform:revenue", AccountKind.REVENUE)


def adjustment_account() -> LedgerAccount:
    return _account("platform:adjustments", AccountKind.ADJUSTMENT)


def carrier_payable_account(carrier_code: str) -> LedgerAccount:
    return _account(f"carrier_payable:{carrier_code}", AccountKind.CARRIER_PAYABLE, carrier_code=carrier_code)


def clearing_account(provider: str) -> LedgerAccount:
    return _account(f"clearing:{provider}", AccountKind.PAYMENT_CLEARING)


def wallet_get_or_create(merchant: Merchant) -> Wallet:
    wallet = Wallet.objects.filter(merchant=merchant).first()
    if wallet is not None:
        return wallet
    # get_or_create retries a lost insert race as a read, so two first requests still make one wallet.
    with transaction.atomic():
        account = _account(f"wallet:{merchant.public_id}", AccountKind.WALLET, merchant=merchant)
        wallet, _ = Wallet.objects.get_or_create(merchant=merchant, defaults={"account": account})
    return wallet


def wallet_lock(merchant: Merchant) -> Wallet:
    """The merchant's wallet, locked until the surrounding transaction ends; every balance change goes here."""
    locked = lock_rows(Wallet.objects.filter(merchant=merchant))
    if not locked:
        wallet_get_or_create(merchant)
        locked = lock_rows(Wallet.objects.filter(merchant=merchant))
    return locked[0]


def ledger_post(*, kind: str, merchant: Merchant | None, entries: Iterable[tuple[LedgerAccount, int]],
                wallet: Wallet | None = None, reference: str = "", memo: str = "",
                lines: Sequence[dict] | None = None, actor: User | None = None,
                reverses: LedgerTransaction | None = None) -> LedgerTransaction:
    """Write one balanced transaction. `wallet` must be the locked wallet when an entry touches it."""
    by_account: dict[int, int] = defaultdict(int)
    accounts: dict[int, LedgerAccount] = {}
    for account, amount in entries:
        if type(amount) is not int:
            raise UnbalancedTransaction(f"amount must be an int of fen, got {amount!r}")
        by_account[account.pk] += amount
        accounts[account.pk] = account
    postings = {pk: amount for pk, amount in by_account.items() if amount != 0}
    if not postings:
        raise UnbalancedTransaction("a transaction needs at least one non-zero entry")
    if sum(postings.values()) != 0:
        raise UnbalancedTransaction(f"entries sum to {sum(postings.values())}, not 0")
    wallet_delta = 0
    for pk in postings:
        if accounts[pk].kind == AccountKind.WALLET:
            if wallet is None or wallet.account_id != pk:
                raise UnbalancedTransaction("a wallet entry needs that wallet, locked")
            wallet_delta = postings[pk]
    with transaction.atomic(savepoint=False):
        txn = LedgerTransaction.objects.create(
            kind=kind, merchant=merchant, reference=reference, memo=memo[:200], lines=list(lines or []),
            actor=actor if getattr(actor, "is_authenticated", False) else None, reverses=reverses,
            created_at=clock.now())
        balance_after = None
        if wallet is not None and wallet_delta:
            Wallet.objects.filter(pk=wallet.pk).update(balance_fen=F("balance_fen") + wallet_delta,
                                                          updated_at=clock.now())
            # The row is locked, so the cached value plus this entry is the balance right after it.
            wallet.balance_fen += wallet_delta
            balance_after = wallet.balance_fen
        LedgerEntry.objects.bulk_create([
            LedgerEntry(transaction=txn, account_id=pk, amount_fen=amount,
                        balance_after_fen=balance_after if wallet is not None and pk == wallet.account_id else None)
            for pk, amount in postings.items()
        ])
    return txn
