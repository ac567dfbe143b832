from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "parcelhub.web"
    label = "web"
    verbose_name = "Web"
