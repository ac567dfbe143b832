from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from parcelhub.marketing.campaigns.models import Campaign
from parcelhub.marketing.campaigns.services import campaign_enrol, campaigns_finish_due


@db_periodic_task(crontab(hour="1", minute="10"))
def campaigns_daily() -> None:
    # Finish what has ended first, so a campaign past its last day enrols nobody new.
    campaigns_finish_due()
    for campaign in Campaign.objects.filter(state=Campaign.State.LAUNCHED):
        campaign_enrol(campaign=campaign)
