"""Console pages: the merchant's plan (compare, trial, change with the amount shown before confirming, billing
history) and the operators' plans with subscriber counts and recharge bonus rules."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcelhub.accounts.models import Merchant, OperatorRole
from parcelhub.accounts.permissions import merchant_required, operator_required
from parcelhub.billing.selectors import wallet_for
from parcelhub.core.errors import DomainError
from parcelhub.core.ids import new_id
from parcelhub.plans import selectors, services
from parcelhub.plans.forms import BonusRuleForm, GrantForm, PlanForm
from parcelhub.plans.models import BillingCycle, Feature, Plan, RechargeBonusRule

HISTORY_ROWS = 24
marketing_required = operator_required(OperatorRole.MARKETING, OperatorRole.PRICING)


def _comparison(plans: list[Plan]) -> list[dict]:
    """One row per feature: which plans include it."""
    return [{"code": code, "label": label, "included": [code in plan.features for plan in plans]}
            for code, label in Feature.choices]


@merchant_required
def plan_page(request: HttpRequest) -> HttpResponse:
    merchant = request.merchant
    plans = selectors.plans_offered()
    return render(request, "plans/plan.html", {
        "status": selectors.current_plan(merchant), "plans": plans, "comparison": _comparison(plans),
        "trial_plan": selectors.trial_plan(), "wallet": wallet_for(merchant),
        "history": list(selectors.billing_history(merchant)[:HISTORY_ROWS]), "cycles": BillingCycle.choices,
        "usage": selectors.plan_usage(merchant),
    })


@merchant_required
def plan_change(request: HttpRequest) -> HttpResponse:
    """GET shows what the change costs today; POST (with the amount that was shown) makes it."""
    merchant = request.merchant
    source = request.POST if request.method == "POST" else request.GET
    plan_code, cycle = source.get("plan", ""), source.get("cycle", BillingCycle.MONTHLY)
    try:
        quote = selectors.change_quote(merchant, plan_code, cycle)
    except DomainError as exc:
        messages.error(request, exc.localized())
        return redirect("plans:plan")
    if request.method == "POST":
        try:
            expected = int(request.POST.get("expected_due_fen", ""))
        except ValueError:
            expected = None
        try:
            services.subscription_change(merchant=merchant, plan_code=plan_code, billing_cycle=cycle,
                                         actor=request.user, expected_due_fen=expected)
        except DomainError as exc:
            messages.error(request, exc.localized())
            return render(request, "plans/change.html", {"quote": quote, "wallet": wallet_for(merchant),
                                                         "status": selectors.current_plan(merchant)},
                          status=exc.status)
        messages.success(request, _("You are on %(plan)s now.") % {"plan": quote.plan.name})
        return redirect("plans:plan")
    return render(request, "plans/change.html", {"quote": quote, "wallet": wallet_for(merchant),
                                                 "status": selectors.current_plan(merchant)})


def _act(request: HttpRequest, action, success: str) -> HttpResponse:
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.localized())
    else:
        messages.success(request, success)
    return redirect("plans:plan")


@merchant_required
@require_POST
def trial_start(request: HttpRequest) -> HttpResponse:
    return _act(request, lambda: services.trial_start(merchant=request.merchant, actor=request.user),
                _("Your free trial has started."))


@merchant_required
@require_POST
def auto_renew(request: HttpRequest) -> HttpResponse:
    on = request.POST.get("auto_renew") == "on"
    return _act(request, lambda: services.subscription_set_auto_renew(merchant=request.merchant, auto_renew=on,
                                                                      actor=request.user),
                _("Automatic renewal is on.") if on else _("Automatic renewal is off."))


@merchant_required
@require_POST
def renew_now(request: HttpRequest) -> HttpResponse:
    """In the grace period: try the renewal again now (after a recharge) instead of waiting for tonight."""
    subscription = selectors.subscription_of(request.merchant)
    outcome = services.subscription_renew(subscription_id=subscription.pk, retry=True) if subscription else "not_due"
    if outcome == "renewed":
        messages.success(request, _("Your plan is renewed."))
    elif outcome == "failed":
        messages.error(request, _("The wallet balance is not enough to renew. Please recharge first."))
    else:
        messages.error(request, _("There is nothing to renew."))
    return redirect("plans:plan")


@operator_required(OperatorRole.MARKETING, OperatorRole.PRICING, OperatorRole.ACCOUNT_MANAGER)
def operator_plans(request: HttpRequest) -> HttpResponse:
    plans = selectors.plans_with_counts()
    for plan in plans:
        plan.feature_labels = [label for code, label in Feature.choices if code in plan.features]
    return render(request, "plans/operator_plans.html", {
        "plans": plans, "rules": list(selectors.bonus_rules()), "grant_form": GrantForm(),
        "expiring": selectors.subscriptions_expiring(within_days=7)})


@marketing_required
def operator_plan_edit(request: HttpRequest, code: str) -> HttpResponse:
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise Http404
    form = PlanForm.for_plan(plan, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, actor=request.user, **form.values())
        except DomainError as exc:
            form.add_error(None, exc.localized())
        else:
            messages.success(request, _("Plan %(name)s saved.") % {"name": plan.name})
            return redirect("plans:operator_plans")
    return render(request, "plans/operator_plan_edit.html", {"plan": plan, "form": form},
                  status=400 if form.errors else 200)


@marketing_required
def operator_bonus_rule(request: HttpRequest, public_id: str | None = None) -> HttpResponse:
    rule = None
    if public_id is not None:
        rule = RechargeBonusRule.objects.filter(public_id=public_id).first()
        if rule is None:
            raise Http404
    form = BonusRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.bonus_rule_save(actor=request.user, rule=rule, **form.values())
        except DomainError as exc:
            form.add_error(None, exc.localized())
        else:
            messages.success(request, _("Recharge bonus saved."))
            return redirect("plans:operator_plans")
    return render(request, "plans/operator_bonus_rule.html", {"rule": rule, "form": form},
                  status=400 if form.errors else 200)


@operator_required(OperatorRole.MARKETING, OperatorRole.PRICING, OperatorRole.ACCOUNT_MANAGER)
@require_POST
def operator_grant(request: HttpRequest) -> HttpResponse:
    """Give a merchant months of a plan (goodwill, a won-back account, a renewal call's offer)."""
    form = GrantForm(request.POST)
    merchant = Merchant.objects.filter(public_id=request.POST.get("merchant", "").strip()).first()
    if not form.is_valid() or merchant is None:
        messages.error(request, _("Enter a merchant id (mch_…), a paid plan, 1 to 36 months and a reason."))
        return redirect("plans:operator_plans")
    data = form.cleaned_data
    try:
        invoice = services.subscription_grant(merchant=merchant, plan_code=data["plan"].code, months=data["months"],
                                              reference=new_id("grant"), note=data["note"], actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.localized())
        return redirect("plans:operator_plans")
    if invoice is None:
        messages.error(request, _("%(merchant)s is on another paid plan; change it first.") % {"merchant": merchant.name})
    else:
        messages.success(request, _("%(merchant)s has %(plan)s until %(end)s.") % {
            "merchant": merchant.name, "plan": data["plan"].name, "end": invoice.period_end})
    return redirect("plans:operator_plans")
