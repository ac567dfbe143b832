from __future__ import annotations

from django.contrib import admin, messages

from parcelhub.notify import services
from parcelhub.notify.models import NotifySettings, Outbox, SmsMessage, WebhookDelivery, WebhookEndpoint


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ["public_id", "merchant", "channel", "event_type", "status_to", "recipient", "state", "attempts",
                    "next_attempt_at", "skip_reason"]
    list_filter = ["state", "channel", "event_type"]
    search_fields = ["public_id", "recipient", "merchant__name"]
    readonly_fields = [f.name for f in Outbox._meta.fields]
    actions = ["requeue"]

    @admin.action(description="Send dead messages again")
    def requeue(self, request, queryset):
        count = services.outbox_requeue(ids=list(queryset.values_list("pk", flat=True)), actor=request.user)
        messages.success(request, f"{count} message(s) queued again.")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["public_id", "merchant", "url", "is_active", "consecutive_failures", "disabled_at", "deleted_at"]
    list_filter = ["is_active"]
    search_fields = ["public_id", "url", "merchant__name"]
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["endpoint", "attempt", "status_code", "duration_ms", "error", "attempted_at"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ["merchant", "phone", "provider", "sent_at"]
    search_fields = ["phone", "merchant__name"]
    readonly_fields = [f.name for f in SmsMessage._meta.fields]


@admin.register(NotifySettings)
class NotifySettingsAdmin(admin.ModelAdmin):
    """Operators set a merchant's monthly SMS quota here (empty: NOTIFY_SMS_MONTHLY_QUOTA)."""

    list_display = ["merchant", "language", "sms_monthly_quota", "updated_at"]
    search_fields = ["merchant__name"]
    fields = ["merchant", "language", "sms_monthly_quota", "rules"]
    raw_id_fields = ["merchant"]
