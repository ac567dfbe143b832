"""Fixtures for orders: SKUs of merchant A, an import runner, and a way to read orders back as plain values."""

from __future__ import annotations

import pytest

from parcelhub.orders import services
from parcelhub.orders.models import Order, OrderImport


@pytest.fixture
def skus_a(merchant_a):
    merchant = merchant_a[0]
    rows = [("YW-HAIRCLIP-12", "韩版抓夹发夹 12只装", 180, (18, 12, 5), 990),
            ("SZ-EARBUDS-PRO", "降噪蓝牙耳机 Pro", 210, (12, 10, 5), 29900),
            ("SZ-CHARGER-65W", "65W 氮化镓快充充电器", 160, (10, 8, 5), 12900),
            ("YW-SOCK-5P", "纯棉中筒袜 5双装", 260, (22, 15, 4), 1590),
            ("GZ-TEE-WHT-M", "纯棉圆领T恤 白色 M", 220, (30, 25, 3), 5900),
            ("GZ-JEANS-29", "高腰直筒牛仔裤 29码", 650, (35, 28, 5), 12900)]
    return {code: services.sku_upsert(merchant=merchant, code=code, name=name, weight_g=weight, length_cm=size[0],
                                      width_cm=size[1], height_cm=size[2], unit_price_fen=price)
            for code, name, weight, size, price in rows}


@pytest.fixture
def run_import(merchant_a, django_capture_on_commit_callbacks):
    """Start an import as the console does and run its (immediate-mode) background job."""

    def run(content: bytes, filename: str, layout: str | None = None, merchant=None) -> OrderImport:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.order_import_start(merchant=merchant or merchant_a[0], content=content,
                                              filename=filename, layout=layout)
        job.refresh_from_db()
        return job

    return run


def order_values(order: Order) -> tuple:
    """An order as plain values: what an import or the API must have produced exactly."""
    return (order.source, order.external_id, order.status, order.recipient_name, order.recipient_phone,
            order.recipient_region_id, order.recipient_province_code, order.recipient_city_code,
            order.recipient_district_code, order.recipient_detail, order.declared_value_fen, order.weight_g,
            order.weight_estimated, order.length_cm, order.width_cm, order.height_cm,
            [(i.sku_code, i.sku.code if i.sku else None, i.name, i.quantity, i.unit_price_fen)
             for i in order.items.all()])


def all_orders(merchant) -> list[tuple]:
    orders = Order.objects.filter(merchant=merchant).prefetch_related("items__sku").order_by("id")
    return [order_values(o) for o in orders]
