"""Writes for the wallet: charges, refunds, adjustments, credit limits and recharges.

Every balance change locks the wallet through `ledger.wallet_lock` and posts one balanced transaction with
an audit row in the same database transaction. Services nest: shipping calls `wallet_charge` inside its own
transaction before asking the carrier for a waybill, so a refused charge buys no label.
"""

from __future__ import annotations

import logging

from django.db import transaction

from parcelhub.accounts.models import Merchant, User
from parcelhub.billing import bonus, ledger
from parcelhub.billing.models import (
    AccountKind,
    LedgerTransaction,
    Recharge,
    RechargeStatus,
    TransactionKind,
    Wallet,
)
from parcelhub.billing.payments import DEFAULT_PROVIDER, provider_for
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.errors import DomainError
from parcelhub.core.money import format_fen

logger = logging.getLogger("parcelhub.billing")

RECHARGE_MIN_FEN = 100             # ¥1
RECHARGE_MAX_FEN = 100_000_000     # ¥1,000,000
CREDIT_LIMIT_MAX_FEN = 100_000_000  # ¥1,000,000
ADJUSTMENT_MAX_FEN = 100_000_000


class InsufficientFunds(DomainError):
    status = 402

    def __init__(self, *, balance_fen: int, credit_limit_fen: int, required_fen: int, bonus_fen: int = 0) -> None:
        available = balance_fen + credit_limit_fen + bonus_fen
        if bonus_fen:
            credit_en = f" (available with bonus credit{' and credit' if credit_limit_fen else ''}: " \
                        f"{format_fen(available)})"
            credit_zh = f"（含赠送余额{'和信用额度' if credit_limit_fen else ''}可用 {format_fen(available)}）"
        else:
            credit_en = f" (available with credit: {format_fen(available)})" if credit_limit_fen else ""
            credit_zh = f"（含信用额度可用 {format_fen(available)}）" if credit_limit_fen else ""
        details = {"balance_fen": balance_fen, "credit_limit_fen": credit_limit_fen,
                   "available_fen": available, "required_fen": required_fen}
        if bonus_fen:
            details["bonus_fen"] = bonus_fen
        super().__init__(
            "insufficient_funds",
            f"Insufficient wallet balance: the balance is {format_fen(balance_fen)}{credit_en} and "
            f"{format_fen(required_fen)} is needed. Please recharge.",
            f"钱包余额不足：当前余额 {format_fen(balance_fen)}{credit_zh}，需要 {format_fen(required_fen)}，请先充值。",
            details=details,
        )


def _require_int(value: object, name: str, *, minimum: int, maximum: int | None = None) -> int:
    if type(value) is not int or value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        upper_zh = f"且不超过 {maximum}" if maximum is not None else ""
        raise DomainError("invalid_amount", f"{name} must be a whole number of fen, at least {minimum}{upper}.",
                          f"{name} 必须是整数（分），至少 {minimum}{upper_zh}。")
    return value


def _lines_payload(lines: list[tuple] | None, amount_fen: int) -> list[dict]:
    """Lines are (code, amount_fen) or (code, amount_fen, label, source_id): discounts and promotions carry
    their own words and the public id of what gave them (marketing.stacking), kept on the ledger line."""
    if not lines:
        return []
    payload = []
    for code, amount, *extra in lines:
        if not isinstance(code, str) or not code or type(amount) is not int:
            raise DomainError("invalid_lines", "Each line needs a code and a whole amount in fen.",
                              "每个明细行需要代码和整数金额（分）。")
        line = {"code": code, "amount_fen": amount}
        for key, value in zip(("label", "source_id"), extra, strict=False):
            if value:
                line[key] = str(value)
        payload.append(line)
    if sum(line["amount_fen"] for line in payload) != amount_fen:
        raise DomainError("lines_mismatch", "The lines do not add up to the amount charged.",
                          "明细合计与扣款金额不一致。")
    return payload


