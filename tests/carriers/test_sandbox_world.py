"""Shared set-up of the sandbox tests (the other test_sandbox_* files import it), and the demo world check."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from parcelhub.carriers.adapters import Address, WaybillRequest, adapter_for
from parcelhub.carriers.adapters.sandbox import SandboxNetwork
from parcelhub.carriers.adapters.sandbox_numbers import WAYBILL_PATTERNS
from parcelhub.core import clock
from parcelhub.simulation.carriers_world import SERVICES, build_carriers_and_cards

CHINA = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=CHINA)   # a Monday morning

YIWU = Address("义乌小商品有限公司", "13800138000", "330000", "330700", "330782", "稠州北路 100 号")
HANGZHOU = Address("张三", "13900139000", "330000", "330100", "330106", "文三路 90 号")
LHASA = Address("次仁", "13908900000", "540000", "540100", "540102", "北京中路 10 号")
SANSHA = Address("王五", "13907000000", "460000", "460300", "460321", "永兴岛")
DONGGUAN = Address("李四", "13509000000", "440000", "441900", "", "东城大道 8 号")


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


def freeze(monkeypatch) -> Clock:
    """Stop parcelhub.core.clock at NOW; tests move it with `advance`."""
    state = Clock(NOW)
    monkeypatch.setattr(clock, "now", lambda: state.now)
    return state


def make_world() -> SandboxNetwork:
    build_carriers_and_cards(effective_from=NOW.date())
    return SandboxNetwork()


@pytest.fixture
def frozen(monkeypatch) -> Clock:
    return freeze(monkeypatch)


@pytest.fixture
def world(db, frozen) -> SandboxNetwork:
    return make_world()


def waybill_request(carrier: str = "zto", service: str = "standard", *, reference: str = "shp_1",
                    recipient: Address = HANGZHOU, sender: Address = YIWU, weight_g: int = 1200,
                    test_mode: bool = False) -> WaybillRequest:
    return WaybillRequest(carrier=carrier, service=service, reference=reference, sender=sender,
                          recipient=recipient, weight_g=weight_g, length_cm=30, width_cm=20, height_cm=10,
                          declared_value_fen=0, cod_fen=0, items_summary="帆布包 ×2", test_mode=test_mode)


def test_every_demo_service_issues_a_waybill_in_its_carriers_format(world):
    for index, spec in enumerate(SERVICES):
        adapter = adapter_for(spec.carrier)
        waybill = adapter.create_waybill(waybill_request(spec.carrier, spec.code, reference=f"shp_{index}"))
        assert waybill.carrier == spec.carrier
        assert WAYBILL_PATTERNS[spec.carrier].match(waybill.waybill_no), waybill.waybill_no
        assert waybill.created_at == NOW
