"""Console pages: the operators' coupons, 满减 rules, packages and flash sales; the merchant's Promotions page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcelhub.accounts.models import Merchant, OperatorRole
from parcelhub.accounts.permissions import merchant_required, operator_required
from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.marketing.promotions import packages, points, selectors, services, spend_offs
from parcelhub.marketing.promotions.forms import (
    CouponForm,
    FlashSaleForm,
    IssueForm,
    PackageForm,
    SpendOffForm,
)

marketing_required = operator_required(OperatorRole.MARKETING)
REDEMPTIONS_SHOWN = 100


def _attempt(request: HttpRequest, action: Callable[[], object], success: str = "") -> bool:
    """Run a service; a DomainError becomes an error message instead of a 500."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.localized())
        return False
    if success:
        messages.success(request, success)
    return True


def _create_page(request: HttpRequest, *, form_class, template: str, create: Callable, context: dict,
                 success: str, redirect_to: str) -> HttpResponse:
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                create(form)
            except DomainError as exc:
                form.add_error(None, exc.localized())
            else:
                messages.success(request, success)
                return redirect(redirect_to)
        status = 422
    return render(request, template, {"form": form, **context}, status=status)


@marketing_required
def coupon_list(request: HttpRequest) -> HttpResponse:
    return _create_page(
        request, form_class=CouponForm, template="promotions/operator_coupons.html",
        create=lambda form: services.coupon_create(**form.service_kwargs(), actor=request.user),
        context={"coupons": selectors.describe_coupons(selectors.coupons_all()[:200])}, success=_("Coupon created."),
        redirect_to="promotions:coupons")


@marketing_required
def coupon_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    coupon = selectors.describe_coupons([selectors.coupon_get(public_id)])[0]
    form = IssueForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and _issue(request, coupon, form):
            return redirect("promotions:coupon", public_id=coupon.public_id)
        status = 422
    used = selectors.coupon_redemptions(coupon=coupon)
    totals = used.aggregate(n=Count("id"), off=Sum("discount_fen"), subsidy=Sum("subsidy_fen"))
    return render(request, "promotions/operator_coupon.html", {
        "coupon": coupon, "form": form, "redemptions": list(used[:REDEMPTIONS_SHOWN]),
        "redeemed": totals["n"], "discount_total": totals["off"] or 0, "subsidy_total": totals["subsidy"] or 0,
        "granted": coupon.grants.count()}, status=status)


def _issue(request: HttpRequest, coupon, form: IssueForm) -> bool:
    segment = form.cleaned_data.get("segment")
    ids = form.merchant_ids()
    found = list(Merchant.objects.filter(public_id__in=ids)) if ids else []
    if len(found) != len(set(ids)):
        missing = sorted(set(ids) - {m.public_id for m in found})
        form.add_error("merchants", _("Unknown merchants: %(ids)s") % {"ids": ", ".join(missing)})
        return False
    result: list = []

    def issue() -> None:
        if segment is not None:
            result.extend(services.coupon_grant_segment(coupon=coupon, segment=segment, actor=request.user))
        if found:
            result.extend(services.coupon_grant(coupon=coupon, merchants=found, source="operator", actor=request.user))

    if not _attempt(request, issue):
        return False
    messages.success(request, _("%(count)d merchants received the coupon.") % {"count": len(result)})
    return True


@marketing_required
@require_POST
def coupon_deactivate(request: HttpRequest, public_id: str) -> HttpResponse:
    coupon = selectors.coupon_get(public_id)
    services.coupon_deactivate(coupon=coupon, actor=request.user)
    messages.success(request, _("Coupon stopped."))
    return redirect("promotions:coupon", public_id=coupon.public_id)


@marketing_required
def spend_off_list(request: HttpRequest) -> HttpResponse:
    def create(form):
        data = form.cleaned_data
        return spend_offs.spend_off_rule_create(
            name=data["name"], kind=data["kind"], threshold_fen=data["threshold"], off_fen=data["off"],
            valid_from=data["valid_from"], valid_until=data["valid_until"], actor=request.user)

    return _create_page(request, form_class=SpendOffForm, template="promotions/operator_spend_offs.html",
                        create=create, success=_("Rule created."), redirect_to="promotions:spend_offs",
                        context={"rules": list(selectors.spend_off_rules()),
                                 "credits": selectors.spend_off_credits_recent()})


