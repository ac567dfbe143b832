"""Console pages: the merchant's tier, the operators' tier programme and margin guardrail report."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcelhub.accounts.models import OperatorRole
from parcelhub.accounts.permissions import merchant_required, operator_required
from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.marketing import selectors, services
from parcelhub.marketing.models import MarginRule, Tier, TierOverride

pricing_required = operator_required(OperatorRole.PRICING, OperatorRole.MARKETING)


@merchant_required
def tier_page(request: HttpRequest) -> HttpResponse:
    status = selectors.current_tier(request.merchant)
    tiers = list(Tier.objects.all())
    progress = None
    if status.next_code:
        target = next(t for t in tiers if t.code == status.next_code).min_monthly_shipments
        progress = min(100, round(100 * status.average_monthly_shipments / target)) if target else 100
    return render(request, "marketing/tier.html", {
        "status": status, "tiers": tiers, "progress": progress, "risk": selectors.open_risk(request.merchant),
        "history": selectors.tier_history(request.merchant)[:24], "settings": selectors.ensure_programme()})


def _int(data, name: str, default: int | None = None) -> int:
    raw = (data.get(name) or "").strip()
    if not raw and default is not None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise DomainError("invalid_value", f"{name}: enter a whole number.", f"{name}：请输入整数。",
                          status=422) from None


def _percent_bp(data, name: str) -> int:
    """Percentages are typed as 3 or 2.5 and kept in basis points."""
    raw = (data.get(name) or "").strip()
    try:
        value = round(float(raw) * 100) if raw else 0
    except ValueError:
        raise DomainError("invalid_value", f"{name}: enter a percentage such as 3 or 2.5.",
                          f"{name}：请输入百分比，如 3 或 2.5。", status=422) from None
    return value


def _done(request: HttpRequest, action, success: str, to: str = "marketing:operator_tiers") -> HttpResponse:
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.localized())
    else:
        messages.success(request, success)
    return redirect(to)


@pricing_required
def operator_tiers(request: HttpRequest) -> HttpResponse:
    settings = selectors.ensure_programme()
    counts = selectors.tier_counts()
    tiers = list(Tier.objects.all())
    for tier in tiers:
        tier.merchants = counts.get(tier.code, 0)
    return render(request, "marketing/operator_tiers.html", {
        "tiers": tiers, "settings": settings, "holidays": ", ".join(settings.holiday_months),
        "overrides": TierOverride.objects.select_related("tier"), "margin_rules": MarginRule.objects.all(),
        "risks": selectors.downgrade_risks()[:100]})


def _tier(code: str) -> Tier:
    tier = Tier.objects.filter(code=code).first()
    if tier is None:
        raise Http404
    return tier


@require_POST
@pricing_required
def operator_tier_update(request: HttpRequest, code: str) -> HttpResponse:
    tier, data = _tier(code), request.POST
    return _done(request, lambda: services.tier_update(
        tier=tier, name=data.get("name", ""), name_en=data.get("name_en", ""),
        min_monthly_shipments=_int(data, "min_monthly_shipments"), discount_bp=_percent_bp(data, "discount_percent"),
        actor=request.user), _("Tier saved."))


@require_POST
@pricing_required
def operator_tier_settings(request: HttpRequest) -> HttpResponse:
    data = request.POST
    grace = Tier.objects.filter(code=data.get("grace_tier", "")).first()
    holidays = [m for m in data.get("holiday_months", "").replace("，", ",").split(",") if m.strip()]
    return _done(request, lambda: services.tier_settings_update(
        window_months=_int(data, "window_months"), grace_tier=grace, grace_weeks=_int(data, "grace_weeks"),
        holiday_months=holidays, min_margin_bp=_percent_bp(data, "min_margin_percent"),
        min_margin_fen=_int(data, "min_margin_fen", 0), actor=request.user), _("Settings saved."))


@require_POST
@pricing_required
def operator_override_set(request: HttpRequest) -> HttpResponse:
    data = request.POST
    return _done(request, lambda: services.tier_override_set(
        tier=_tier(data.get("tier", "")), carrier_code=data.get("carrier_code", ""),
        service_code=data.get("service_code", ""), discount_bp=_percent_bp(data, "discount_percent"),
        actor=request.user), _("Override saved."))


@require_POST
@pricing_required
def operator_override_delete(request: HttpRequest, pk: int) -> HttpResponse:
    override = TierOverride.objects.select_related("tier").filter(pk=pk).first()
    if override is None:
        raise Http404
    return _done(request, lambda: services.tier_override_delete(override=override, actor=request.user),
                 _("Override removed."))


@require_POST
@pricing_required
def operator_margin_rule_set(request: HttpRequest) -> HttpResponse:
    data = request.POST
    return _done(request, lambda: services.margin_rule_set(
        carrier_code=data.get("carrier_code", ""), service_code=data.get("service_code", ""),
        min_margin_bp=_percent_bp(data, "min_margin_percent"), min_margin_fen=_int(data, "min_margin_fen", 0),
        actor=request.user), _("Minimum margin saved."))


@require_POST
@pricing_required
def operator_margin_rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = MarginRule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404
    return _done(request, lambda: services.margin_rule_delete(rule=rule, actor=request.user),
                 _("Minimum margin removed."))


REPORT_DAYS = (7, 30, 90)


@pricing_required
def operator_margin_report(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    days = days if days in REPORT_DAYS else 30
    last = clock.today()
    first = last - dt.timedelta(days=days - 1)
    report = selectors.margin_report(first=first, last=last)
    totals = {key: sum(row[key] or 0 for row in report["per_service"])
              for key in ("capped", "capped_fen", "subsidised", "subsidised_fen")}
    return render(request, "marketing/operator_margin.html", {
        "report": report, "totals": totals, "days": days, "choices": REPORT_DAYS, "first": first, "last": last})
