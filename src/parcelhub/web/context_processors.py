"""Navigation for the console layout: what a merchant user or an operator can open."""

from __future__ import annotations

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcelhub.accounts.models import OperatorRole
from parcelhub.web.nav import NavItem

MERCHANT_NAV = (
    NavItem(_("Orders"), "orders:order_list"),
    NavItem(_("Compare prices"), "rating:compare"),
    NavItem(_("Shipments"), "shipping:shipment_list"),
    NavItem(_("Pickups"), "shipping:pickup_list"),
    NavItem(_("Tracking"), "tracking:list"),
    NavItem(_("Exceptions"), "tracking:exceptions"),
    NavItem(_("Wallet"), "billing:wallet"),
    NavItem(_("Notifications"), "notify:settings"),
    NavItem(_("Settings"), "accounts:shipping_settings", also=("/settings/", "/tracking/page/")),
)

OPERATOR_NAV = (
    NavItem(_("Carriers"), "carriers:carrier_list", (OperatorRole.PRICING,)),
    NavItem(_("Rate cards"), "carriers:ratecard_list", (OperatorRole.PRICING,)),
    NavItem(_("Remote regions"), "geo:remote_regions", (OperatorRole.PRICING,)),
    NavItem(_("Lane scores"), "tracking:lane_scores", (OperatorRole.PRICING, OperatorRole.SUPPORT)),
    NavItem(_("Wallets"), "billing:operator_wallets", (OperatorRole.RISK, OperatorRole.SUPPORT)),
    NavItem(_("NPS"), "tracking:operator_nps", (OperatorRole.MARKETING, OperatorRole.SUPPORT)),
)

# The tabs of the merchant's settings pages.
SETTINGS_TABS = (
    NavItem(_("Shipping"), "accounts:shipping_settings"),
    NavItem(_("Tracking page"), "tracking:page_designer"),
    NavItem(_("NPS and clicks"), "tracking:page_results"),
    NavItem(_("API keys"), "accounts:api_keys"),
)


def _contributed(attribute: str) -> tuple[NavItem, ...]:
    """Entries that apps declare on their AppConfig, in INSTALLED_APPS order."""
    return tuple(item for config in apps.get_app_configs() for item in getattr(config, attribute, ()))


def operator_items(user) -> list[NavItem]:
    """The operator console's sections this operator's role may open, in menu order."""
    return [i for i in OPERATOR_NAV + _contributed("operator_nav") if user.has_operator_role(*i.roles)]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "settings_tabs": []}
    items = operator_items(user) if user.is_operator else list(MERCHANT_NAV + _contributed("merchant_nav"))
    urls = [reverse(item.url_name) for item in items]
    # The deepest matching URL is the current section (/operator/carriers/ratecards/ is Rate cards, not Carriers).
    matching = [(len(prefix), index) for index, (item, url) in enumerate(zip(items, urls, strict=True))
                for prefix in (url, *item.also) if request.path.startswith(prefix)]
    current = max(matching)[1] if matching else None
    nav = [{"label": item.label, "url": url, "active": index == current}
           for index, (item, url) in enumerate(zip(items, urls, strict=True))]
    tabs = [{"label": tab.label, "url": reverse(tab.url_name), "active": request.path == reverse(tab.url_name)}
            for tab in SETTINGS_TABS + _contributed("settings_tabs")] if not user.is_operator else []
    return {"nav_items": nav, "settings_tabs": tabs}
