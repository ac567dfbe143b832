"""Account managers, key-account assignments, the task queue and merchants' lifetime value."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from parcelhub.core.ids import id_factory


def _reads_chinese() -> bool:
    return (translation.get_language() or "").startswith("zh")


class WorkbenchSettings(models.Model):
    """Operator-editable knobs (one row, `WorkbenchSettings.current()`): how value is discounted, how often reviews
    are due, how early renewals surface. Key accounts are the CRM's waist and head bands (crm settings)."""

    clv_annual_discount_rate_bp = models.PositiveIntegerField(
        _("CLV annual discount rate (basis points)"), default=1000)
    review_interval_days = models.PositiveIntegerField(_("business review every (days)"), default=91)
    renewal_window_days = models.PositiveIntegerField(_("renewal tasks ahead of expiry (days)"), default=30)
    default_capacity = models.PositiveIntegerField(_("default accounts per manager"), default=25)

    class Meta:
        verbose_name = _("workbench settings")
        verbose_name_plural = _("workbench settings")

    def __str__(self) -> str:
        return "workbench settings"

    @classmethod
    def current(cls) -> WorkbenchSettings:
        return cls.objects.order_by("pk").first() or cls.objects.create()


class ManagerProfile(models.Model):
    """What an account manager covers: provinces and industries they prefer, and how many key accounts they take."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="manager_profile")
    capacity = models.PositiveIntegerField(_("capacity (accounts)"), default=25)
    # Province adcodes ("330000") and accounts.Industry values; empty means no preference.
    provinces = models.JSONField(_("provinces"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    accepts_new = models.BooleanField(_("takes new accounts"), default=True)

    class Meta:
        ordering = ["user__email"]

    def __str__(self) -> str:
        return f"{self.user} ({self.capacity})"

    @property
    def industry_labels(self) -> list[str]:
        from parcelhub.accounts.models import Industry

        labels = dict(Industry.choices)
        return [str(labels.get(code, code)) for code in self.industries]


class Assignment(models.Model):
    """A key account's account manager. Manual assignments are overrides the rules never move."""

    merchant = models.OneToOneField("accounts.Merchant", on_delete=models.CASCADE, related_name="am_assignment")
    manager = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="assigned_accounts")
    manual = models.BooleanField(_("manual override"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    assigned_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    assigned_at = models.DateTimeField()

    class Meta:
        ordering = ["merchant__name"]

    def __str__(self) -> str:
        return f"{self.merchant_id} → {self.manager_id}"

    @property
    def reason_display(self) -> str:
        """Rule assignments store what matched ("rules: region, industry"); shown in the reader's language."""
        if self.manual or not self.reason.startswith("rules:"):
            return self.reason
        words = {"region": _("province"), "industry": _("industry"), "capacity": _("spare capacity")}
        matched = [str(words.get(w.strip(), w.strip())) for w in self.reason[len("rules:"):].split(",")]
        return str(_("Rules: %(matched)s")) % {"matched": ", ".join(matched)}


class TaskKind(models.TextChoices):
    CHURN = "churn", _("Churn alert")
    RENEWAL = "renewal", _("Plan renewal")
    ONBOARDING_STALLED = "onboarding_stalled", _("Onboarding stalled")
    BUSINESS_REVIEW = "business_review", _("Business review due")
    DOWNGRADE_RISK = "downgrade_risk", _("Tier downgrade risk")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    CALLED = "called", _("Called")
    NO_ANSWER = "no_answer", _("No answer")
    OFFER_MADE = "offer_made", _("Offer made")
    OFFER_ACCEPTED = "offer_accepted", _("Offer accepted")
    OFFER_DECLINED = "offer_declined", _("Offer declined")
    REVIEW_SCHEDULED = "review_scheduled", _("Review scheduled")
    RENEWED = "renewed", _("Renewed")
    RECOVERED = "recovered", _("Recovered")
    LOST = "lost", _("Lost")
    NOTE = "note", _("Note")
    SNOOZED = "snoozed", _("Snoozed")
    DONE = "done", _("Done")


# Outcomes that settle a task by themselves.
CLOSING_OUTCOMES = frozenset({Outcome.RENEWED, Outcome.RECOVERED, Outcome.LOST, Outcome.DONE})


class Task(models.Model):
    """One thing an account manager should do about a merchant. At most one open task per (merchant, kind,
    source_ref), so the jobs and alerts that open them can run again without duplicating."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("tsk"), editable=False)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="am_tasks")
    kind = models.CharField(_("kind"), max_length=24, choices=TaskKind.choices)
    title = models.CharField(_("title"), max_length=200)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # Optional Chinese wording (alerts and jobs know both); pages show it to Chinese readers.
    title_zh = models.CharField(max_length=200, blank=True)
    reason_zh = models.CharField(max_length=500, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    # What opened it, as a public id or a stable key ("chn_…", "sub_…", "review:2026Q4").
    source_ref = models.CharField(max_length=64, blank=True)
    value_at_risk_fen = models.BigIntegerField(null=True, blank=True)
    assignee = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="am_tasks")
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "kind", "source_ref"], condition=Q(state="open"),
                                    name="workbench_task_open_once"),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in TaskKind]), name="workbench_task_kind"),
        ]
        indexes = [models.Index(fields=["state", "assignee"])]

    def __str__(self) -> str:
        return f"{self.public_id} {self.kind}"

    @property
    def display_title(self) -> str:
        return self.title_zh if self.title_zh and _reads_chinese() else self.title

    @property
    def display_reason(self) -> str:
        return self.reason_zh if self.reason_zh and _reads_chinese() else self.reason


class TaskAction(models.Model):
    """Something done on a task: a call and its outcome, an offer, a note, a snooze, the close."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("tka"), editable=False)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="actions")
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    # Public id of a coupon granted with this action, for the timeline and attribution.
    coupon_ref = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    # The API's Idempotency-Key (operators' keys are not scoped by the /api/ middleware, which keys by merchant).
    idempotency_key = models.CharField(max_length=255, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["actor", "idempotency_key"], condition=~Q(idempotency_key=""),
                                               name="workbench_action_idempotency_once")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.outcome}"


class MerchantValue(models.Model):
    """A merchant's 12-month discounted lifetime value (gross margin) from the latest BG/NBD + Gamma-Gamma run."""

    merchant = models.OneToOneField("accounts.Merchant", on_delete=models.CASCADE, related_name="value")
    clv_fen = models.BigIntegerField()
    p_alive = models.FloatField()
    expected_active_weeks = models.FloatField()     # active weeks expected in the next 12 months
    margin_per_week_fen = models.BigIntegerField()  # expected margin of an active week (Gamma-Gamma)
    frequency = models.PositiveIntegerField()       # repeat active weeks
    recency_weeks = models.FloatField()
    age_weeks = models.FloatField()
    as_of = models.DateField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-clv_fen"]

    def __str__(self) -> str:
        return f"{self.merchant_id}: {self.clv_fen}"


class ClvRun(models.Model):
    """One refresh of the merchant values: the fitted parameters, for the docs page and for auditing a ranking."""

    as_of = models.DateField()
    merchants = models.PositiveIntegerField()
    params = models.JSONField(default=dict)
    annual_discount_rate_bp = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"CLV run {self.as_of}: {self.merchants} merchants"
