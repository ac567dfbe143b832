from django.apps import AppConfig


class RatingConfig(AppConfig):
    name = "parcelhub.rating"
    label = "rating"
    verbose_name = "Rating"
