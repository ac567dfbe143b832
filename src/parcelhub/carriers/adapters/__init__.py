"""Carrier adapters: one interface (`base`) to create and cancel waybills, book pickups and fetch tracking,
answered by the sandbox network (`sandbox`) now and by aggregator clients later. Use `adapter_for(code)`.
"""

from parcelhub.carriers.adapters.base import (
    REFUSAL_REASONS,
    Address,
    CarrierAdapter,
    CarrierRefused,
    Pickup,
    PickupRequest,
    TrackingEvent,
    Waybill,
    WaybillRequest,
    adapter_for,
)

__all__ = ["REFUSAL_REASONS", "Address", "CarrierAdapter", "CarrierRefused", "Pickup", "PickupRequest",
           "TrackingEvent", "Waybill", "WaybillRequest", "adapter_for"]
