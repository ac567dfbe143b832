"""Support looks orders up here; changes go through the console and API so they are audited."""

from __future__ import annotations

from django.contrib import admin

from parcelhub.orders.models import Order, OrderImport, OrderItem, Sku


@admin.register(Sku)
class SkuAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "merchant", "weight_g", "unit_price_fen")
    list_select_related = ("merchant",)
    search_fields = ("code", "name", "merchant__name")


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    can_delete = False
    readonly_fields = ("sku", "sku_code", "name", "quantity", "unit_price_fen")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("public_id", "merchant", "source", "external_id", "status", "recipient_name",
                    "recipient_province_code", "test_mode", "created_at")
    list_filter = ("status", "source", "test_mode")
    list_select_related = ("merchant",)
    search_fields = ("public_id", "external_id", "recipient_name", "recipient_phone")
    readonly_fields = [f.name for f in Order._meta.fields]
    inlines = [OrderItemInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(OrderImport)
class OrderImportAdmin(admin.ModelAdmin):
    list_display = ("public_id", "merchant", "file_name", "layout", "status", "total_rows", "created_count",
                    "duplicate_count", "error_count", "created_at")
    list_filter = ("status", "layout")
    list_select_related = ("merchant",)
    exclude = ("content",)
    readonly_fields = ("public_id", "merchant", "created_by", "file_name", "layout", "test_mode", "status",
                       "total_rows", "processed_rows", "created_count", "duplicate_count", "error_count",
                       "error_total", "errors", "failure", "created_at", "started_at", "finished_at")

    def has_add_permission(self, request) -> bool:
        return False
