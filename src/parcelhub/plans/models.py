"""SaaS plans, each merchant's subscription, its billing history and reminders; recharge bonus rules.

A merchant without a subscription row is on the Free plan. Periods are inclusive dates (see periods.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcelhub.core.ids import id_factory


class Feature(models.TextChoices):
    BULK_IMPORT = "bulk_import", _("Bulk order import")
    INVENTORY_WARNINGS = "inventory_warnings", _("Low-stock warnings")
    INSIGHT_REPORTS = "insight_reports", _("Insight reports")
    API_ACCESS = "api_access", _("REST API and webhooks")
    MULTI_WAREHOUSE = "multi_warehouse", _("Multi-warehouse allocation")
    CUSTOM_TRACKING_PAGE = "custom_tracking_page", _("Branded tracking page")
    SMS_QUOTA = "sms_quota", _("SMS notifications")


class BillingCycle(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    ANNUAL = "annual", _("Annual")


class Plan(models.Model):
    """A plan operators edit: prices, features by code and limits (empty limit: the platform default/unlimited)."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Higher rank = more: decides upgrade vs downgrade and the order of the comparison table.
    rank = models.PositiveSmallIntegerField(_("rank"), default=0)
    price_monthly_fen = models.BigIntegerField(_("monthly price (fen)"), default=0)
    price_annual_fen = models.BigIntegerField(_("annual price (fen)"), default=0)
    features = models.JSONField(_("features"), default=list, blank=True)
    sms_monthly_quota = models.PositiveIntegerField(_("SMS per month"), null=True, blank=True,
                                                    help_text=_("Empty: the platform default."))
    bulk_import_max_rows = models.PositiveIntegerField(_("rows per import file"), null=True, blank=True,
                                                       help_text=_("Empty: unlimited."))
    is_active = models.BooleanField(_("offered"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rank", "code"]
        constraints = [
            models.CheckConstraint(name="plan_prices_not_negative",
                                   condition=Q(price_monthly_fen__gte=0, price_annual_fen__gte=0)),
        ]

    def __str__(self) -> str:
        return self.name

    def price_for(self, cycle: str) -> int:
        return self.price_annual_fen if cycle == BillingCycle.ANNUAL else self.price_monthly_fen

    @property
    def is_free(self) -> bool:
        return self.price_monthly_fen == 0 and self.price_annual_fen == 0


class SubscriptionStatus(models.TextChoices):
    TRIAL = "trial", _("Trial")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    FREE = "free", _("Free")


class Subscription(models.Model):
    """The merchant's one subscription row (created at its first trial or purchase, then reused)."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("sub"), editable=False)
    merchant = models.OneToOneField("accounts.Merchant", on_delete=models.CASCADE, related_name="subscription")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    billing_cycle = models.CharField(max_length=8, choices=BillingCycle.choices, blank=True)
    status = models.CharField(max_length=8, choices=SubscriptionStatus.choices, default=SubscriptionStatus.FREE)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)   # the last covered day
    # What was paid for the current period: the base of the credit when the plan changes mid-period.
    paid_fen = models.BigIntegerField(default=0)
    auto_renew = models.BooleanField(default=True)
    trial_used_on = models.DateField(null=True, blank=True)
    renewal_failed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status", "period_end"])]
        constraints = [models.CheckConstraint(name="subscription_paid_not_negative", condition=Q(paid_fen__gte=0))]

    def __str__(self) -> str:
        return f"{self.public_id} {self.plan_id} {self.status}"


class InvoiceKind(models.TextChoices):
    SUBSCRIBE = "subscribe", _("Subscribed")
    RENEWAL = "renewal", _("Renewal")
    UPGRADE = "upgrade", _("Upgrade")
    DOWNGRADE = "downgrade", _("Downgrade")
    CYCLE = "cycle", _("Billing cycle changed")
    TRIAL = "trial", _("Free trial")
    GRANT = "grant", _("Granted")


class PlanInvoice(models.Model):
    """One line of the billing history: what a plan period cost, the credit given, and its ledger transaction."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("pinv"), editable=False)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="plan_invoices")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="invoices")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=InvoiceKind.choices)
    billing_cycle = models.CharField(max_length=8, choices=BillingCycle.choices, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    price_fen = models.BigIntegerField(default=0)
    credit_fen = models.BigIntegerField(default=0)
    amount_fen = models.BigIntegerField(default=0)   # price − credit; negative went back to the wallet
    # Renewals use "<subscription>:<period start>", so a period is billed once whatever runs twice.
    reference = models.CharField(max_length=80, unique=True)
    transaction = models.OneToOneField("billing.LedgerTransaction", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="plan_invoice")
    note = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.public_id} {self.kind} {self.amount_fen}"


class SubscriptionReminder(models.Model):
    """A reminder sent N days before a period ends; the unique key makes each one go out once."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="reminders")
    period_end = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscription", "period_end", "days_before"],
                                               name="plan_reminder_once")]

    def __str__(self) -> str:
        return f"{self.subscription_id} −{self.days_before}d {self.period_end}"


class BonusKind(models.TextChoices):
    CREDIT = "credit", _("Bonus credit")
    PLAN = "plan", _("Plan months")


class RechargeBonusRule(models.Model):
    """充值赠送: a recharge of at least `min_recharge_fen` inside the window earns credit or plan months."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("rbr"), editable=False)
    name = models.CharField(_("name"), max_length=80)
    min_recharge_fen = models.BigIntegerField(_("minimum recharge (fen)"))
    kind = models.CharField(_("bonus"), max_length=8, choices=BonusKind.choices, default=BonusKind.CREDIT)
    bonus_fen = models.BigIntegerField(_("bonus credit (fen)"), default=0)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("plan"))
    months = models.PositiveSmallIntegerField(_("months"), default=0)
    starts_at = models.DateTimeField(_("from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_active", "min_recharge_fen", "id"]
        constraints = [
            models.CheckConstraint(name="bonus_rule_min_positive", condition=Q(min_recharge_fen__gt=0)),
            models.CheckConstraint(
                name="bonus_rule_shape",
                condition=(Q(kind="credit", bonus_fen__gt=0, plan__isnull=True)
                           | Q(kind="plan", plan__isnull=False, months__gt=0))),
        ]

    def __str__(self) -> str:
        return self.name


class RechargeBonusGrant(models.Model):
    """What one recharge earned (at most one rule per recharge)."""

    recharge = models.OneToOneField("billing.Recharge", on_delete=models.PROTECT, related_name="bonus_grant")
    rule = models.ForeignKey(RechargeBonusRule, on_delete=models.PROTECT, related_name="grants")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="bonus_grants")
    bonus_fen = models.BigIntegerField(default=0)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    months = models.PositiveSmallIntegerField(default=0)
    transaction = models.OneToOneField("billing.LedgerTransaction", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="bonus_grant")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.recharge_id} {self.bonus_fen}"
