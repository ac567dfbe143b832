from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from parcelhub.web.nav import NavItem


class PromotionsConfig(AppConfig):
    name = "parcelhub.marketing.promotions"
    label = "promotions"
    verbose_name = "Promotions"
    # Console navigation this app adds (see web.context_processors): tuples of web.nav.NavItem.
    merchant_nav: tuple = (NavItem(_("Promotions"), "promotions:mine"),)
    operator_nav: tuple = (NavItem(_("Promotions"), "promotions:coupons", roles=("marketing",)),)
    settings_tabs: tuple = ()
