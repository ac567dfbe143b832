from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "parcelhub.notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Connects the outbox writer to tracking.status_changed (see receivers.py).
        from parcelhub.notify import receivers  # noqa: F401
