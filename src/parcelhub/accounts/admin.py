from __future__ import annotations

from django.contrib import admin

from parcelhub.accounts.models import ApiKey, Merchant, User


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ["name", "public_id", "industry", "acquisition_channel", "created_at", "is_active"]
    search_fields = ["name", "public_id", "phone"]
    list_filter = ["industry", "is_active"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "merchant", "merchant_role", "operator_role", "is_active"]
    search_fields = ["email", "name"]
    list_filter = ["operator_role", "merchant_role"]
    exclude = ["password"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "merchant", "mode", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash"]
