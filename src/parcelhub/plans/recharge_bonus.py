"""充值赠送: on a confirmed recharge, the best matching bonus rule gives bonus credit or plan months, once.

Called by `billing.services.recharge_confirm` inside its transaction, holding the wallet lock, so the bonus
commits or rolls back with the recharge itself and a repeated notification earns nothing more.
"""

from __future__ import annotations

from parcelhub.billing import bonus
from parcelhub.billing.models import Recharge, Wallet
from parcelhub.core import clock
from parcelhub.core.audit import audit
from parcelhub.core.money import format_fen
from parcelhub.plans import selectors, services
from parcelhub.plans.models import BonusKind, RechargeBonusGrant


def recharge_bonus_apply(*, recharge: Recharge, wallet: Wallet) -> RechargeBonusGrant | None:
    existing = RechargeBonusGrant.objects.filter(recharge=recharge).first()
    if existing is not None:
        return existing
    rule = selectors.best_bonus_rule(recharge.amount_fen, clock.now())
    if rule is None:
        return None
    merchant = recharge.merchant
    grant = RechargeBonusGrant(recharge=recharge, rule=rule, merchant=merchant, created_at=clock.now())
    credit = rule.bonus_fen if rule.kind == BonusKind.CREDIT else 0
    if rule.kind == BonusKind.PLAN:
        invoice = services.subscription_grant(merchant=merchant, plan_code=rule.plan.code, months=rule.months,
                                              reference=f"{recharge.public_id}:bonus",
                                              note=f"{rule.name} ({recharge.public_id})")
        if invoice is not None:
            grant.plan, grant.months = rule.plan, rule.months
        else:
            # On another paid plan the months cannot apply; their list price comes as bonus credit instead.
            credit = rule.months * rule.plan.price_monthly_fen
    if credit:
        grant.transaction = bonus.bonus_grant(
            wallet=wallet, amount_fen=credit, reference=recharge.public_id,
            memo=f"{rule.name}: {format_fen(credit)} ({recharge.public_id})")
        grant.bonus_fen = credit
    grant.save()
    audit(action="recharge.bonus", merchant=merchant, target=recharge,
          data={"rule": rule.public_id, "bonus_fen": grant.bonus_fen,
                "plan": grant.plan.code if grant.plan else "", "months": grant.months})
    return grant
