from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "parcelhub.orders"
    label = "orders"
    verbose_name = "Orders"
