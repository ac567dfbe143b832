"""Tracking tests reuse the shipping tests' hand-priced world, funded wallet and live-mode keys."""

from tests.shipping.conftest import api_a, api_b, funded, world  # noqa: F401


def ingest_committed(*, events):
    """Ingest as a committed push would: the after-commit jobs (issue detection, ETA refresh) run too."""
    from django.test import TestCase

    from parcelhub.tracking.services import tracking_ingest

    with TestCase.captureOnCommitCallbacks(execute=True):
        return tracking_ingest(events=events)
