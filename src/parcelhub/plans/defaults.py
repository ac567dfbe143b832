"""The default plans (Free, Pro, Enterprise). Operators edit them afterwards; these seed an empty table.

Free keeps what every merchant could do before plans existed (the API, importing, SMS within the platform's
default quota), so plans only add. Names and descriptions are marked for translation: pages show the default
texts translated, and an operator's own wording as typed.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

FREE = "free"
PRO = "pro"
ENTERPRISE = "enterprise"
TRIAL_PLAN = PRO
TRIAL_DAYS = 14
GRACE_DAYS = 7

DEFAULT_PLANS: dict[str, dict] = {
    FREE: {"name": gettext_noop("Free"),
           "description": gettext_noop("Compare prices, print labels, track parcels."), "rank": 0,
           "price_monthly_fen": 0, "price_annual_fen": 0,
           "features": ["bulk_import", "api_access", "sms_quota"],
           "sms_monthly_quota": None, "bulk_import_max_rows": 1000},
    PRO: {"name": gettext_noop("Pro"),
          "description": gettext_noop("Branded tracking page, insight reports, larger imports and SMS quota."),
          "rank": 10, "price_monthly_fen": 9_900, "price_annual_fen": 99_000,
          "features": ["bulk_import", "api_access", "sms_quota", "inventory_warnings", "insight_reports",
                       "custom_tracking_page"],
          "sms_monthly_quota": 5_000, "bulk_import_max_rows": 20_000},
    ENTERPRISE: {"name": gettext_noop("Enterprise"),
                 "description": gettext_noop("Everything, multi-warehouse allocation, no import limit."),
                 "rank": 20, "price_monthly_fen": 49_900, "price_annual_fen": 499_000,
                 "features": ["bulk_import", "api_access", "sms_quota", "inventory_warnings", "insight_reports",
                              "custom_tracking_page", "multi_warehouse"],
                 "sms_monthly_quota": 50_000, "bulk_import_max_rows": None},
}


def ensure_default_plans(plan_model) -> int:
    """Create the default plans that are missing (never overwrites an operator's edits); returns how many."""
    created = 0
    for code, fields in DEFAULT_PLANS.items():
        _, made = plan_model.objects.get_or_create(code=code, defaults=dict(fields))
        created += made
    return created