@marketing_required
def package_list(request: HttpRequest) -> HttpResponse:
    from parcelhub.marketing.promotions.models import Package

    return _create_page(
        request, form_class=PackageForm, template="promotions/operator_packages.html",
        create=lambda form: packages.package_create(**form.service_kwargs(), actor=request.user),
        context={"packages": selectors.describe_packages(Package.objects.order_by("-created_at")[:100])},
        success=_("Package created."),
        redirect_to="promotions:packages")


@marketing_required
def flash_sale_list(request: HttpRequest) -> HttpResponse:
    from parcelhub.marketing.promotions.models import FlashSale

    def create(form):
        data = form.cleaned_data
        item = data["item"].strip()
        package = selectors.package_get(item) if item.startswith("pkg_") else None
        coupon = selectors.coupon_get(item) if package is None else None
        return packages.flash_sale_create(name=data["name"], package=package, coupon=coupon,
                                          price_fen=data["price"], quantity=data["quantity"],
                                          starts_at=data["starts_at"], ends_at=data["ends_at"], actor=request.user)

    sales = list(FlashSale.objects.select_related("package", "coupon").order_by("-starts_at")[:100])
    return _create_page(request, form_class=FlashSaleForm, template="promotions/operator_flash_sales.html",
                        create=create, success=_("Flash sale created."), redirect_to="promotions:flash_sales",
                        context={"sales": sales})


@merchant_required
def merchant_page(request: HttpRequest) -> HttpResponse:
    merchant = request.merchant
    balances = list(selectors.merchant_balances(merchant))
    on_sale = selectors.describe_packages(selectors.packages_on_sale())
    selectors.describe_packages([b.package for b in balances])
    grants = list(selectors.merchant_grants(merchant)[:100])
    selectors.describe_coupons([g.coupon for g in grants])
    return render(request, "promotions/merchant.html", {
        "grants": grants, "now": clock.now(),
        "unused_count": sum(1 for g in grants if g.state == "unused"),
        "labels_left": sum(b.labels_left for b in balances if b.state == "active"),
        "on_sale": on_sale,
        "balances": [(b, packages.refund_quote(b)[0]) for b in balances],
        "sales": list(selectors.flash_sales_visible()), "grabbed": selectors.merchant_grabs(merchant),
        "points": points.points_balance(merchant), "expiring": selectors.points_expiring(merchant),
        "shop": list(selectors.points_shop()), "spend_off": selectors.spend_off_progress(merchant), "history": list(selectors.points_history(merchant)[:20]),
    })


@merchant_required
@require_POST
def claim(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("code", "")
    _attempt(request, lambda: services.coupon_claim(merchant=request.merchant, code=code, actor=request.user),
             _("Coupon claimed."))
    return redirect("promotions:mine")


@merchant_required
@require_POST
def package_buy(request: HttpRequest, public_id: str) -> HttpResponse:
    package = selectors.package_get(public_id, on_sale=True)
    _attempt(request, lambda: packages.package_buy(merchant=request.merchant, package=package, actor=request.user),
             _("Package bought: %(name)s.") % {"name": package.name})
    return redirect("promotions:mine")


@merchant_required
@require_POST
def balance_refund(request: HttpRequest, public_id: str) -> HttpResponse:
    balance = selectors.merchant_balance(request.merchant, public_id)
    _attempt(request, lambda: packages.package_refund(balance=balance, actor=request.user),
             _("The unused labels were refunded to your wallet."))
    return redirect("promotions:mine")


@merchant_required
@require_POST
def grab(request: HttpRequest, public_id: str) -> HttpResponse:
    sale = selectors.flash_sale_get(public_id)
    _attempt(request, lambda: packages.flash_sale_grab(merchant=request.merchant, sale=sale, actor=request.user),
             _("Got it: %(name)s.") % {"name": sale.name})
    return redirect("promotions:mine")


@merchant_required
@require_POST
def redeem(request: HttpRequest, public_id: str) -> HttpResponse:
    coupon = selectors.points_shop().filter(public_id=public_id).first()
    if coupon is None:
        messages.error(request, _("This coupon is not in the points shop."))
        return redirect("promotions:mine")
    _attempt(request, lambda: points.points_redeem(merchant=request.merchant, coupon=coupon, actor=request.user),
             _("Points redeemed for %(name)s.") % {"name": coupon.name})
    return redirect("promotions:mine")
