from django.apps import AppConfig


class CarriersConfig(AppConfig):
    name = "parcelhub.carriers"
    label = "carriers"
    verbose_name = "Carriers"
