"""The demo merchants' wallets: topped up through the real recharge services, a few times over recent months,
so statements have history. Running it again changes nothing (each demo payment has a fixed provider id)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from parcelhub.accounts.models import Merchant
from parcelhub.billing.models import Recharge
from parcelhub.billing.selectors import wallet_for
from parcelhub.billing.services import recharge_confirm, recharge_create
from parcelhub.simulation.timeline import clock_at

# What each demo merchant (in DEMO_MERCHANTS order) has recharged in all: ¥5,000, ¥20,000, ¥1,000.
TOTALS_FEN = (500_000, 2_000_000, 100_000)
OTHER_TOTAL_FEN = 100_000
# The total arrives in three payments: (days before today, share in percent).
SCHEDULE = ((80, 50), (45, 30), (12, 20))


def _payments(total_fen: int) -> list[tuple[int, int]]:
    amounts = [total_fen * share // 100 for _, share in SCHEDULE]
    amounts[-1] += total_fen - sum(amounts)
    return [(days, amount) for (days, _), amount in zip(SCHEDULE, amounts, strict=True)]


def build_wallets(*, merchants: Sequence[Merchant], today: dt.date) -> dict:
    zone = timezone.get_default_timezone()
    created = 0
    for index, merchant in enumerate(merchants):
        total = TOTALS_FEN[index] if index < len(TOTALS_FEN) else OTHER_TOTAL_FEN
        for number, (days_ago, amount) in enumerate(_payments(total), start=1):
            provider_txn_id = f"sbx_demo_{merchant.public_id}_{number}"
            if Recharge.objects.filter(provider_txn_id=provider_txn_id).exists():
                continue
            moment = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(10, 0), tzinfo=zone)
            with clock_at(moment), transaction.atomic():
                recharge = recharge_create(merchant=merchant, amount_fen=amount, actor=None)
                recharge_confirm(provider_txn_id=provider_txn_id, recharge_public_id=recharge.public_id,
                                 amount_fen=amount)
            created += 1
    return {"wallets": len(merchants), "recharges": created,
            "balances_fen": {m.public_id: wallet_for(m).balance_fen for m in merchants}}
