from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "parcelhub.geo"
    label = "geo"
    verbose_name = "Geography"
