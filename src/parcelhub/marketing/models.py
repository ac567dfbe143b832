"""Membership tiers and the margin guardrail: operator configuration, each merchant's tier history, the
downgrade-risk notices and the record of capped and subsidised prices."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from parcelhub.core.ids import id_factory


class Tier(models.Model):
    """One membership tier (普通 / 银牌 / 金牌 / 铂金 by default, created by migration 0002)."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=20)
    name_en = models.CharField(_("English name"), max_length=30)
    rank = models.PositiveSmallIntegerField(unique=True)
    min_monthly_shipments = models.PositiveIntegerField(_("average monthly shipments"), default=0)
    discount_bp = models.PositiveIntegerField(_("discount (bp)"), default=0)

    class Meta:
        ordering = ["rank"]
        constraints = [models.CheckConstraint(name="tier_discount_at_most_100_percent",
                                              condition=models.Q(discount_bp__lte=10000))]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        return self.name if (language or "zh").startswith("zh") else self.name_en


class TierOverride(models.Model):
    """A tier's discount on one carrier (service blank = all its services) or one service."""

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="overrides")
    carrier_code = models.CharField(_("carrier"), max_length=16)
    service_code = models.CharField(_("service"), max_length=24, blank=True)
    discount_bp = models.PositiveIntegerField(_("discount (bp)"))

    class Meta:
        ordering = ["tier__rank", "carrier_code", "service_code"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "carrier_code", "service_code"], name="tier_override_unique"),
            models.CheckConstraint(name="tier_override_at_most_100_percent",
                                   condition=models.Q(discount_bp__lte=10000)),
        ]

    def __str__(self) -> str:
        return f"{self.tier_id} {self.carrier_code}.{self.service_code or '*'}: {self.discount_bp} bp"


class TierSettings(models.Model):
    """The one row of programme settings (pk=1)."""

    window_months = models.PositiveSmallIntegerField(_("rolling window (months)"), default=3)
    grace_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("grace tier for new merchants"))
    grace_weeks = models.PositiveSmallIntegerField(_("grace period (weeks)"), default=8)
    # ["2026-02", …]: months left out of the rolling window (Chinese New Year).
    holiday_months = models.JSONField(default=list, blank=True)
    min_margin_bp = models.PositiveIntegerField(_("default minimum margin over cost (bp)"), default=500)
    min_margin_fen = models.PositiveIntegerField(_("default minimum margin (fen)"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "tier settings"


class MarginRule(models.Model):
    """The minimum margin for one carrier (service blank) or one service; the settings give the default."""

    carrier_code = models.CharField(_("carrier"), max_length=16)
    service_code = models.CharField(_("service"), max_length=24, blank=True)
    min_margin_bp = models.PositiveIntegerField(_("minimum margin over cost (bp)"), default=0)
    min_margin_fen = models.PositiveIntegerField(_("minimum margin (fen)"), default=0)

    class Meta:
        ordering = ["carrier_code", "service_code"]
        constraints = [models.UniqueConstraint(fields=["carrier_code", "service_code"], name="margin_rule_unique")]

    def __str__(self) -> str:
        return f"{self.carrier_code}.{self.service_code or '*'}: {self.min_margin_bp} bp / {self.min_margin_fen} fen"


class MerchantTier(models.Model):
    """Tier history: one row per period a merchant held a tier; the open row (ended_on null) is current."""

    class Reason(models.TextChoices):
        GRACE = "grace", _("New-merchant grace")
        UPGRADE = "upgrade", _("Upgrade")
        REVIEW = "review", _("Monthly review")
        GRACE_END = "grace_end", _("Grace period ended")
        OPERATOR = "operator", _("Set by an operator")

    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="tier_history")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    since = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    average_monthly_shipments = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["merchant_id", "-since", "-id"]
        constraints = [models.UniqueConstraint(fields=["merchant"], condition=models.Q(ended_on__isnull=True),
                                               name="merchant_tier_one_current")]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.tier_id} from {self.since}"


class DowngradeRisk(models.Model):
    """A merchant told that the coming review would lower its tier (notice 30 days ahead)."""

    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="downgrade_risks")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    would_fall_to = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    review_date = models.DateField()
    projected_average = models.PositiveIntegerField(default=0)
    shipments_to_keep = models.PositiveIntegerField(default=0)  # the current tier's monthly threshold
    outcome = models.CharField(max_length=16, blank=True)      # kept | downgraded, once the review ran
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review_date", "merchant_id"]
        constraints = [models.UniqueConstraint(fields=["merchant", "review_date"], name="downgrade_risk_once")]

    def __str__(self) -> str:
        return f"{self.merchant_id} at risk before {self.review_date}"


class GuardrailEvent(models.Model):
    """A bought label whose price the guardrail capped or a funded promotion subsidised (the margin report)."""

    class Kind(models.TextChoices):
        CAPPED = "capped", _("Capped")
        SUBSIDISED = "subsidised", _("Subsidised")

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("grd"), editable=False)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="+")
    shipment_public_id = models.CharField(max_length=40, db_index=True)
    carrier_code = models.CharField(max_length=16)
    service_code = models.CharField(max_length=24)
    service_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount_fen = models.BigIntegerField()
    promotion_id = models.CharField(max_length=40, blank=True)  # the offer's source_id
    promotion_label = models.CharField(max_length=80, blank=True)
    list_fen = models.BigIntegerField(default=0)
    floor_fen = models.BigIntegerField(default=0)
    final_fen = models.BigIntegerField(default=0)
    voided = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(name="guardrail_amount_positive", condition=models.Q(amount_fen__gt=0))]

    def __str__(self) -> str:
        return self.public_id


class QuoteGuardrailDay(models.Model):
    """Quotes (not purchases) the guardrail touched, counted per day and service: cheap counters, no rows."""

    day = models.DateField()
    carrier_code = models.CharField(max_length=16)
    service_code = models.CharField(max_length=24)
    capped_quotes = models.PositiveIntegerField(default=0)
    capped_fen = models.BigIntegerField(default=0)
    subsidised_quotes = models.PositiveIntegerField(default=0)
    subsidised_fen = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "carrier_code", "service_code"],
                                               name="quote_guardrail_day_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.carrier_code}.{self.service_code}"
