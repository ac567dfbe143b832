from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "parcelhub.tracking"
    label = "tracking"
    verbose_name = "Tracking"
