from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from parcelhub.web.nav import NavItem


class CampaignsConfig(AppConfig):
    name = "parcelhub.marketing.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns"
    # Console navigation this app adds (see web.context_processors): tuples of web.nav.NavItem.
    merchant_nav: tuple = ()
    operator_nav: tuple = (NavItem(_("Campaigns"), "campaigns:list", roles=("marketing",)),)
    settings_tabs: tuple = ()
