from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "parcelhub.billing"
    label = "billing"
    verbose_name = "Billing"
