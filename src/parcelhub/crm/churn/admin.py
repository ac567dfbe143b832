from __future__ import annotations

from django.contrib import admin

from parcelhub.crm.churn.models import ChurnAlert, ChurnSettings


@admin.register(ChurnSettings)
class ChurnSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "retention_coupon", "recover_days", "recover_share_pct", "churned_days")
    raw_id_fields = ("retention_coupon",)


@admin.register(ChurnAlert)
class ChurnAlertAdmin(admin.ModelAdmin):
    list_display = ("public_id", "merchant", "alert_date", "kind", "score", "action", "state", "outcome_on")
    list_filter = ("state", "kind", "action")
    search_fields = ("public_id", "merchant__name", "merchant__public_id")
    raw_id_fields = ("merchant", "outcome_by")
    readonly_fields = ("public_id", "created_at")
