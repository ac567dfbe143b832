from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parcelhub.core.ids import id_factory


class Segment(models.Model):
    """A saved merchant filter: campaigns target one, reports group by one. `definition` is the filter as data
    (keys documented in crm.segments), evaluated fresh each time it is used."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("seg"), editable=False)
    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    definition = models.JSONField(_("filter"), default=dict, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """One entry of a merchant's CRM timeline: a call, a note, an offer, an alert, a plan or tier change…

    Other apps write here through `crm.services.activity_log`; the 360 timeline merges these rows with events it
    derives from other apps' records (sign-up, first label, recharges), so those need no Activity row."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        EMAIL = "email", _("Email")
        OFFER = "offer", _("Offer")
        ALERT = "alert", _("Alert")
        TASK = "task", _("Task")
        PLAN = "plan", _("Plan change")
        TIER = "tier", _("Tier change")
        ONBOARDING = "onboarding", _("Onboarding")
        UPSELL = "upsell", _("Upsell")
        REVIEW = "review", _("Business review")
        OTHER = "other", _("Other")

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("act"), editable=False)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="crm_activities")
    # Free text up to 32 chars so other apps can log kinds of their own; Kind lists the ones the console styles.
    kind = models.CharField(_("kind"), max_length=32, db_index=True)
    summary = models.CharField(_("summary"), max_length=300)
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("when"), db_index=True)
    # Who or what this is about, as a public id ("tsk_…", "cpn_…") so the timeline can link back.
    ref = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["merchant", "-at"], name="crm_activity_merchant_at")]
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.kind}: {self.summary}"

    @property
    def kind_label(self) -> str:
        try:
            return str(self.Kind(self.kind).label)
        except ValueError:
            return self.kind.replace("_", " ")

    @property
    def is_note(self) -> bool:
        return self.kind == self.Kind.NOTE


class Belt(models.TextChoices):
    """Industrial belts (产业带) the ground teams work in; crm.profile maps origin adcodes to these."""

    YIWU = "yiwu", _("Yiwu")
    JINHUA = "jinhua", _("Jinhua")
    HANGZHOU = "hangzhou", _("Hangzhou")
    NINGBO = "ningbo", _("Ningbo")
    WENZHOU = "wenzhou", _("Wenzhou")
    HUZHOU = "huzhou", _("Huzhou")
    GUANGZHOU = "guangzhou", _("Guangzhou")
    SHENZHEN = "shenzhen", _("Shenzhen")
    DONGGUAN = "dongguan", _("Dongguan")
    FOSHAN = "foshan", _("Foshan")
    SHANTOU = "shantou", _("Shantou")
    CHAOZHOU = "chaozhou", _("Chaozhou")
    JIEYANG = "jieyang", _("Jieyang")
    QUANZHOU = "quanzhou", _("Quanzhou")
    PUTIAN = "putian", _("Putian")
    SUZHOU = "suzhou", _("Suzhou")
    LINYI = "linyi", _("Linyi")
    BAODING = "baoding", _("Baoding")
    SHANGHAI = "shanghai", _("Shanghai")
    BEIJING = "beijing", _("Beijing")
    CHENGDU = "chengdu", _("Chengdu")
    WUHAN = "wuhan", _("Wuhan")
    OTHER = "other", _("Other regions")


# Labels carry a context: "Active", "New" and "Head" mean other things elsewhere in the console.
class VolumeBand(models.TextChoices):
    LONG_TAIL = "long_tail", pgettext_lazy("volume band", "Long tail")
    WAIST = "waist", pgettext_lazy("volume band", "Waist")
    HEAD = "head", pgettext_lazy("volume band", "Head")


class Lifecycle(models.TextChoices):
    NEW = "new", pgettext_lazy("lifecycle", "New")
    ACTIVATING = "activating", pgettext_lazy("lifecycle", "Activating")
    ACTIVE = "active", pgettext_lazy("lifecycle", "Active")
    AT_RISK = "at_risk", pgettext_lazy("lifecycle", "At risk")
    DORMANT = "dormant", pgettext_lazy("lifecycle", "Dormant")
    CHURNED = "churned", pgettext_lazy("lifecycle", "Churned")


