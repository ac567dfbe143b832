from __future__ import annotations

import pytest

from parcelhub.core.errors import DomainError
from parcelhub.core.models import AuditLog
from parcelhub.orders.models import Order
from parcelhub.orders.services import ItemInput, RecipientInput, order_create
from tests.orders.conftest import order_values

WANG = RecipientInput(name="王芳", phone="138 5710 0001", address="浙江省杭州市西湖区文三路90号东部软件园1号楼")


def test_sku_defaults_fill_name_price_weight_and_size(merchant_a, skus_a):
    order = order_create(merchant=merchant_a[0], source="taobao", external_id="3389012345678901234", recipient=WANG,
                         items=[ItemInput(quantity=2, sku_code="GZ-TEE-WHT-M"),
                                ItemInput(quantity=1, sku_code="GZ-JEANS-29", name="牛仔裤 29", unit_price_fen=9900)],
                         actor=merchant_a[1])
    assert order.public_id.startswith("ord_")
    assert order_values(Order.objects.get(pk=order.pk)) == (
        "taobao", "3389012345678901234", "pending", "王芳", "13857100001", "330106", "330000", "330100", "330106",
        "文三路90号东部软件园1号楼", 2 * 5900 + 9900, 2 * 220 + 650, False, 35, 28, 2 * 3 + 5,
        [("GZ-TEE-WHT-M", "GZ-TEE-WHT-M", "纯棉圆领T恤 白色 M", 2, 5900),
         ("GZ-JEANS-29", "GZ-JEANS-29", "牛仔裤 29", 1, 9900)])
    log = AuditLog.objects.get(action="order.create")
    assert (log.actor, log.merchant, log.target_id, log.data) == (
        merchant_a[1], merchant_a[0], order.public_id,
        {"source": "taobao", "external_id": "3389012345678901234", "items": 2})


def test_given_values_win_over_sku_defaults(merchant_a, skus_a):
    order = order_create(merchant=merchant_a[0], recipient=RecipientInput(
        name="李强", phone="010-65661234", province="北京", city="北京市", district="朝阳区", address="建国路88号"),
        items=[ItemInput(quantity=1, sku_code="SZ-EARBUDS-PRO")], declared_value_fen=100_00, weight_g=450,
        length_cm=20, width_cm=15, height_cm=8, test_mode=True)
    assert order_values(order)[:16] == ("manual", "", "pending", "李强", "010-65661234", "110105", "110000", "110100",
                                        "110105", "建国路88号", 100_00, 450, False, 20, 15, 8)
    assert order.test_mode is True


def test_unknown_sku_and_no_weight_gives_an_estimated_first_weight(merchant_a):
    order = order_create(merchant=merchant_a[0], recipient=WANG, items=[ItemInput(quantity=3, sku_code="NOPE",
                                                                                   unit_price_fen=500)])
    assert order_values(order)[10:] == (1500, 1000, True, None, None, None, [("NOPE", None, "NOPE", 3, 500)])


@pytest.mark.parametrize(("recipient", "code", "message"), [
    (RecipientInput("王芳", "1385710000", address="浙江省杭州市西湖区文三路90号"), "phone_invalid",
     "“1385710000” is not a mainland mobile (11 digits starting 13–19) or landline number with area code "
     "(e.g. 0571-88888888)."),
    (RecipientInput("王芳", "13857100001", address="火星基地1号"), "address_missing_region",
     "Cannot tell the province and city of this address."),
    (RecipientInput("王芳", "13857100001", address="浙江省杭州市西湖区"), "address_missing_detail",
     "The address has no street detail (street, building, room)."),
    (RecipientInput("", "13857100001", address="浙江省杭州市西湖区文三路90号"), "name_missing",
     "The recipient's name is missing."),
])
def test_bad_recipient_is_refused_and_nothing_written(recipient, code, message, merchant_a):
    with pytest.raises(DomainError) as caught:
        order_create(merchant=merchant_a[0], recipient=recipient, items=[ItemInput(quantity=1, name="伞")])
    assert (caught.value.code, caught.value.message, caught.value.status) == (code, message, 422)
    assert Order.objects.count() == 0


@pytest.mark.parametrize(("items", "kwargs", "code"), [
    ([], {}, "items_missing"),
    ([ItemInput(quantity=0, name="伞")], {}, "quantity_invalid"),
    ([ItemInput(quantity=1)], {}, "item_name_missing"),
    ([ItemInput(quantity=1, name="伞", unit_price_fen=-1)], {}, "amount_invalid"),
    ([ItemInput(quantity=1, name="伞")], {"weight_g": 0}, "weight_invalid"),
    ([ItemInput(quantity=1, name="伞")], {"height_cm": 5000}, "size_invalid"),
    ([ItemInput(quantity=1, name="伞")], {"source": "amazon"}, "source_invalid"),
])
def test_bad_items_or_parcel_are_refused(items, kwargs, code, merchant_a):
    with pytest.raises(DomainError) as caught:
        order_create(merchant=merchant_a[0], recipient=WANG, items=items, **kwargs)
    assert (caught.value.code, caught.value.status) == (code, 422)
    assert Order.objects.count() == 0


def test_same_marketplace_order_twice_is_a_409_duplicate(merchant_a, merchant_b):
    kwargs = {"source": "jd", "external_id": "281234567890", "recipient": WANG, "items": [ItemInput(1, "伞")]}
    first = order_create(merchant=merchant_a[0], **kwargs)
    with pytest.raises(DomainError) as caught:
        order_create(merchant=merchant_a[0], **kwargs)
    assert (caught.value.code, caught.value.status) == ("duplicate_order", 409)
    assert caught.value.message == "An order 281234567890 from JD.com already exists."
    assert caught.value.message_zh == "来自京东的订单 281234567890 已存在。"
    # Another source or another merchant may use the same number; orders without a number never collide.
    order_create(merchant=merchant_a[0], **{**kwargs, "source": "pdd"})
    order_create(merchant=merchant_b[0], **kwargs)
    order_create(merchant=merchant_a[0], recipient=WANG, items=[ItemInput(1, "伞")])
    order_create(merchant=merchant_a[0], recipient=WANG, items=[ItemInput(1, "伞")])
    assert Order.objects.filter(merchant=merchant_a[0]).count() == 4
    assert Order.objects.get(merchant=merchant_a[0], source="jd") == first


def test_the_database_constraint_catches_a_race_as_a_duplicate(merchant_a, monkeypatch):
    kwargs = {"source": "jd", "external_id": "281234567890", "recipient": WANG, "items": [ItemInput(1, "伞")]}
    order_create(merchant=merchant_a[0], **kwargs)
    # The other request's row lands between our check and our insert: make the check miss it.
    real_filter = Order.objects.filter
    calls = []

    def stale_filter(*args, **kw):
        calls.append(kw)
        qs = real_filter(*args, **kw)
        return qs.none() if len(calls) == 1 else qs

    monkeypatch.setattr(Order.objects, "filter", stale_filter)
    with pytest.raises(DomainError) as caught:
        order_create(merchant=merchant_a[0], **kwargs)
    assert caught.value.code == "duplicate_order"
    monkeypatch.undo()
    assert Order.objects.count() == 1
