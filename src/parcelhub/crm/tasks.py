from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from parcelhub.crm.onboarding import onboarding_stalled_scan
from parcelhub.crm.services import profiles_refresh, segment_sizes_snapshot


# After the merchant-day rollup (00:20), the tier review (00:40) and the churn scan (01:10), so profiles see
# yesterday's shipping, the new tier and fresh risk; segment sizes are counted on the fresh profiles.
@db_periodic_task(crontab(hour="1", minute="25"))
def refresh_profiles_and_segment_sizes() -> None:
    profiles_refresh()
    segment_sizes_snapshot()


# After the workbench assigns account managers (02:10), so stalled-onboarding tasks land with the right person.
@db_periodic_task(crontab(hour="2", minute="20"))
def open_stalled_onboarding_tasks() -> None:
    onboarding_stalled_scan()
