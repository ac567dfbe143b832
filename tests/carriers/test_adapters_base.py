"""The adapter interface: request dataclasses, the refusal exception and the registry."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from parcelhub.carriers.adapters import (
    REFUSAL_REASONS,
    CarrierAdapter,
    CarrierRefused,
    PickupRequest,
    adapter_for,
)
from parcelhub.carriers.adapters.sandbox import SandboxNetwork
from parcelhub.core.errors import DomainError
from tests.carriers.test_sandbox_world import NOW, YIWU, waybill_request


def test_reasons_are_the_stable_eight():
    assert REFUSAL_REASONS == ("overweight", "unsupported_destination", "void_window_closed", "unknown_waybill",
                               "already_cancelled", "pickup_slot_unavailable", "pickup_window_invalid",
                               "unknown_pickup")


@pytest.mark.parametrize(("reason", "status"), [
    ("overweight", 422), ("unsupported_destination", 422), ("void_window_closed", 409),
    ("unknown_waybill", 422), ("already_cancelled", 409), ("pickup_slot_unavailable", 409),
    ("pickup_window_invalid", 422), ("unknown_pickup", 422),
])
def test_refusal_status_and_code(reason, status):
    exc = CarrierRefused(reason, carrier="sf")
    assert isinstance(exc, DomainError)
    assert (exc.code, exc.reason, exc.status, exc.carrier) == (reason, reason, status, "sf")
    assert exc.details == {"carrier": "sf"}


def test_refusal_default_messages_in_both_languages():
    exc = CarrierRefused("unknown_waybill")
    assert exc.details is None
    with translation.override("en"):
        assert exc.as_payload() == {"error": {"code": "unknown_waybill",
                                              "message": "The carrier has no waybill with this number."}}
    with translation.override("zh-hans"):
        assert exc.as_payload() == {"error": {"code": "unknown_waybill", "message": "快递公司查无此运单号。"}}


def test_refusal_specific_message_and_details():
    exc = CarrierRefused("overweight", "Too heavy.", "太重了。", carrier="zto", details={"weight_g": 60_000})
    assert (exc.message, exc.message_zh) == ("Too heavy.", "太重了。")
    assert exc.details == {"carrier": "zto", "weight_g": 60_000}


def test_an_unknown_reason_is_a_programming_error():
    with pytest.raises(KeyError):
        CarrierRefused("lost_in_space")


def test_dataclasses_are_frozen():
    req = waybill_request()
    with pytest.raises(dataclasses.FrozenInstanceError):
        req.weight_g = 1  # type: ignore[misc]


@pytest.mark.parametrize("changes", [{"weight_g": 0}, {"reference": ""}, {"cod_fen": -1}, {"length_cm": -1}])
def test_impossible_waybill_requests_fail_loudly(changes):
    with pytest.raises(ValueError):
        dataclasses.replace(waybill_request(), **changes)


def test_pickup_request_keeps_waybills_as_a_tuple_and_needs_enough_parcels():
    start = NOW + dt.timedelta(hours=2)
    req = PickupRequest(carrier="sf", address=YIWU, window_start=start, window_end=start + dt.timedelta(hours=2),
                        waybill_nos=["SF1", "SF2"], parcels=2, reference="pk_1")  # type: ignore[arg-type]
    assert req.waybill_nos == ("SF1", "SF2")
    with pytest.raises(ValueError):
        dataclasses.replace(req, parcels=1)
    with pytest.raises(ValueError):
        dataclasses.replace(req, waybill_nos=(), parcels=0)


def test_sandbox_is_the_default_network_for_every_demo_carrier(settings):
    del settings.CARRIER_NETWORK  # absent from settings: the sandbox answers
    for code in ("sf", "zto", "yto", "sto", "yunda", "jt", "jd", "ems"):
        adapter = adapter_for(code)
        assert isinstance(adapter, SandboxNetwork)
        assert isinstance(adapter, CarrierAdapter)


def test_network_per_carrier_mapping(settings):
    settings.CARRIER_NETWORK = {"sf": "sandbox", "*": "nowhere"}
    assert isinstance(adapter_for("sf"), SandboxNetwork)
    with pytest.raises(ImproperlyConfigured):
        adapter_for("zto")


def test_unknown_network_is_a_configuration_error(settings):
    settings.CARRIER_NETWORK = "kdniao"
    with pytest.raises(ImproperlyConfigured):
        adapter_for("sf")


def test_carrier_no_network_serves(settings):
    settings.CARRIER_NETWORK = "sandbox"
    with pytest.raises(DomainError) as caught:
        adapter_for("ups")
    assert (caught.value.code, caught.value.status) == ("carrier_unsupported", 422)
    assert caught.value.details == {"carrier": "ups", "network": "sandbox"}
