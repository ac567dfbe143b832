"""Cancel, mark shipped (called by the shipping app) and reopen: only from the right status, all or nothing."""

from __future__ import annotations

import pytest

from parcelhub.core.errors import DomainError
from parcelhub.core.models import AuditLog
from parcelhub.orders.models import Order
from parcelhub.orders.services import (
    ItemInput,
    RecipientInput,
    order_cancel,
    order_create,
    order_reopen,
    orders_mark_shipped,
)

WANG = RecipientInput(name="王芳", phone="13857100001", address="浙江省杭州市西湖区文三路90号")


@pytest.fixture
def make_order(merchant_a):
    def make(n: int = 1) -> Order:
        return order_create(merchant=merchant_a[0], source="taobao", external_id=f"T{n}", recipient=WANG,
                            items=[ItemInput(quantity=1, name="伞")])

    return make


def test_cancel_a_pending_order(make_order, merchant_a):
    order = make_order()
    assert order_cancel(order=order, actor=merchant_a[1]) is order
    order.refresh_from_db()
    assert (order.status, order.cancelled_at is not None) == ("cancelled", True)
    assert AuditLog.objects.filter(action="order.cancel", target_id=order.public_id, actor=merchant_a[1]).count() == 1


@pytest.mark.parametrize("status", ["cancelled", "shipped"])
def test_cancel_refuses_other_statuses_and_changes_nothing(status, make_order):
    order = make_order()
    Order.objects.filter(pk=order.pk).update(status=status)
    with pytest.raises(DomainError) as caught:
        order_cancel(order=order)
    assert (caught.value.code, caught.value.status) == ("order_not_pending", 409)
    order.refresh_from_db()
    assert (order.status, order.cancelled_at) == (status, None)
    assert not AuditLog.objects.filter(action="order.cancel").exists()


def test_mark_shipped_marks_every_order_and_the_callers_instances(make_order):
    orders = [make_order(1), make_order(2)]
    assert orders_mark_shipped(orders=orders) == 2
    assert [o.status for o in orders] == ["shipped", "shipped"]
    assert list(Order.objects.order_by("id").values_list("status", flat=True)) == ["shipped", "shipped"]
    assert all(o.shipped_at is not None for o in Order.objects.all())
    assert AuditLog.objects.filter(action="order.ship").count() == 2
    assert orders_mark_shipped(orders=[]) == 0


def test_mark_shipped_is_all_or_nothing(make_order):
    pending, cancelled = make_order(1), make_order(2)
    order_cancel(order=cancelled)
    with pytest.raises(DomainError) as caught:
        orders_mark_shipped(orders=[pending, cancelled])
    assert (caught.value.code, caught.value.status, caught.value.details) == (
        "order_not_pending", 409, {"orders": [cancelled.public_id]})
    assert list(Order.objects.order_by("id").values_list("status", flat=True)) == ["pending", "cancelled"]
    # Shipping an order twice (a second label) is refused the same way.
    orders_mark_shipped(orders=[pending])
    with pytest.raises(DomainError):
        orders_mark_shipped(orders=[pending])


def test_reopen_puts_a_shipped_order_back_to_pending(make_order):
    order = make_order()
    orders_mark_shipped(orders=[order])
    order_reopen(order=order)
    order.refresh_from_db()
    assert (order.status, order.shipped_at) == ("pending", None)
    with pytest.raises(DomainError) as caught:
        order_reopen(order=order)
    assert (caught.value.code, caught.value.status) == ("order_not_shipped", 409)
