"""Periodic jobs: expire points and coupon grants nightly; settle 满减 when a month closes."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from parcelhub.marketing.promotions.points import points_expire
from parcelhub.marketing.promotions.services import coupon_grants_expire
from parcelhub.marketing.promotions.spend_offs import spend_offs_settle_previous_month


@db_periodic_task(crontab(hour="1", minute="7"))
def expire_points_and_grants() -> tuple[int, int]:
    return points_expire(), coupon_grants_expire()


@db_periodic_task(crontab(day="1", hour="2", minute="17"))
def settle_monthly_spend_offs() -> int:
    """On the 1st (platform time): credit last month's 满减; a re-run credits nobody twice."""
    return len(spend_offs_settle_previous_month())
