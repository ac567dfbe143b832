from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from parcelhub.web.context_processors import operator_items


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each kind of user to the page they most often start from."""
    if request.user.is_operator:
        return redirect(_operator_start(request.user))
    return redirect("orders:order_list")


# Where each operator role starts its day; a role without an entry starts at the first section it may open.
OPERATOR_START = {"admin": "carriers:carrier_list", "pricing": "carriers:carrier_list",
                  "marketing": "campaigns:list", "account_manager": "workbench:queue", "sales": "crm:merchant_list",
                  "support": "crm:merchant_list", "risk": "billing:operator_wallets"}


def _operator_start(user) -> str:
    sections = [item.url_name for item in operator_items(user)]
    preferred = OPERATOR_START.get(user.operator_role)
    if preferred in sections:
        return preferred
    return sections[0] if sections else "admin:index"


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
