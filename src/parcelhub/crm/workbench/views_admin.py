"""Account managers and assignments; the lifetime-value overview."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcelhub.accounts.models import Merchant, OperatorRole, User
from parcelhub.accounts.permissions import operator_required
from parcelhub.core.errors import DomainError
from parcelhub.crm.workbench import selectors
from parcelhub.crm.workbench.assignments import (
    assignment_release,
    assignment_set,
    assignments_apply,
    manager_profile_update,
    manager_profiles,
)
from parcelhub.crm.workbench.forms import ManagerProfileForm
from parcelhub.crm.workbench.models import Assignment, ClvRun, MerchantValue

AM = OperatorRole.ACCOUNT_MANAGER


def _admin_only(request: HttpRequest) -> None:
    if request.user.operator_role != OperatorRole.ADMIN:
        raise PermissionDenied("administrators only")


@operator_required(AM)
def assignments(request: HttpRequest) -> HttpResponse:
    profiles = manager_profiles()
    loads = selectors.manager_loads()
    rows = list(Assignment.objects.select_related("merchant", "manager").order_by("manager__email", "merchant__name"))
    return render(request, "workbench/assignments.html", {
        "managers": [(p, loads.get(p.user_id, 0), ManagerProfileForm(prefix=f"m{p.user_id}", initial={
            "capacity": p.capacity, "provinces": ", ".join(p.provinces), "industries": p.industries,
            "accepts_new": p.accepts_new})) for p in profiles],
        "assignments": rows, "is_admin": request.user.operator_role == OperatorRole.ADMIN,
        "all_managers": [p.user for p in profiles],
    })


@require_POST
@operator_required(AM)
def assignments_run(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    report = assignments_apply(actor=request.user)
    messages.success(request, _("Rules applied: %(key)d key accounts, %(new)d assigned, %(released)d released, "
                                "%(waiting)d without a manager with room.") % {
        "key": report.key_accounts, "new": report.assigned, "released": report.released,
        "waiting": report.unassigned})
    return redirect("workbench:assignments")


@require_POST
@operator_required(AM)
def manager_update(request: HttpRequest, user_id: int) -> HttpResponse:
    _admin_only(request)
    manager = User.objects.filter(pk=user_id, operator_role=AM).first()
    if manager is None:
        raise Http404("manager not found")
    form = ManagerProfileForm(request.POST, prefix=f"m{manager.pk}")
    if form.is_valid():
        manager_profile_update(manager=manager, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Saved %(who)s.") % {"who": manager.name or manager.email})
    else:
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("workbench:assignments")


@require_POST
@operator_required(AM)
def assignment_override(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    merchant = Merchant.objects.filter(public_id=request.POST.get("merchant", "")).first()
    if merchant is None:
        raise Http404("merchant not found")
    try:
        if request.POST.get("manager") == "":
            assignment_release(merchant=merchant, actor=request.user)
            messages.success(request, _("%(merchant)s goes back to the rules.") % {"merchant": merchant.name})
        else:
            manager = User.objects.filter(pk=request.POST.get("manager") or 0).first()
            if manager is None:
                raise Http404("manager not found")
            assignment_set(merchant=merchant, manager=manager, actor=request.user,
                           reason=request.POST.get("reason", ""))
            messages.success(request, _("%(merchant)s is now with %(who)s.") % {
                "merchant": merchant.name, "who": manager.name or manager.email})
    except DomainError as error:
        messages.error(request, error.localized())
    return redirect("workbench:assignments")


@operator_required(AM, OperatorRole.MARKETING)
def values(request: HttpRequest) -> HttpResponse:
    top = list(MerchantValue.objects.select_related("merchant").order_by("-clv_fen")[:50])
    return render(request, "workbench/values.html", {
        "run": ClvRun.objects.first(), "top": top,
        "total_fen": MerchantValue.objects.aggregate(total=Sum("clv_fen"))["total"] or 0,
        "count": MerchantValue.objects.count(),
    })
