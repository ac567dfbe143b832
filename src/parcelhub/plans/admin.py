"""Raw configuration for operators: plans and bonus rules are edited on the operator pages (which audit);
subscriptions, billing history and grants are shown here read-only — they change through the services."""

from __future__ import annotations

from django.contrib import admin

from parcelhub.plans.models import Plan, PlanInvoice, RechargeBonusGrant, RechargeBonusRule, Subscription


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "rank", "price_monthly_fen", "price_annual_fen", "is_active"]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "merchant", "plan", "status", "billing_cycle", "period_end", "auto_renew"]
    list_filter = ["status", "plan"]
    search_fields = ["public_id", "merchant__name", "merchant__public_id"]


@admin.register(PlanInvoice)
class PlanInvoiceAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "merchant", "plan", "kind", "period_start", "period_end", "amount_fen", "created_at"]
    list_filter = ["kind", "plan"]
    search_fields = ["public_id", "merchant__name", "reference"]


@admin.register(RechargeBonusRule)
class RechargeBonusRuleAdmin(ReadOnlyAdmin):
    list_display = ["name", "min_recharge_fen", "kind", "bonus_fen", "plan", "months", "starts_at", "ends_at",
                    "is_active"]


@admin.register(RechargeBonusGrant)
class RechargeBonusGrantAdmin(ReadOnlyAdmin):
    list_display = ["recharge", "merchant", "rule", "bonus_fen", "plan", "months", "created_at"]
