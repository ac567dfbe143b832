from __future__ import annotations

from django.contrib import admin

from parcelhub.marketing.models import (
    DowngradeRisk,
    GuardrailEvent,
    MarginRule,
    MerchantTier,
    Tier,
    TierOverride,
)


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ("rank", "code", "name", "name_en", "min_monthly_shipments", "discount_bp")


@admin.register(TierOverride)
class TierOverrideAdmin(admin.ModelAdmin):
    list_display = ("tier", "carrier_code", "service_code", "discount_bp")


@admin.register(MarginRule)
class MarginRuleAdmin(admin.ModelAdmin):
    list_display = ("carrier_code", "service_code", "min_margin_bp", "min_margin_fen")


@admin.register(MerchantTier)
class MerchantTierAdmin(admin.ModelAdmin):
    # History is written by the tier services only.
    list_display = ("merchant", "tier", "since", "ended_on", "reason", "average_monthly_shipments")
    list_filter = ("tier", "reason")
    readonly_fields = [f.name for f in MerchantTier._meta.fields]


@admin.register(DowngradeRisk)
class DowngradeRiskAdmin(admin.ModelAdmin):
    list_display = ("merchant", "tier", "would_fall_to", "review_date", "outcome")
    readonly_fields = [f.name for f in DowngradeRisk._meta.fields]


@admin.register(GuardrailEvent)
class GuardrailEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "shipment_public_id", "kind", "amount_fen", "carrier_code", "service_code",
                    "promotion_id", "voided")
    list_filter = ("kind", "voided")
    readonly_fields = [f.name for f in GuardrailEvent._meta.fields]
