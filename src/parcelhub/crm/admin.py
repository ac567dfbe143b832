from __future__ import annotations

from django.contrib import admin

from parcelhub.crm.models import Activity, CrmSettings, MerchantProfile, Segment, UpsellOffer


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "public_id", "description", "created_at"]
    search_fields = ["name", "public_id"]


@admin.register(CrmSettings)
class CrmSettingsAdmin(admin.ModelAdmin):
    list_display = ["waist_min_30d", "head_min_30d", "onboarding_stall_days", "updated_at"]


# Timeline entries, profiles and offers are written by services and jobs; the admin only shows them.
@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["at", "merchant", "kind", "summary", "actor"]
    list_filter = ["kind"]
    search_fields = ["merchant__name", "summary", "ref"]
    readonly_fields = [f.name for f in Activity._meta.fields]


@admin.register(MerchantProfile)
class MerchantProfileAdmin(admin.ModelAdmin):
    list_display = ["merchant", "computed_on", "volume_band", "lifecycle", "r", "f", "m", "belt", "shipments_30d"]
    list_filter = ["volume_band", "lifecycle", "belt"]
    readonly_fields = [f.name for f in MerchantProfile._meta.fields]


@admin.register(UpsellOffer)
class UpsellOfferAdmin(admin.ModelAdmin):
    list_display = ["merchant", "kind", "state", "offered_at", "decided_at"]
    list_filter = ["kind", "state"]
    readonly_fields = [f.name for f in UpsellOffer._meta.fields]
