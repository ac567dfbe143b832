"""What to do for each kind of task: a call script, the outcomes that usually follow, and which offers fit."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcelhub.crm.workbench.models import Outcome, TaskKind


@dataclass(frozen=True)
class Playbook:
    goal: Promise | str
    script: tuple[Promise | str, ...]
    outcomes: tuple[str, ...]
    offer_coupon: bool = False
    schedule_review: bool = False


_COMMON_END = (Outcome.CALLED, Outcome.NO_ANSWER, Outcome.NOTE)

PLAYBOOKS: dict[str, Playbook] = {
    TaskKind.CHURN: Playbook(
        goal=_("Find out why shipping dropped and win the volume back."),
        script=(
            _("Introduce yourself as their account manager and mention their volume over the last weeks."),
            _("Ask what changed: a season, a lost shop, a price from another carrier, a service problem?"),
            _("If price: offer the retention coupon below; if service: open the business review and show lanes."),
            _("Agree a next step and a follow-up date before you hang up."),
        ),
        outcomes=(Outcome.OFFER_MADE, Outcome.OFFER_ACCEPTED, Outcome.OFFER_DECLINED, Outcome.RECOVERED,
                  Outcome.LOST, *_COMMON_END),
        offer_coupon=True, schedule_review=True),
    TaskKind.RENEWAL: Playbook(
        goal=_("Renew the plan before the period ends."),
        script=(
            _("Remind them which features they use (tracking page, reports, imports) and when the period ends."),
            _("Ask whether the plan still fits; suggest annual billing if they renew monthly."),
            _("If they hesitate, a coupon on shipping can tip the decision."),
        ),
        outcomes=(Outcome.RENEWED, Outcome.OFFER_MADE, Outcome.LOST, *_COMMON_END), offer_coupon=True),
    TaskKind.ONBOARDING_STALLED: Playbook(
        goal=_("Get the merchant to its next onboarding milestone."),
        script=(
            _("Ask where they got stuck: quoting, printing labels, booking a pickup, connecting their shop or API."),
            _("Walk them through the step on the phone; send the guide link afterwards."),
        ),
        outcomes=(Outcome.RECOVERED, Outcome.LOST, *_COMMON_END), offer_coupon=True),
    TaskKind.BUSINESS_REVIEW: Playbook(
        goal=_("Walk the merchant through their quarter and agree savings."),
        script=(
            _("Open the business review report and send the PDF ahead of the meeting."),
            _("Go through volume, costs by carrier and lane, late lanes and exceptions."),
            _("Present the savings suggestions with the amounts; agree which to try."),
        ),
        outcomes=(Outcome.REVIEW_SCHEDULED, *_COMMON_END), schedule_review=True),
    TaskKind.DOWNGRADE_RISK: Playbook(
        goal=_("Keep the merchant on its tier, or prepare them for the change."),
        script=(
            _("Explain the tier review date and how many parcels a month keep the current discount."),
            _("Ask about upcoming promotions or seasons that would lift volume; a coupon can bring volume forward."),
        ),
        outcomes=(Outcome.OFFER_MADE, Outcome.OFFER_ACCEPTED, Outcome.RECOVERED, Outcome.LOST, *_COMMON_END),
        offer_coupon=True),
    TaskKind.OTHER: Playbook(goal=_("Follow up with the merchant."), script=(),
                             outcomes=(*_COMMON_END, Outcome.OFFER_MADE), offer_coupon=True, schedule_review=True),
}


def playbook(kind: str) -> Playbook:
    return PLAYBOOKS.get(kind, PLAYBOOKS[TaskKind.OTHER])