def wallet_charge(*, merchant: Merchant, amount_fen: int, cost_fen: int, carrier_code: str, reference: str,
                  memo: str = "", lines: list[tuple[str, int]] | None = None,
                  actor: User | None = None) -> LedgerTransaction:
    """Take `amount_fen` from the wallet for `reference` (a shipment): the carrier is owed `cost_fen`, the rest
    is revenue. Raises InsufficientFunds (402) before writing anything when balance + credit is short."""
    _require_int(amount_fen, "amount_fen", minimum=1)
    _require_int(cost_fen, "cost_fen", minimum=0)
    if not carrier_code or not reference:
        raise DomainError("invalid_charge", "A charge needs a carrier code and a reference.",
                          "扣款需要承运商代码和业务单号。")
    line_payload = _lines_payload(lines, amount_fen)
    with transaction.atomic():
        wallet = ledger.wallet_lock(merchant)
        if LedgerTransaction.objects.filter(kind=TransactionKind.CHARGE, reference=reference).exists():
            raise DomainError("already_charged", f"{reference} has already been charged.",
                              f"{reference} 已扣款。", status=409)
        if wallet.available_fen < amount_fen:
            raise InsufficientFunds(balance_fen=wallet.balance_fen, credit_limit_fen=wallet.credit_limit_fen,
                                    required_fen=amount_fen, bonus_fen=wallet.bonus_fen)
        split = bonus.split_charge(wallet, amount_fen)
        paid_by = [(wallet.account, -split.cash_fen)]
        if split.bonus_fen:
            paid_by.append((bonus.bonus_account(merchant), -split.bonus_fen))
        txn = ledger.ledger_post(
            kind=TransactionKind.CHARGE, merchant=merchant, wallet=wallet, reference=reference, memo=memo,
            lines=line_payload, actor=actor,
            entries=[*paid_by, (ledger.carrier_payable_account(carrier_code), cost_fen),
                     (ledger.revenue_account(), amount_fen - cost_fen)])
        bonus.apply_bonus_delta(wallet, -split.bonus_fen)
        data = {"reference": reference, "amount_fen": amount_fen, "cost_fen": cost_fen, "carrier": carrier_code}
        if split.bonus_fen:
            data.update(cash_fen=split.cash_fen, bonus_fen=split.bonus_fen)
        audit(action="wallet.charge", actor=actor, merchant=merchant, target=txn, data=data)
    return txn


def prepaid_label_post(*, merchant: Merchant, cost_fen: int, carrier_code: str, reference: str, memo: str = "",
                       lines: list[tuple] | None = None, actor: User | None = None) -> LedgerTransaction:
    """A label paid for in advance (a 大促包 package): nothing leaves the wallet, but the carrier is still owed its
    cost, which comes out of the revenue the package booked when it was bought. The lines (list price, the
    package's discount) add up to 0, so the statement shows the label and what paid for it; a void reverses it
    with `wallet_refund` like any charge."""
    _require_int(cost_fen, "cost_fen", minimum=1)
    if not carrier_code or not reference:
        raise DomainError("invalid_charge", "A charge needs a carrier code and a reference.",
                          "扣款需要承运商代码和业务单号。")
    line_payload = _lines_payload(lines, 0)
    with transaction.atomic():
        if LedgerTransaction.objects.filter(kind=TransactionKind.CHARGE, reference=reference).exists():
            raise DomainError("already_charged", f"{reference} has already been charged.",
                              f"{reference} 已扣款。", status=409)
        txn = ledger.ledger_post(
            kind=TransactionKind.CHARGE, merchant=merchant, reference=reference, memo=memo, lines=line_payload,
            actor=actor, entries=[(ledger.carrier_payable_account(carrier_code), cost_fen),
                                  (ledger.revenue_account(), -cost_fen)])
        audit(action="wallet.charge", actor=actor, merchant=merchant, target=txn,
              data={"reference": reference, "amount_fen": 0, "cost_fen": cost_fen, "carrier": carrier_code,
                    "prepaid": True})
    return txn


