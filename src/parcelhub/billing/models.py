"""The prepaid wallet: a double-entry, append-only ledger in integer fen, wallets and recharges.

Sign convention: an entry's amount is the change of its account's balance, where every balance is counted
the way the platform owes it. A merchant's wallet going up is positive; payment clearing (money the
provider holds for us) goes negative as recharges arrive. The entries of one transaction sum to zero, so all
accounts together always sum to zero.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parcelhub.core.ids import id_factory

CURRENCY = "CNY"


class AppendOnlyError(RuntimeError):
    """Ledger rows are facts: corrections are new transactions, never edits."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are never updated")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted")


class AccountKind(models.TextChoices):
    WALLET = "wallet", _("Merchant wallet")
    REVENUE = "revenue", _("Platform revenue")
    CARRIER_PAYABLE = "carrier_payable", _("Carrier payable")
    PAYMENT_CLEARING = "payment_clearing", _("Payment clearing")
    ADJUSTMENT = "adjustment", _("Promotions and adjustments")
    # Bonus credit (充值赠送): promotional money, spent after the cash balance, never paid out (billing/bonus.py).
    BONUS = "bonus", _("Merchant bonus credit")


class LedgerAccount(models.Model):
    """One account of the ledger; `code` names it uniquely (`wallet:mch_…`, `carrier_payable:sf`, …)."""

    code = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=24, choices=AccountKind.choices)
    merchant = models.ForeignKey("accounts.Merchant", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    carrier_code = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class TransactionKind(models.TextChoices):
    RECHARGE = "recharge", _("Recharge")
    CHARGE = "charge", _("Charge")
    REFUND = "refund", _("Refund")
    ADJUSTMENT = "adjustment", _("Adjustment")
    BONUS = "bonus", _("Bonus credit")


class LedgerTransaction(AppendOnlyModel):
    public_id = models.CharField(max_length=40, unique=True, default=id_factory("txn"), editable=False)
    kind = models.CharField(max_length=16, choices=TransactionKind.choices)
    merchant = models.ForeignKey("accounts.Merchant", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="ledger_transactions")
    # What the money is for: a shipment "shp_…" for charges and refunds, a recharge "rch_…" for recharges.
    reference = models.CharField(max_length=64, blank=True, db_index=True)
    memo = models.CharField(max_length=200, blank=True)
    # The itemised price (e.g. first weight, fuel surcharge) as [{"code", "amount_fen"}], for statements.
    lines = models.JSONField(default=list, blank=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["merchant", "created_at"])]
        constraints = [
            # A shipment is charged once and a recharge credited once, whatever retries happen.
            models.UniqueConstraint(fields=["kind", "reference"], name="ledger_txn_once_per_reference",
                                    condition=Q(kind__in=["charge", "recharge"])),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.kind} {self.reference}"


class LedgerEntry(AppendOnlyModel):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    amount_fen = models.BigIntegerField()
    # The wallet's balance right after this entry (wallet entries only; written under the wallet's lock).
    balance_after_fen = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["account", "transaction"])]
        constraints = [models.CheckConstraint(name="ledger_entry_nonzero", condition=~Q(amount_fen=0))]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount_fen:+d}"


class Wallet(models.Model):
    """A merchant's prepaid balance: a cache of its ledger account, kept under a row lock."""

    merchant = models.OneToOneField("accounts.Merchant", on_delete=models.PROTECT, related_name="wallet")
    account = models.OneToOneField(LedgerAccount, on_delete=models.PROTECT, related_name="wallet")
    balance_fen = models.BigIntegerField(default=0)
    credit_limit_fen = models.BigIntegerField(default=0)
    # Cache of the merchant's bonus account (billing/bonus.py), kept under the same row lock as the balance.
    bonus_fen = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(name="wallet_within_credit_limit",
                                   condition=Q(balance_fen__gte=-F("credit_limit_fen"))),
            models.CheckConstraint(name="wallet_credit_limit_not_negative", condition=Q(credit_limit_fen__gte=0)),
            models.CheckConstraint(name="wallet_bonus_not_negative", condition=Q(bonus_fen__gte=0)),
        ]

    def __str__(self) -> str:
        return f"wallet of {self.merchant_id}: {self.balance_fen}"

    @property
    def available_fen(self) -> int:
        """The most a charge may take now: cash, then bonus credit, then the credit line."""
        return self.balance_fen + self.credit_limit_fen + self.bonus_fen

    @property
    def cash_available_fen(self) -> int:
        """What may be spent without bonus credit (plan fees are paid from cash and credit only)."""
        return self.balance_fen + self.credit_limit_fen


class RechargeStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("payment", "Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")


class Recharge(models.Model):
    """A top-up (充值) paid through a payment provider; credited when the provider's signed notice arrives."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("rch"), editable=False)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.PROTECT, related_name="recharges")
    amount_fen = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=RechargeStatus.choices, default=RechargeStatus.PENDING)
    provider = models.CharField(max_length=24, default="sandbox")
    provider_txn_id = models.CharField(max_length=80, null=True, blank=True, unique=True)
    checkout_url = models.CharField(max_length=300, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    transaction = models.OneToOneField(LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="recharge")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(name="recharge_amount_positive", condition=Q(amount_fen__gt=0))]

    def __str__(self) -> str:
        return f"{self.public_id} {self.amount_fen} {self.status}"
