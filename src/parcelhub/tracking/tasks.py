"""Huey discovers each app's `tasks` module; tracking's periodic jobs live in the modules named below."""
from parcelhub.tracking import eta_data, exceptions  # noqa: F401  (ETA receiver and refresh; issue detection)
from parcelhub.tracking.polling import poll_due_trackings  # noqa: F401
from parcelhub.tracking.subscriptions import subscribe_tracking  # noqa: F401
