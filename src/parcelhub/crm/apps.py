from django.apps import AppConfig
from django.utils.translation import pgettext_lazy

from parcelhub.web.nav import NavItem


class CrmConfig(AppConfig):
    name = "parcelhub.crm"
    label = "crm"
    verbose_name = "CRM"
    # Console navigation this app adds (see web.context_processors): tuples of web.nav.NavItem.
    merchant_nav: tuple = ()
    # One top-bar entry; segments, onboarding, upsell and thresholds are tabs on the CRM pages.
    operator_nav: tuple = (
        NavItem(pgettext_lazy("crm", "Merchants"), "crm:merchant_list", ("account_manager", "marketing", "sales", "support"),
                also=("/operator/segments/", "/operator/onboarding/", "/operator/upsell/", "/operator/crm/")),
    )
    settings_tabs: tuple = ()
