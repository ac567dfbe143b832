from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "parcelhub.tracking"
    label = "tracking"
    verbose_name = "Tracking"

    def ready(self) -> None:
        # Connects the status_changed receivers (issue detection, ETA refresh) in every process, not only in
        # those that happen to import these modules (the URLconf, the job consumer): a push receiver that has
        # not loaded its URLs yet still schedules both jobs.
        from parcelhub.tracking import eta_data, exceptions  # noqa: F401