def wallet_refund(*, reference: str, reason: str, actor: User | None = None) -> LedgerTransaction:
    """Reverse the charge for `reference` exactly, entry by entry and line by line; once."""
    charge = (LedgerTransaction.objects.select_related("merchant")
              .filter(kind=TransactionKind.CHARGE, reference=reference).first())
    if charge is None:
        raise DomainError("charge_not_found", f"No charge for {reference}.", f"未找到 {reference} 的扣款。",
                          status=404)
    with transaction.atomic():
        # The lock serialises refunds of one merchant, so the check below sees any refund committed meanwhile.
        wallet = ledger.wallet_lock(charge.merchant)
        if LedgerTransaction.objects.filter(reverses=charge).exists():
            raise DomainError("already_refunded", f"The charge for {reference} has already been refunded.",
                              f"{reference} 的扣款已退款。", status=409)
        entries = [(entry.account, -entry.amount_fen) for entry in charge.entries.select_related("account")]
        txn = ledger.ledger_post(
            kind=TransactionKind.REFUND, merchant=charge.merchant, wallet=wallet, reference=reference,
            memo=reason, actor=actor, reverses=charge, entries=entries,
            lines=[{**line, "amount_fen": -line["amount_fen"]} for line in charge.lines])
        # Bonus that paid for the charge goes back to bonus credit, never to cash.
        bonus.apply_bonus_delta(wallet, sum(amount for account, amount in entries
                                            if account.kind == AccountKind.BONUS))
        audit(action="wallet.refund", actor=actor, merchant=charge.merchant, target=txn,
              data={"reference": reference, "charge": charge.public_id, "reason": reason})
    return txn


def wallet_adjust(*, merchant: Merchant, amount_fen: int, reason: str, actor: User) -> LedgerTransaction:
    """An operator's correction or goodwill credit (positive) or debit (negative), with the reason on record."""
    if type(amount_fen) is not int or amount_fen == 0 or abs(amount_fen) > ADJUSTMENT_MAX_FEN:
        raise DomainError("invalid_amount", "The adjustment must be a non-zero amount of at most ¥1,000,000.",
                          "调整金额不能为零，且绝对值不超过 ¥1,000,000。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", "Give a reason for the adjustment.", "请填写调整原因。")
    with transaction.atomic():
        wallet = ledger.wallet_lock(merchant)
        if wallet.cash_available_fen + amount_fen < 0:  # a debit takes cash, never bonus credit
            raise InsufficientFunds(balance_fen=wallet.balance_fen, credit_limit_fen=wallet.credit_limit_fen,
                                    required_fen=-amount_fen)
        txn = ledger.ledger_post(
            kind=TransactionKind.ADJUSTMENT, merchant=merchant, wallet=wallet, memo=reason, actor=actor,
            entries=[(wallet.account, amount_fen), (ledger.adjustment_account(), -amount_fen)])
        audit(action="wallet.adjust", actor=actor, merchant=merchant, target=txn,
              data={"amount_fen": amount_fen, "reason": reason})
    return txn


def wallet_set_credit_limit(*, merchant: Merchant, credit_limit_fen: int, actor: User) -> Wallet:
    _require_int(credit_limit_fen, "credit_limit_fen", minimum=0, maximum=CREDIT_LIMIT_MAX_FEN)
    with transaction.atomic():
        wallet = ledger.wallet_lock(merchant)
        if wallet.balance_fen < -credit_limit_fen:
            raise DomainError(
                "credit_limit_below_debt",
                f"The balance is {format_fen(wallet.balance_fen)}; the credit limit cannot be lower than the debt.",
                f"当前余额为 {format_fen(wallet.balance_fen)}，信用额度不能低于欠款。", status=409)
        previous = wallet.credit_limit_fen
        Wallet.objects.filter(pk=wallet.pk).update(credit_limit_fen=credit_limit_fen, updated_at=clock.now())
        audit(action="wallet.credit_limit", actor=actor, merchant=merchant, target=wallet,
              data={"from_fen": previous, "to_fen": credit_limit_fen})
    wallet.refresh_from_db()
    return wallet


def recharge_create(*, merchant: Merchant, amount_fen: int, actor: User | None) -> Recharge:
    """A pending recharge and its provider checkout; the wallet is credited when the provider confirms."""
    if type(amount_fen) is not int or not RECHARGE_MIN_FEN <= amount_fen <= RECHARGE_MAX_FEN:
        raise DomainError("invalid_amount", "A recharge must be between ¥1.00 and ¥1,000,000.00.",
                          "充值金额须在 ¥1.00 至 ¥1,000,000.00 之间。", status=422)
    with transaction.atomic():
        recharge = Recharge.objects.create(merchant=merchant, amount_fen=amount_fen, provider=DEFAULT_PROVIDER,
                                           created_by=actor if getattr(actor, "is_authenticated", False) else None,
                                           created_at=clock.now())
        recharge.checkout_url = provider_for(recharge.provider).start(recharge)
        recharge.save(update_fields=["checkout_url"])
        audit(action="recharge.create", actor=actor, merchant=merchant, target=recharge,
              data={"amount_fen": amount_fen, "provider": recharge.provider})
    return recharge


