"""Navigation for the console layout: what a merchant user or an operator can open."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcelhub.accounts.models import OperatorRole


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...] = ()


MERCHANT_NAV = (
    NavItem(_("Orders"), "orders:order_list"),
    NavItem(_("Compare prices"), "rating:compare"),
    NavItem(_("Shipments"), "shipping:shipment_list"),
    NavItem(_("Pickups"), "shipping:pickup_list"),
    NavItem(_("Wallet"), "billing:wallet"),
    NavItem(_("Settings"), "accounts:shipping_settings"),
    NavItem(_("API keys"), "accounts:api_keys"),
)

OPERATOR_NAV = (
    NavItem(_("Carriers"), "carriers:carrier_list", (OperatorRole.PRICING,)),
    NavItem(_("Rate cards"), "carriers:ratecard_list", (OperatorRole.PRICING,)),
    NavItem(_("Remote regions"), "geo:remote_regions", (OperatorRole.PRICING,)),
    NavItem(_("Wallets"), "billing:operator_wallets", (OperatorRole.RISK, OperatorRole.SUPPORT)),
)


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if user.is_operator:
        items = [i for i in OPERATOR_NAV if user.has_operator_role(*i.roles)]
    else:
        items = list(MERCHANT_NAV)
    urls = [reverse(item.url_name) for item in items]
    # The deepest matching URL is the current section (/operator/carriers/ratecards/ is Rate cards, not Carriers).
    matching = [url for url in urls if request.path.startswith(url)]
    current = max(matching, key=len, default=None)
    return {"nav_items": [{"label": item.label, "url": url, "active": url == current}
                          for item, url in zip(items, urls, strict=True)]}
