"""The ledger is append-only, so the admin only shows it; changes go through the operator wallet pages."""

from __future__ import annotations

from django.contrib import admin

from parcelhub.billing.models import LedgerAccount, LedgerEntry, LedgerTransaction, Recharge, Wallet


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ("account", "amount_fen", "balance_after_fen")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "kind", "merchant", "reference", "created_at")
    list_filter = ("kind",)
    list_select_related = ("merchant",)
    search_fields = ("public_id", "reference", "merchant__public_id", "merchant__name")
    inlines = [EntryInline]


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "merchant", "carrier_code")
    list_filter = ("kind",)
    search_fields = ("code",)


@admin.register(Wallet)
class WalletAdmin(ReadOnlyAdmin):
    list_display = ("merchant", "balance_fen", "credit_limit_fen", "updated_at")
    list_select_related = ("merchant",)
    search_fields = ("merchant__name", "merchant__public_id")


@admin.register(Recharge)
class RechargeAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "merchant", "amount_fen", "status", "provider", "created_at", "paid_at")
    list_filter = ("status", "provider")
    list_select_related = ("merchant",)
    search_fields = ("public_id", "provider_txn_id", "merchant__name")
