from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from parcelhub.core.ids import id_factory


class OfferKind(models.TextChoices):
    COUPON = "coupon", _("Coupon")
    PACKAGE = "package", _("Promotion package")
    BONUS = "bonus", _("Bonus credit")


class Campaign(models.Model):
    """An offer delivered to a merchant segment, with a persistent random holdout (control) to measure it against.

    The offer is referenced by kind and public id rather than a foreign key, so that one table serves every kind
    (`offers.py` knows them): a coupon (cpn_…) or a package (pkg_…) by its id, bonus credit by its amount alone."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LAUNCHED = "launched", _("Running")
        STOPPED = "stopped", _("Stopped")
        FINISHED = "finished", _("Finished")

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("cmp"), editable=False)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    segment = models.ForeignKey("crm.Segment", on_delete=models.PROTECT, related_name="campaigns",
                                verbose_name=_("segment"))
    offer_kind = models.CharField(_("offer"), max_length=16, choices=OfferKind.choices, default=OfferKind.COUPON)
    offer_ref = models.CharField(_("offer id"), max_length=40, blank=True)
    # Bonus credit given to each treated merchant; 0 for kinds that carry their own value (coupons, packages).
    offer_amount_fen = models.BigIntegerField(_("offer amount (fen)"), default=0)
    # Basis points of the targeted merchants held out (1000 = 10 %).
    control_bp = models.PositiveIntegerField(_("control share"), default=1000)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    pre_days = models.PositiveIntegerField(_("pre-period days"), default=28)
    post_days = models.PositiveIntegerField(_("after-period days"), default=28)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    launched_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The operator API's Idempotency-Key (the /api/ middleware scopes keys by merchant, operators have none).
    idempotency_key = models.CharField(max_length=255, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(name="campaign_dates_ordered", condition=models.Q(ends_on__gte=models.F("starts_on"))),
            models.CheckConstraint(name="campaign_control_share", condition=models.Q(control_bp__lte=10_000)),
            models.CheckConstraint(name="campaign_offer_amount", condition=(
                models.Q(offer_kind="bonus", offer_amount_fen__gt=0)
                | (~models.Q(offer_kind="bonus") & models.Q(offer_amount_fen=0)))),
            models.UniqueConstraint(fields=["created_by", "idempotency_key"], name="campaign_idempotency_key",
                                    condition=~models.Q(idempotency_key="")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def control_percent(self) -> float:
        return self.control_bp / 100

    @property
    def pre_start(self) -> dt.date:
        return self.starts_on - dt.timedelta(days=self.pre_days)

    @property
    def post_end(self) -> dt.date:
        return self.ends_on + dt.timedelta(days=self.post_days)


class Assignment(models.Model):
    """A targeted merchant's arm in a campaign, stored once and never changed."""

    class Arm(models.TextChoices):
        TREATMENT = "treatment", _("Treatment")
        CONTROL = "control", _("Control")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assignments")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="campaign_assignments")
    arm = models.CharField(max_length=10, choices=Arm.choices)
    assigned_at = models.DateTimeField()
    # The delivered offer (a coupon grant's, package balance's or bonus ledger transaction's public id); empty for
    # control and for treatment not yet delivered.
    delivered_ref = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["campaign_id", "merchant_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "merchant"], name="campaign_assignment_unique")]
        indexes = [models.Index(fields=["campaign", "arm"])]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.merchant_id}: {self.arm}"


class RegionalPush(models.Model):
    """A push without a holdout, e.g. a ground team in an industrial belt: evaluated by difference-in-differences
    against comparable regions. Regions are adcodes; a merchant belongs to one when its origin lies inside it."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("rgp"), editable=False)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    treated_regions = models.JSONField(_("pushed regions"), default=list)
    comparison_regions = models.JSONField(_("comparison regions"), default=list)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    pre_days = models.PositiveIntegerField(_("pre-period days"), default=28)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(name="regional_push_dates_ordered",
                                              condition=models.Q(ends_on__gte=models.F("starts_on")))]

    def __str__(self) -> str:
        return self.name

    @property
    def pre_start(self) -> dt.date:
        return self.starts_on - dt.timedelta(days=self.pre_days)
