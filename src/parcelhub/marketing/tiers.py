"""Membership tiers (阶梯折扣), the pure rules: which tier a volume earns, upgrades, the monthly review, grace,
holiday months and the downgrade-risk notice. No Django; `marketing.services` feeds it numbers from the
database and writes what it decides.

Volumes are shipments per calendar month. A merchant's **average** is the total of the last `window` complete,
non-holiday months before a given month, divided by the number of those months the merchant existed in (so a
two-month-old merchant is not averaged over three). Holiday months (e.g. the Chinese New Year month) are
skipped and the window reaches one month further back instead.

* **Upgrade** as soon as a threshold is crossed: the tier earned by max(average, this month so far).
* **Review** on the first day of each month: a merchant whose average earns a lower tier drops exactly one
  tier; never below the grace tier while its grace period lasts; a tier reached by an upgrade since the
  previous review is kept until the next one.
* **Risk notice**: on the first day that is at most 30 days before a review, a merchant whose review would
  downgrade it if the next month ships at the pace of the last 30 days is told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Month = tuple[int, int]  # (year, month)

NOTICE_DAYS = 30
MAX_LOOKBACK_MONTHS = 24  # a holiday list can never make the window reach back further than this


@dataclass(frozen=True)
class TierRule:
    code: str
    rank: int                   # 0 = the entry tier; higher ranks are better
    min_monthly_shipments: int  # average monthly shipments that earn this tier
    discount_bp: int            # off the list price, in basis points (100 = 1 %)


def month_of(day: dt.date) -> Month:
    return (day.year, day.month)


def previous_month(month: Month) -> Month:
    year, number = month
    return (year - 1, 12) if number == 1 else (year, number - 1)


def next_month(month: Month) -> Month:
    year, number = month
    return (year + 1, 1) if number == 12 else (year, number + 1)


def first_day(month: Month) -> dt.date:
    return dt.date(month[0], month[1], 1)


def next_review(today: dt.date) -> dt.date:
    """Reviews run on the first day of each month; the next one strictly after `today`."""
    return first_day(next_month(month_of(today)))


def window_months(before: Month, *, size: int, holidays: Iterable[Month] = ()) -> list[Month]:
    """The `size` complete non-holiday months before `before`, newest first."""
    skip = set(holidays)
    months: list[Month] = []
    month = before
    for _ in range(MAX_LOOKBACK_MONTHS):
        month = previous_month(month)
        if month in skip:
            continue
        months.append(month)
        if len(months) == size:
            break
    return months


def average_monthly(volumes: Mapping[Month, int], months: list[Month], *, joined: Month | None = None) -> int:
    """Whole shipments per month over `months`, counting only months from the one the merchant joined in."""
    counted = [m for m in months if joined is None or m >= joined]
    if not counted:
        return 0
    return sum(volumes.get(m, 0) for m in counted) // len(counted)


def sorted_tiers(tiers: Iterable[TierRule]) -> list[TierRule]:
    return sorted(tiers, key=lambda t: t.rank)


def earned_tier(tiers: Iterable[TierRule], volume: int) -> TierRule:
    """The best tier whose threshold `volume` reaches; the entry tier when none does."""
    ordered = sorted_tiers(tiers)
    best = ordered[0]
    for tier in ordered:
        if volume >= tier.min_monthly_shipments:
            best = tier
    return best


def upgrade_to(tiers: Iterable[TierRule], current: TierRule, *, average: int, month_to_date: int) -> TierRule | None:
    """The tier to move up to now, or None when the merchant earns nothing better than it has."""
    earned = earned_tier(tiers, max(average, month_to_date))
    return earned if earned.rank > current.rank else None


def review_to(tiers: Iterable[TierRule], current: TierRule, *, average: int,
              floor: TierRule | None = None) -> TierRule:
    """The monthly review: at most one tier down, never below `floor` (the grace tier while grace lasts).
    A review never upgrades; upgrades happen as soon as they are earned (`upgrade_to`)."""
    ordered = sorted_tiers(tiers)
    earned = earned_tier(ordered, average)
    if earned.rank >= current.rank:
        return current
    below = [t for t in ordered if t.rank < current.rank]
    step = below[-1] if below else current
    if floor is not None and step.rank < floor.rank <= current.rank:
        return floor
    return step


def protected_from_review(since: dt.date, review: dt.date) -> bool:
    """An upgrade is kept at least until the review after the next one: a single strong month earns a tier
    through the month-to-date rule, and the first review's three-month average would take it away at once."""
    return since >= first_day(previous_month(month_of(review)))


def in_grace(joined: dt.date, today: dt.date, *, weeks: int) -> bool:
    return today < joined + dt.timedelta(weeks=weeks)


def risk_notice_due(today: dt.date, *, days: int = NOTICE_DAYS) -> dt.date | None:
    """The review date a risk notice sent today would be about, when today is within `days` of it."""
    review = next_review(today)
    return review if (review - today).days <= days else None


def projected_review_average(volumes: Mapping[Month, int], *, review: dt.date, size: int,
                             holidays: Iterable[Month] = (), pace_last_30_days: int,
                             joined: Month | None = None) -> int:
    """The average the review on `review` would see if the month before it ships at the last 30 days' pace.
    Months before that one count as they were shipped."""
    months = window_months(month_of(review), size=size, holidays=holidays)
    projected = dict(volumes)
    last = previous_month(month_of(review))
    if last in months:
        projected[last] = pace_last_30_days
    return average_monthly(projected, months, joined=joined)


def next_tier(tiers: Iterable[TierRule], current: TierRule) -> TierRule | None:
    return next((t for t in sorted_tiers(tiers) if t.rank > current.rank), None)


def shipments_needed(tiers: Iterable[TierRule], current: TierRule, *, average: int) -> int | None:
    """Extra shipments per month, on top of the current average, that earn the next tier (None at the top)."""
    upcoming = next_tier(tiers, current)
    if upcoming is None:
        return None
    return max(0, upcoming.min_monthly_shipments - average)


def discount_for(default_bp: int, overrides: Mapping[tuple[str, str], int], *, carrier: str, service: str) -> int:
    """A tier's discount on one service: a service override beats a carrier override beats the default.
    `overrides` maps (carrier, service) to basis points, service "" meaning every service of the carrier."""
    if (carrier, service) in overrides:
        return overrides[(carrier, service)]
    if (carrier, "") in overrides:
        return overrides[(carrier, "")]
    return default_bp
