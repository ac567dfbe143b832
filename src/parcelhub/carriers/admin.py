"""Configuration CRUD for carriers and services; rate cards are uploaded as files, so here they are read-only."""

from __future__ import annotations

from django.contrib import admin

from parcelhub.carriers.models import Carrier, RateCard, RateCardLane, Service


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ("code", "name", "name_en", "max_weight_g", "volumetric_divisor", "rounding", "max_side_cm",
              "max_declared_value_fen", "is_active")


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "name_en")
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("carrier", "code", "name", "max_weight_g", "volumetric_divisor", "is_active")
    list_filter = ("carrier", "is_active", "volumetric_divisor")
    list_select_related = ("carrier",)
    search_fields = ("code", "name", "name_en", "carrier__code")


class RateCardLaneInline(admin.TabularInline):
    model = RateCardLane
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RateCard)
class RateCardAdmin(admin.ModelAdmin):
    """Prices change only through the validated upload, which audits each card; the admin just shows them."""

    list_display = ("public_id", "service", "origin", "effective_from", "note", "created_at")
    list_filter = ("service__carrier", "effective_from")
    list_select_related = ("service__carrier", "origin")
    search_fields = ("public_id", "note", "origin__name")
    inlines = [RateCardLaneInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
