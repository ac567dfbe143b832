from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "parcelhub.shipping"
    label = "shipping"
    verbose_name = "Shipping"
