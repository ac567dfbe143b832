"""满减: monthly credits at month close and bulk-purchase credits, each once."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from parcelhub.billing import ledger
from parcelhub.billing.models import LedgerTransaction
from parcelhub.billing.services import wallet_charge, wallet_refund
from parcelhub.core import clock
from parcelhub.core.errors import DomainError
from parcelhub.marketing.promotions.models import SpendOffCredit, SpendOffRule
from parcelhub.marketing.promotions.spend_offs import (
    month_spend_fen,
    spend_off_rule_create,
    spend_offs_settle_bulk,
    spend_offs_settle_month,
)
from tests.shipping.conftest import balance, fund

OCTOBER = dt.date(2026, 10, 1)


def at(day: int, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 10, day, hour))


def rule(kind: str, threshold: int, off: int) -> SpendOffRule:
    return spend_off_rule_create(name=f"满{threshold // 100}减{off // 100}", kind=kind, threshold_fen=threshold,
                                 off_fen=off, valid_from=at(1, 0), valid_until=at(1, 0) + dt.timedelta(days=60))


def charge(merchant, reference: str, amount: int, when: dt.datetime) -> None:
    wallet_charge(merchant=merchant, amount_fen=amount, cost_fen=0, carrier_code="zto", reference=reference)
    # Backdate into October: the ledger is append-only, so set the time on the freshly written row by SQL.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {LedgerTransaction._meta.db_table} SET created_at = %s WHERE reference = %s",
                       [connection.ops.adapt_datetimefield_value(when), reference])


def test_month_close_credits_the_best_rule_once(merchant_a, merchant_b):
    a, b = merchant_a[0], merchant_b[0]
    fund(a, 50_000)
    fund(b, 50_000)
    rule("period", 10_000, 500)
    rule("period", 30_000, 2000)
    charge(a, "shp_a1", 20_000, at(3))
    charge(a, "shp_a2", 15_000, at(31, 23))
    charge(a, "shp_a3", 9_000, at(2) + dt.timedelta(days=30))    # 1 November: not October
    charge(b, "shp_b1", 12_000, at(5))
    charge(b, "shp_b2", 4_000, at(6))
    wallet_refund(reference="shp_b2", reason="void")               # refunded now, i.e. not in October
    assert month_spend_fen(a, OCTOBER) == 35_000

    credits = spend_offs_settle_month(month=OCTOBER)

    assert sorted((c.merchant_id, c.spend_fen, c.off_fen) for c in credits) == sorted(
        [(a.pk, 35_000, 2000), (b.pk, 16_000, 500)])
    assert balance(a) == 50_000 - 44_000 + 2000
    txn = SpendOffCredit.objects.get(merchant=a).transaction
    assert txn.kind == "adjustment" and txn.lines[0]["code"] == "spend_off" and txn.lines[0]["amount_fen"] == 2000
    assert spend_offs_settle_month(month=OCTOBER) == []
    assert SpendOffCredit.objects.count() == 2 and balance(a) == 8000


def test_an_open_month_is_not_settled(db):
    with pytest.raises(DomainError) as info:
        spend_offs_settle_month(month=dt.date.today().replace(day=1))
    assert info.value.code == "month_not_closed"


def test_bulk_credit_once(merchant_a):
    a = merchant_a[0]
    fund(a, 1)
    rule("bulk", 5_000, 300)
    bulk = SimpleNamespace(public_id="blk_1", merchant=a, charged_fen=5_000, created_at=at(10))
    small = SimpleNamespace(public_id="blk_2", merchant=a, charged_fen=4_999, created_at=at(10))

    credit = spend_offs_settle_bulk(bulk=bulk)
    again = spend_offs_settle_bulk(bulk=bulk)

    assert credit.off_fen == 300 and again.pk == credit.pk
    assert spend_offs_settle_bulk(bulk=small) is None
    assert balance(a) == 301
    assert ledger.adjustment_account().entries.filter(amount_fen=-300).count() == 1


@pytest.mark.parametrize("threshold, off", [(500, 500), (500, 0), (500, 600)])
def test_bad_rules_are_refused(db, threshold, off):
    with pytest.raises(DomainError):
        rule("period", threshold, off)
    assert SpendOffRule.objects.count() == 0


def test_the_periodic_job_settles_the_previous_month(merchant_a):
    from parcelhub.marketing.promotions.spend_offs import spend_offs_settle_previous_month
    from parcelhub.marketing.promotions.tasks import settle_monthly_spend_offs

    fund(merchant_a[0], 20_000)
    rule("period", 10_000, 500)
    charge(merchant_a[0], "shp_1", 12_000, at(20))

    credits = spend_offs_settle_previous_month(today=dt.date(2026, 11, 1))

    assert [(c.period, c.off_fen) for c in credits] == [(OCTOBER, 500)]
    # The job settles the month before today's; October is already credited, so a run credits nobody twice.
    if clock.today().replace(day=1) == dt.date(2026, 11, 1):
        assert settle_monthly_spend_offs.call_local() == 0
        assert SpendOffCredit.objects.count() == 1