def _recharge_locked(public_id: str) -> Recharge:
    locked = ledger.lock_rows(Recharge.objects.filter(public_id=public_id))
    if not locked:
        raise DomainError("recharge_not_found", f"No recharge {public_id}.", f"未找到充值单 {public_id}。",
                          status=404)
    return locked[0]


def recharge_confirm(*, provider_txn_id: str, recharge_public_id: str, amount_fen: int,
                     provider: str | None = None) -> Recharge:
    """The provider says it was paid: credit the wallet from payment clearing, once per provider transaction.
    `provider`, when given (notifications give it), must be the recharge's own provider."""
    if not provider_txn_id:
        raise DomainError("invalid_notification", "The provider transaction id is missing.", "缺少支付流水号。")
    with transaction.atomic():
        recharge = _recharge_locked(recharge_public_id)
        if provider is not None and provider != recharge.provider:
            logger.error("recharge %s (%s) notified by %s", recharge.public_id, recharge.provider, provider)
            raise DomainError("provider_mismatch", "This recharge is paid through another provider.",
                              "该充值单不属于此支付渠道。")
        if recharge.status == RechargeStatus.PAID:
            if recharge.provider_txn_id == provider_txn_id:
                return recharge  # a repeated notification: already credited
            logger.error("recharge %s paid twice: %s then %s", recharge.public_id, recharge.provider_txn_id,
                         provider_txn_id)
            raise DomainError("already_paid", f"{recharge.public_id} was already paid by another payment.",
                              f"充值单 {recharge.public_id} 已由另一笔支付完成。", status=409)
        if Recharge.objects.filter(provider_txn_id=provider_txn_id).exists():
            raise DomainError("provider_txn_reused", "This provider transaction already paid another recharge.",
                              "该支付流水已用于另一笔充值。", status=409)
        if amount_fen != recharge.amount_fen:
            logger.error("recharge %s: notified amount %s differs from %s", recharge.public_id, amount_fen,
                         recharge.amount_fen)
            raise DomainError("amount_mismatch", "The paid amount differs from the recharge amount.",
                              "支付金额与充值金额不一致。")
        wallet = ledger.wallet_lock(recharge.merchant)
        txn = ledger.ledger_post(
            kind=TransactionKind.RECHARGE, merchant=recharge.merchant, wallet=wallet,
            reference=recharge.public_id, memo=f"{recharge.provider} {provider_txn_id}",
            entries=[(wallet.account, amount_fen), (ledger.clearing_account(recharge.provider), -amount_fen)])
        # A payment that lands after a cancel (or a timeout) still took the money, so it is credited.
        Recharge.objects.filter(pk=recharge.pk).update(status=RechargeStatus.PAID, provider_txn_id=provider_txn_id,
                                                       paid_at=clock.now(), transaction=txn)
        audit(action="recharge.paid", merchant=recharge.merchant, target=recharge,
              data={"provider_txn_id": provider_txn_id, "amount_fen": amount_fen, "transaction": txn.public_id})
        # 充值赠送: the best matching bonus rule applies in this same transaction, so exactly once per recharge.
        from parcelhub.plans.recharge_bonus import recharge_bonus_apply

        recharge_bonus_apply(recharge=recharge, wallet=wallet)
    recharge.refresh_from_db()
    return recharge


def recharge_fail(*, recharge_public_id: str, reason: str, provider: str | None = None) -> Recharge:
    """The payer cancelled or the payment failed; a pending recharge becomes failed, anything else stays."""
    with transaction.atomic():
        recharge = _recharge_locked(recharge_public_id)
        if provider is not None and provider != recharge.provider:
            raise DomainError("provider_mismatch", "This recharge is paid through another provider.",
                              "该充值单不属于此支付渠道。")
        if recharge.status == RechargeStatus.PENDING:
            Recharge.objects.filter(pk=recharge.pk).update(status=RechargeStatus.FAILED, failed_at=clock.now(),
                                                           failure_reason=reason[:200])
            audit(action="recharge.failed", merchant=recharge.merchant, target=recharge, data={"reason": reason})
    recharge.refresh_from_db()
    return recharge
