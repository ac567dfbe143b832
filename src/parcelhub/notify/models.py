"""Notifications: the outbox of messages to send, what each merchant wants sent, and what was sent.

The outbox has two halves. An ingest that changes statuses writes one bare `ChangeBatch` row (its changes as
JSON) in its own transaction; after the commit a worker turns the batch into one `Outbox` row per channel and
recipient (SMS to the consignee, email to the merchant's people, one per subscribed webhook endpoint), composed,
and deletes the batch in the same transaction. Workers claim `Outbox` rows with a compare-and-set update and
send them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parcelhub.core.ids import id_factory


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class Language(models.TextChoices):
    ZH = "zh", _("Chinese")
    EN = "en", _("English")


class NotifySettings(models.Model):
    """One merchant's choices: which statuses send an SMS (to the consignee) or an email (to the merchant),
    in which language, and how many SMS a calendar month may use."""

    merchant = models.OneToOneField("accounts.Merchant", on_delete=models.CASCADE, related_name="notify_settings")
    # {"delivered": {"sms": true, "email": false}, …}; statuses missing here use the defaults in rules.py.
    rules = models.JSONField(default=dict, blank=True)
    language = models.CharField(_("message language"), max_length=2, choices=Language.choices, default=Language.ZH)
    sms_monthly_quota = models.PositiveIntegerField(_("SMS per month"), null=True, blank=True)  # None: the default
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"notify settings {self.merchant_id}"


class MessageTemplate(models.Model):
    """A merchant's own wording for one status, channel and language (defaults live in code until edited)."""

    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="message_templates")
    status = models.CharField(max_length=32)
    channel = models.CharField(max_length=8, choices=[(Channel.SMS, _("SMS")), (Channel.EMAIL, _("Email"))])
    language = models.CharField(max_length=2, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=120, blank=True)
    body = models.TextField(_("message"), max_length=1000)
    marketing_block = models.ForeignKey("tracking.MarketingBlock", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("marketing block"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "status", "channel", "language"],
                                               name="notify_template_one_per_status_channel_language")]

    def __str__(self) -> str:
        return f"{self.status}/{self.channel}/{self.language}"


class ChangeBatch(models.Model):
    """The status changes of one committed ingest, not yet turned into messages: the outbox's bare first half,
    so the push receiver's transaction writes one row instead of composing every text."""

    # [{"tracking_id", "shipment_id", "old", "new", "exception_kind", "occurred_at" (ISO), "description"}, …]
    changes = models.JSONField()
    created_at = models.DateTimeField()   # when the changes were received: the messages' "created"

    def __str__(self) -> str:
        return f"change batch {self.pk} ({len(self.changes)} changes)"


class Outbox(models.Model):
    """One message to one recipient over one channel, sent at most once."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("message", "Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")
        DEAD = "dead", _("Failed")

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("evt"), editable=False)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="outbox")
    shipment = models.ForeignKey("shipping.Shipment", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="notifications")
    endpoint = models.ForeignKey("notify.WebhookEndpoint", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="outbox")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    event_type = models.CharField(max_length=40)          # shipment.status_changed | shipment.delivered | … | test
    status_from = models.CharField(max_length=32, blank=True)
    status_to = models.CharField(max_length=32, blank=True)
    recipient = models.CharField(max_length=254)          # phone, email address or endpoint URL
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()                             # SMS text, email text, or the webhook's JSON body
    html = models.TextField(blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    skip_reason = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"]),
                   models.Index(fields=["merchant", "channel", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.public_id} {self.channel} {self.state}"


class SmsMessage(models.Model):
    """An SMS handed to the provider (the sandbox provider only records it here)."""

    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="sms_messages")
    outbox = models.OneToOneField(Outbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="sms")
    phone = models.CharField(max_length=20)
    text = models.TextField()
    provider = models.CharField(max_length=24)
    provider_id = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["merchant", "-sent_at"])]

    def __str__(self) -> str:
        return f"{self.phone} {self.sent_at:%Y-%m-%d %H:%M}"


class SmsUsage(models.Model):
    """SMS counted per merchant and calendar month; the quota is enforced by a conditional update."""

    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()       # the first day of the month, local time
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "month"], name="notify_sms_usage_per_month")]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.month:%Y-%m}: {self.count}"


class Suppression(models.Model):
    """Addresses that get no messages from a merchant: a consignee who unsubscribed, or a blacklisted phone."""

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BLACKLISTED = "blacklisted", _("Blacklisted")

    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="notify_suppressions")
    channel = models.CharField(max_length=8, choices=[(Channel.SMS, _("SMS")), (Channel.EMAIL, _("Email"))])
    address = models.CharField(max_length=254)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["merchant", "channel", "address", "reason"],
                                               name="notify_suppression_unique")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address} {self.reason}"


class WebhookEndpoint(models.Model):
    """A merchant's URL that receives signed JSON events."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("whk"), editable=False)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=120, blank=True)
    # Kept in clear: every delivery is signed with it, and the merchant may look it up again.
    secret = models.CharField(max_length=64)
    events = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One HTTP attempt at a webhook: what came back and how long it took."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    outbox = models.ForeignKey(Outbox, on_delete=models.CASCADE, related_name="deliveries")
    attempt = models.PositiveSmallIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    response_body = models.CharField(max_length=500, blank=True)
    attempted_at = models.DateTimeField()

    class Meta:
        ordering = ["-attempted_at", "-id"]
        indexes = [models.Index(fields=["endpoint", "-attempted_at"])]

    def __str__(self) -> str:
        return f"{self.endpoint_id} #{self.attempt} {self.status_code}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
