from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parcelhub.core"
    label = "core"
    verbose_name = "Core"
