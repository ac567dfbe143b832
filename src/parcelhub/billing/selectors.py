"""Reads for billing; the tenancy scope of wallets, transactions and recharges lives here."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from parcelhub.accounts.models import Merchant
from parcelhub.billing import ledger
from parcelhub.billing.models import (
    AccountKind,
    LedgerEntry,
    LedgerTransaction,
    Recharge,
    TransactionKind,
    Wallet,
)
from parcelhub.core.errors import NotFound


def wallet_for(merchant: Merchant) -> Wallet:
    """The merchant's wallet, created empty (no credit) the first time anyone asks."""
    return ledger.wallet_get_or_create(merchant)


def wallet_transactions(merchant: Merchant) -> QuerySet[LedgerTransaction]:
    """The merchant's transactions, newest first, each with `wallet_entries`: only its own wallet's entries
    (the platform's revenue and carrier cost stay out of a merchant's view)."""
    wallet = wallet_for(merchant)
    bonus = LedgerEntry.objects.filter(account__merchant=merchant, account__kind=AccountKind.BONUS)
    return (LedgerTransaction.objects.filter(merchant=merchant).order_by("-created_at", "-id")
            .prefetch_related(Prefetch("entries", to_attr="wallet_entries",
                                       queryset=LedgerEntry.objects.filter(account_id=wallet.account_id)),
                              Prefetch("entries", to_attr="bonus_entries", queryset=bonus)))


def bonus_amount_of(txn: LedgerTransaction) -> int:
    """The change of the merchant's bonus credit in a transaction from `wallet_transactions`."""
    return sum(entry.amount_fen for entry in getattr(txn, "bonus_entries", ()))


def transactions_with_all_entries(merchant: Merchant) -> QuerySet[LedgerTransaction]:
    """For operators: every entry of each transaction, with its account."""
    return (LedgerTransaction.objects.filter(merchant=merchant).order_by("-created_at", "-id")
            .select_related("actor")
            .prefetch_related(Prefetch("entries", queryset=LedgerEntry.objects.select_related("account"))))


def charge_exists(reference: str) -> bool:
    """Whether `reference` (a shipment) was charged: labels bought from a package before their carrier cost was
    booked have no charge to reverse."""
    return LedgerTransaction.objects.filter(kind=TransactionKind.CHARGE, reference=reference).exists()


def wallet_entry_of(txn: LedgerTransaction) -> LedgerEntry | None:
    entries = getattr(txn, "wallet_entries", None)
    return entries[0] if entries else None


def account_balance(account_id: int) -> int:
    return LedgerEntry.objects.filter(account_id=account_id).aggregate(total=Coalesce(Sum("amount_fen"), 0))["total"]


def recharges_for(merchant: Merchant) -> QuerySet[Recharge]:
    return Recharge.objects.filter(merchant=merchant)


def recharge_get(merchant: Merchant, public_id: str) -> Recharge:
    recharge = recharges_for(merchant).filter(public_id=public_id).first()
    if recharge is None:
        raise NotFound("recharge", "充值单")
    return recharge


def wallets_overview(query: str = "") -> QuerySet[Merchant]:
    """Every merchant with its balance and credit (zero for merchants that never had a wallet)."""
    merchants = Merchant.objects.annotate(
        balance_fen=Coalesce("wallet__balance_fen", 0), credit_limit_fen=Coalesce("wallet__credit_limit_fen", 0),
        bonus_fen=Coalesce("wallet__bonus_fen", 0),
    ).annotate(available_fen=F("balance_fen") + F("credit_limit_fen") + F("bonus_fen")).order_by("name", "id")
    query = query.strip()
    if query:
        merchants = merchants.filter(Q(name__icontains=query) | Q(public_id__iexact=query)
                                     | Q(contact_name__icontains=query) | Q(phone__icontains=query))
    return merchants


def merchant_for_operator(public_id: str) -> Merchant:
    merchant = Merchant.objects.filter(public_id=public_id).first()
    if merchant is None:
        raise NotFound("merchant", "商户")
    return merchant
