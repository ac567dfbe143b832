"""Promotions in the admin: read-only, because every change must go through the services (counters, ledger,
audit); operators use the Promotions pages."""

from __future__ import annotations

from django.contrib import admin

from parcelhub.marketing.promotions import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Coupon)
class CouponAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "name", "code", "amount_off_fen", "percent_off_bp", "used_count", "valid_until",
                    "is_active")
    search_fields = ("public_id", "name", "code")


@admin.register(models.CouponGrant)
class CouponGrantAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "coupon", "merchant", "state", "source", "shipment_public_id", "discount_fen")
    list_filter = ("state",)
    search_fields = ("public_id", "source", "shipment_public_id", "merchant__name")


@admin.register(models.PackageBalance)
class PackageBalanceAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "package", "merchant", "state", "labels_used", "labels_total", "paid_fen")
    search_fields = ("public_id", "merchant__name")


@admin.register(models.PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "merchant", "kind", "points", "remaining", "expires_at", "created_at")
    list_filter = ("kind",)
    search_fields = ("public_id", "merchant__name", "shipment_public_id")


for model in (models.Package, models.FlashSale, models.FlashSaleGrab, models.SpendOffRule, models.SpendOffCredit,
              models.PointsAccount):
    admin.site.register(model, ReadOnlyAdmin)
