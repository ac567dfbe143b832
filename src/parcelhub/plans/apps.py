from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from parcelhub.web.nav import NavItem


class PlansConfig(AppConfig):
    name = "parcelhub.plans"
    label = "plans"
    verbose_name = "Plans"
    # Console navigation this app adds (see web.context_processors): tuples of web.nav.NavItem.
    merchant_nav: tuple = ()
    operator_nav: tuple = (NavItem(_("Plans"), "plans:operator_plans", roles=("marketing", "pricing", "account_manager")),)
    settings_tabs: tuple = (NavItem(_("Plan"), "plans:plan"),)
