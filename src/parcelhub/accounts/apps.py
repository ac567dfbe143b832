from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "parcelhub.accounts"
    label = "accounts"
    verbose_name = "Accounts"
