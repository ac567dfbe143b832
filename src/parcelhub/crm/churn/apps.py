from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from parcelhub.web.nav import NavItem


class ChurnConfig(AppConfig):
    name = "parcelhub.crm.churn"
    label = "churn"
    verbose_name = "Churn early warning"
    # Console navigation this app adds (see web.context_processors): tuples of web.nav.NavItem.
    merchant_nav: tuple = ()
    operator_nav: tuple = (
        NavItem(_("Churn"), "churn:board", ("account_manager", "marketing"), also=("/operator/churn/",)),
    )
    settings_tabs: tuple = ()
