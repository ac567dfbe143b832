from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from parcelhub.web.nav import NavItem


class WorkbenchConfig(AppConfig):
    name = "parcelhub.crm.workbench"
    label = "workbench"
    verbose_name = "Account-manager workbench"
    # Console navigation this app adds (see web.context_processors): tuples of web.nav.NavItem.
    merchant_nav: tuple = ()
    operator_nav: tuple = (
        NavItem(_("Workbench"), "workbench:queue", ("account_manager",), also=("/operator/workbench/",)),
    )
    settings_tabs: tuple = ()
