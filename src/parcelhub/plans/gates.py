"""Feature gates: a page shows "upgrade to use this" and the API answers 402 `plan_feature_required` when the
merchant's plan lacks a feature; limits say `plan_limit_exceeded`.

    @merchant_required
    @plan_feature_required("custom_tracking_page")
    def page_designer(request): …

    @router.get("/reports")
    @api_plan_feature_required("insight_reports")
    def reports(request): …
"""

from __future__ import annotations

from functools import wraps

from django.shortcuts import render

from parcelhub.core.errors import DomainError
from parcelhub.plans import selectors
from parcelhub.plans.models import Feature

UPGRADE_STATUS = 402


def feature_label(code: str) -> str:
    return str(Feature(code).label) if code in Feature.values else code


def cheapest_plan_with(code: str):
    return next((plan for plan in selectors.plans_offered() if code in plan.features), None)


class PlanFeatureRequired(DomainError):
    status = UPGRADE_STATUS

    def __init__(self, code: str, *, plan_code: str) -> None:
        needed = cheapest_plan_with(code)
        label = feature_label(code)
        super().__init__(
            "plan_feature_required",
            f"{label} is not included in your plan. Upgrade{' to ' + needed.name if needed else ''} to use it.",
            f"当前套餐不包含“{label}”，请升级{'到 ' + needed.name if needed else ''}后使用。",
            details={"feature": code, "plan": plan_code, "upgrade_to": needed.code if needed else None,
                     "upgrade_url": "/settings/plan/"})


class PlanLimitExceeded(DomainError):
    status = UPGRADE_STATUS

    def __init__(self, limit: str, *, allowed: int, requested: int, plan_code: str) -> None:
        super().__init__(
            "plan_limit_exceeded",
            f"Your plan allows {allowed} rows per import file; this file has {requested}. Split the file or "
            f"upgrade your plan.",
            f"当前套餐每个导入文件最多 {allowed} 行，此文件有 {requested} 行。请拆分文件或升级套餐。",
            details={"limit": limit, "allowed": allowed, "requested": requested, "plan": plan_code,
                     "upgrade_url": "/settings/plan/"})


def require_feature(merchant, code: str) -> None:
    """Raise PlanFeatureRequired (402) unless the merchant's plan includes `code` today."""
    plan = selectors.effective_plan(merchant)
    if code not in plan.features:
        raise PlanFeatureRequired(code, plan_code=plan.code)


# The plan endpoints stay open to every key, so a merchant whose plan lacks the API can still upgrade by API.
API_PATHS_WITHOUT_PLAN = ("/api/v1/plan",)


def require_api_access(merchant, path: str) -> None:
    """For API-key requests (accounts.auth): 402 `plan_feature_required` when the plan lacks `api_access`."""
    if not path.startswith(API_PATHS_WITHOUT_PLAN):
        require_feature(merchant, "api_access")


def check_import(merchant, *, rows: int) -> None:
    """Bulk import needs the feature, and a file within the plan's rows per file."""
    require_feature(merchant, "bulk_import")
    allowed = selectors.plan_limit(merchant, "bulk_import_max_rows")
    if allowed is not None and rows > allowed:
        raise PlanLimitExceeded("bulk_import_max_rows", allowed=allowed, requested=rows,
                                plan_code=selectors.current_plan(merchant).code)


def upgrade_page(request, code: str):
    status = selectors.current_plan(request.merchant)
    return render(request, "plans/upgrade.html", {
        "feature": code, "feature_label": feature_label(code), "status": status,
        "needed": cheapest_plan_with(code), "trial_covers": code in selectors.trial_plan().features},
        status=UPGRADE_STATUS)


def plan_feature_required(code: str):
    """For console views behind merchant_required: without the feature, the upgrade page (HTTP 402)."""
    if code not in Feature.values:
        raise ValueError(f"unknown feature {code!r}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not selectors.feature_enabled(request.merchant, code):
                return upgrade_page(request, code)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def api_plan_feature_required(code: str):
    """For ninja handlers (request.auth is a Principal): without the feature, 402 `plan_feature_required`."""
    if code not in Feature.values:
        raise ValueError(f"unknown feature {code!r}")

    def decorator(handler):
        @wraps(handler)
        def wrapper(request, *args, **kwargs):
            require_feature(request.auth.merchant, code)
            return handler(request, *args, **kwargs)

        return wrapper

    return decorator
