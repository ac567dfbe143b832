from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "parcelhub.insights"
    label = "insights"
    verbose_name = "Insights"
    # Console navigation this app adds (see web.context_processors): tuples of web.nav.NavItem.
    merchant_nav: tuple = ()
    operator_nav: tuple = ()
    settings_tabs: tuple = ()
