from __future__ import annotations

from django.contrib import admin

from parcelhub.crm.workbench.models import Assignment, ManagerProfile, MerchantValue, Task, WorkbenchSettings


@admin.register(WorkbenchSettings)
class WorkbenchSettingsAdmin(admin.ModelAdmin):
    list_display = ("clv_annual_discount_rate_bp", "review_interval_days",
                    "renewal_window_days", "default_capacity")


@admin.register(ManagerProfile)
class ManagerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "capacity", "accepts_new")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("merchant", "manager", "manual", "assigned_at")
    list_select_related = ("merchant", "manager")


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("public_id", "merchant", "kind", "state", "assignee", "due_on")
    list_filter = ("kind", "state")
    list_select_related = ("merchant", "assignee")


@admin.register(MerchantValue)
class MerchantValueAdmin(admin.ModelAdmin):
    list_display = ("merchant", "clv_fen", "p_alive", "as_of")
    list_select_related = ("merchant",)
