"""Wallet API: balance, transactions (keyset-paginated, newest first) and recharges."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from ninja import Field, Query, Router, Schema, Status

from parcelhub.accounts.auth import merchant_auth
from parcelhub.billing import payments, selectors, services
from parcelhub.billing.models import CURRENCY, LedgerTransaction, Recharge
from parcelhub.core.errors import NotFound

router = Router(tags=["billing"], auth=merchant_auth)


class WalletOut(Schema):
    balance_fen: int = Field(..., description="cash: recharges less charges")
    credit_limit_fen: int
    bonus_fen: int = Field(0, description="bonus credit (充值赠送): spent after the cash balance, never paid out")
    available_fen: int = Field(..., description="balance plus bonus plus credit: the most a charge may take now")
    currency: str


class LineOut(Schema):
    code: str
    amount_fen: int


class EntryOut(Schema):
    account: str = Field(..., description="always `wallet`: only the merchant's own account is shown")
    amount_fen: int
    balance_after_fen: int | None


class TransactionOut(Schema):
    id: str
    kind: str = Field(..., description="recharge, charge, refund or adjustment")
    reference: str = Field(..., description="the shipment (shp_…) or recharge (rch_…) it is for")
    memo: str
    created_at: datetime
    amount_fen: int = Field(..., description="the change of the wallet balance (negative for charges)")
    bonus_amount_fen: int = Field(0, description="the change of bonus credit (a charge may take cash, then bonus)")
    balance_after_fen: int | None
    currency: str
    lines: list[LineOut]
    entries: list[EntryOut]


class TransactionPage(Schema):
    items: list[TransactionOut]
    has_more: bool
    next_before: str | None = Field(..., description="pass as `before` to get the next (older) page")


class TransactionFilter(Schema):
    limit: int = Field(20, ge=1, le=100)
    before: str | None = Field(None, description="a transaction id: list only older transactions")


class RechargeIn(Schema):
    amount_fen: int = Field(..., description="¥1.00 … ¥1,000,000.00", examples=[500000])


class RechargeOut(Schema):
    id: str
    status: str = Field(..., description="pending, paid or failed")
    amount_fen: int
    currency: str
    checkout_url: str = Field(..., description="send the payer here; the wallet is credited once they pay")
    created_at: datetime
    paid_at: datetime | None


def _transaction_payload(txn: LedgerTransaction) -> dict:
    entry = selectors.wallet_entry_of(txn)
    return {"id": txn.public_id, "kind": txn.kind, "reference": txn.reference, "memo": txn.memo,
            "created_at": txn.created_at, "amount_fen": entry.amount_fen if entry else 0,
            "bonus_amount_fen": selectors.bonus_amount_of(txn),
            "balance_after_fen": entry.balance_after_fen if entry else None, "currency": CURRENCY,
            "lines": txn.lines,
            "entries": [{"account": "wallet", "amount_fen": e.amount_fen, "balance_after_fen": e.balance_after_fen}
                        for e in txn.wallet_entries]}


def _recharge_payload(request, recharge: Recharge) -> dict:
    return {"id": recharge.public_id, "status": recharge.status, "amount_fen": recharge.amount_fen,
            "currency": CURRENCY, "checkout_url": request.build_absolute_uri(recharge.checkout_url),
            "created_at": recharge.created_at, "paid_at": recharge.paid_at}


@router.get("/wallet", response=WalletOut, summary="The wallet's balance, credit limit and what is available")
def wallet(request):
    wallet = selectors.wallet_for(request.auth.merchant)
    return {"balance_fen": wallet.balance_fen, "credit_limit_fen": wallet.credit_limit_fen,
            "bonus_fen": wallet.bonus_fen, "available_fen": wallet.available_fen, "currency": CURRENCY}


@router.get("/wallet/transactions", response=TransactionPage, summary="Wallet transactions, newest first")
def wallet_transactions(request, filters: Query[TransactionFilter]):
    transactions = selectors.wallet_transactions(request.auth.merchant)
    if filters.before:
        anchor = transactions.filter(public_id=filters.before).values("created_at", "id").first()
        if anchor is None:
            raise NotFound("transaction", "交易")
        transactions = transactions.filter(Q(created_at__lt=anchor["created_at"])
                                           | Q(created_at=anchor["created_at"], id__lt=anchor["id"]))
    page = list(transactions[:filters.limit + 1])
    has_more = len(page) > filters.limit
    page = page[:filters.limit]
    return {"items": [_transaction_payload(t) for t in page], "has_more": has_more,
            "next_before": page[-1].public_id if has_more else None}


@router.post("/wallet/recharges", response={201: RechargeOut}, summary="Start a recharge (充值)")
def recharge_create(request, payload: RechargeIn):
    principal = request.auth
    if not payments.provider_available():
        raise payments.payments_unavailable()
    recharge = services.recharge_create(merchant=principal.merchant, amount_fen=payload.amount_fen,
                                        actor=principal.user)
    return Status(201, _recharge_payload(request, recharge))


@router.get("/wallet/recharges/{recharge_id}", response=RechargeOut, summary="A recharge and its status")
def recharge_get(request, recharge_id: str):
    return _recharge_payload(request, selectors.recharge_get(request.auth.merchant, recharge_id))
