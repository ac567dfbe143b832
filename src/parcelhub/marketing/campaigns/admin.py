from __future__ import annotations

from django.contrib import admin

from parcelhub.marketing.campaigns.models import Assignment, Campaign, RegionalPush


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    # Read-mostly: launching and stopping go through the console, which assigns arms and delivers offers.
    list_display = ("public_id", "name", "state", "offer_kind", "starts_on", "ends_on", "control_bp")
    list_filter = ("state",)
    search_fields = ("public_id", "name")
    readonly_fields = ("public_id", "state", "launched_at", "stopped_at", "created_by", "idempotency_key",
                       "request_hash")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("campaign", "merchant", "arm", "assigned_at", "delivered_ref")
    list_filter = ("arm",)
    search_fields = ("campaign__public_id", "merchant__public_id")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # arms are never changed: that would bias the evaluation


@admin.register(RegionalPush)
class RegionalPushAdmin(admin.ModelAdmin):
    list_display = ("public_id", "name", "starts_on", "ends_on")
    search_fields = ("public_id", "name")
