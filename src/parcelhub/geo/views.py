"""Console pages: the operators' remote-province switchboard, and the options behind cascading region selects."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parcelhub.accounts.models import OperatorRole
from parcelhub.accounts.permissions import operator_required
from parcelhub.core.errors import DomainError
from parcelhub.geo import selectors, services
from parcelhub.geo.models import Region


@require_http_methods(["GET", "POST"])
@operator_required(OperatorRole.PRICING)
def remote_regions(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        region = get_object_or_404(Region, adcode=request.POST.get("adcode", ""), level=Region.Level.PROVINCE)
        is_remote = request.POST.get("is_remote") == "1"
        services.region_set_remote(region=region, is_remote=is_remote, actor=request.user)
        if request.htmx:
            return render(request, "geo/_remote_row.html", {"region": region})
        if is_remote:
            messages.success(request, _("%(name)s is now a remote destination.") % {"name": region.name})
        else:
            messages.success(request, _("%(name)s is no longer a remote destination.") % {"name": region.name})
        return redirect("geo:remote_regions")
    return render(request, "geo/remote_regions.html", {"regions": selectors.provinces()})


def _parent_code(request: HttpRequest) -> str:
    """Which select asked: an explicit ?parent=, else the select that triggered the htmx request."""
    if "parent" in request.GET:
        return request.GET["parent"]
    trigger = getattr(getattr(request, "htmx", None), "trigger_name", None) or ""
    if trigger in request.GET and trigger.endswith(("province", "city")):
        return request.GET[trigger]
    return request.GET.get("city") or request.GET.get("province") or ""


@require_GET
@login_required
def region_options(request: HttpRequest) -> HttpResponse:
    parent = _parent_code(request).strip()
    options: list[Region] = []
    if parent:
        try:
            options = list(selectors.children(parent))
        except DomainError:
            raise Http404 from None
    return render(request, "geo/_options.html", {"options": options})
