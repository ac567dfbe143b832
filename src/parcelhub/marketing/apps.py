from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from parcelhub.web.nav import NavItem


class MarketingConfig(AppConfig):
    name = "parcelhub.marketing"
    label = "marketing"
    verbose_name = "Marketing"
    # Console navigation this app adds (see web.context_processors): tuples of web.nav.NavItem.
    merchant_nav: tuple = (NavItem(_("Membership"), "marketing:tier"),)
    # One entry: the margin report is a tab of the tier programme pages.
    operator_nav: tuple = (
        NavItem(_("Tiers"), "marketing:operator_tiers", ("pricing", "marketing"), also=("/operator/marketing/tiers/", "/operator/marketing/margin/")),
    )
    settings_tabs: tuple = ()
