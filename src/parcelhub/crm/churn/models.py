"""Churn alerts, what was done about them and how they ended; the operator's knobs."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from parcelhub.core.ids import id_factory


class ChurnSettings(models.Model):
    """One row (`ChurnSettings.current()`), edited in the admin: the retention offer for long-tail merchants and
    when an alert's outcome is decided."""

    retention_coupon = models.ForeignKey(
        "promotions.Coupon", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("retention coupon"),
        help_text=_("Granted automatically to long-tail merchants when an alert fires; none means email only."))
    recover_days = models.PositiveSmallIntegerField(
        _("recovered after (days back near the usual volume)"), default=7)
    recover_share_pct = models.PositiveSmallIntegerField(_("share of the usual volume that counts (%)"), default=80)
    churned_days = models.PositiveSmallIntegerField(_("churned after (days without a shipment)"), default=30)
    history_days = models.PositiveSmallIntegerField(_("days of history scanned"), default=240)

    class Meta:
        verbose_name = _("churn settings")
        verbose_name_plural = _("churn settings")

    def __str__(self) -> str:
        return "churn settings"

    @classmethod
    def current(cls) -> ChurnSettings:
        return cls.objects.order_by("pk").first() or cls.objects.create()


# The CRM's volume bands (crm.VolumeBand values), as recorded on an alert when it fired.
BAND_LABELS = {"head": _("Head"), "waist": _("Waist"), "long_tail": _("Long tail")}


class AlertKind(models.TextChoices):
    DROP = "drop", _("Volume drop")
    INACTIVE = "inactive", _("Inactivity")


class AlertState(models.TextChoices):
    OPEN = "open", _("Open")
    RECOVERED = "recovered", _("Recovered")
    CHURNED = "churned", _("Churned")
    DISMISSED = "dismissed", _("Dismissed")


class AlertAction(models.TextChoices):
    TASK = "task", _("Account-manager task")
    OFFER = "offer", _("Automated retention offer")
    NONE = "none", _("None")


class ChurnAlert(models.Model):
    """One alert as the detector fired it: the merchant, the day, why (en and zh) and how sure (score 0..1)."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("chn"), editable=False)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="churn_alerts")
    alert_date = models.DateField(_("alert date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=AlertKind.choices)
    reason_en = models.CharField(max_length=200)
    reason_zh = models.CharField(max_length=200)
    score = models.FloatField(_("score"))  # a probability-like severity, not money
    # The merchant's usual shipments per day before the alert: what a recovery is measured against.
    level = models.FloatField(default=0)
    deficit_pct = models.PositiveSmallIntegerField(default=0)
    silence_days = models.PositiveSmallIntegerField(default=0)
    volume_band = models.CharField(_("volume band"), max_length=16, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=AlertAction.choices, default=AlertAction.NONE)
    action_ref = models.CharField(max_length=64, blank=True)  # the task's public id, or the coupon grant
    state = models.CharField(_("state"), max_length=12, choices=AlertState.choices, default=AlertState.OPEN,
                             db_index=True)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    outcome_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    outcome_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-alert_date", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "alert_date", "kind"], name="churn_alert_unique_day"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=1), name="churn_alert_score_range"),
            models.CheckConstraint(condition=Q(state="open") | Q(outcome_on__isnull=False),
                                   name="churn_alert_outcome_dated"),
        ]
        indexes = [models.Index(fields=["merchant", "state"])]

    def __str__(self) -> str:
        return f"{self.public_id} {self.merchant_id} {self.alert_date}"

    @property
    def reason(self) -> str:
        return self.reason_zh if (translation.get_language() or "").startswith("zh") else self.reason_en

    @property
    def volume_band_label(self) -> str:
        return str(BAND_LABELS.get(self.volume_band, self.volume_band))

    @property
    def is_open(self) -> bool:
        return self.state == AlertState.OPEN