class CrmSettings(models.Model):
    """The operator's CRM thresholds (one row). Defaults mirror crm.profile.Thresholds."""

    waist_min_30d = models.PositiveIntegerField(_("waist from (parcels in 30 days)"), default=300)
    head_min_30d = models.PositiveIntegerField(_("head from (parcels in 30 days)"), default=3000)
    new_days = models.PositiveSmallIntegerField(_("new for (days after sign-up)"), default=14)
    activated_labels = models.PositiveSmallIntegerField(_("labels to count as activated"), default=10)
    at_risk_days = models.PositiveSmallIntegerField(_("at risk after (days without a shipment)"), default=14)
    dormant_days = models.PositiveSmallIntegerField(_("dormant after (days without a shipment)"), default=30)
    churned_days = models.PositiveSmallIntegerField(_("churned after (days without a shipment)"), default=90)
    drop_share_pct = models.PositiveSmallIntegerField(_("at risk below (per cent of the usual month)"), default=50)
    onboarding_stall_days = models.PositiveSmallIntegerField(_("onboarding stalled after (days)"), default=7)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("CRM settings")
        verbose_name_plural = _("CRM settings")

    def __str__(self) -> str:
        return "CRM settings"


class MerchantProfile(models.Model):
    """The profile of crm.selectors.merchant_profile as of `computed_on`, stored so segment filters and the
    merchant list are plain SQL. Refreshed daily (crm.tasks) and when the 360 page is opened."""

    merchant = models.OneToOneField("accounts.Merchant", on_delete=models.CASCADE, related_name="crm_profile",
                                    primary_key=True)
    computed_on = models.DateField()
    volume_band = models.CharField(max_length=16, choices=VolumeBand.choices, db_index=True)
    lifecycle = models.CharField(max_length=16, choices=Lifecycle.choices, db_index=True)
    r = models.PositiveSmallIntegerField()
    f = models.PositiveSmallIntegerField()
    m = models.PositiveSmallIntegerField()
    belt = models.CharField(max_length=16, blank=True, db_index=True)
    shipments_30d = models.PositiveIntegerField(default=0)
    shipments_90d = models.PositiveIntegerField(default=0)
    revenue_30d_fen = models.BigIntegerField(default=0)
    revenue_90d_fen = models.BigIntegerField(default=0)
    last_shipment_on = models.DateField(null=True, blank=True)
    # Copied from plans / marketing at refresh time so segment filters and the merchant list need no joins there.
    plan_code = models.CharField(max_length=24, blank=True, db_index=True)
    tier_code = models.CharField(max_length=16, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.volume_band} {self.lifecycle} {self.r}{self.f}{self.m}"


class SegmentSize(models.Model):
    """A saved segment's size on one day, for the sizes-over-time chart (the daily snapshot job writes it)."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="sizes")
    day = models.DateField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["segment_id", "day"]
        constraints = [models.UniqueConstraint(fields=["segment", "day"], name="crm_segmentsize_one_per_day")]

    def __str__(self) -> str:
        return f"{self.segment_id} {self.day}: {self.size}"


class Milestone(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    FIRST_QUOTE = "first_quote", _("First quote")
    FIRST_LABEL = "first_label", _("First label")
    FIRST_PICKUP = "first_pickup", _("First pickup")
    TEN_LABELS = "ten_labels", _("10 labels")
    INTEGRATED = "integrated", _("API or plugin connected")


class OnboardingMark(models.Model):
    """When a merchant first reached a milestone that leaves no record of its own (a quote), or that we want to
    keep once derived (so later voids or revoked keys do not un-reach it)."""

    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="onboarding_marks")
    milestone = models.CharField(max_length=16, choices=Milestone.choices)
    reached_at = models.DateTimeField()

    class Meta:
        ordering = ["merchant_id", "reached_at"]
        constraints = [models.UniqueConstraint(fields=["merchant", "milestone"], name="crm_onboarding_mark_once")]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.milestone} {self.reached_at:%Y-%m-%d}"


class UpsellKind(models.TextChoices):
    CROSS_BORDER = "cross_border", _("Cross-border logistics")
    COLD_CHAIN = "cold_chain", _("Cold chain")
    CREDIT_LINE = "credit_line", _("Freight credit line")
    HIGHER_PLAN = "higher_plan", _("Higher plan")


class UpsellOffer(models.Model):
    """An upsell recommendation an operator put to a merchant, and what became of it."""

    class State(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("ups"), editable=False)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="upsell_offers")
    kind = models.CharField(max_length=16, choices=UpsellKind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OFFERED, db_index=True)
    reasons = models.JSONField(default=list, blank=True)   # the recommendation's reasons when it was offered
    offered_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    offered_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-offered_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["merchant", "kind"], condition=models.Q(state="offered"),
                                               name="crm_upsell_one_open_offer_per_kind")]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.kind} {self.state}"
