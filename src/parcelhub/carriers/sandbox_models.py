"""State of the sandbox carrier network (carriers.adapters.sandbox), kept in the database.

The sandbox stands in for eight carriers' systems. Its state lives in tables rather than in memory so that a
waybill created by one web process can be voided by another, and a pickup booked in one request is counted
against the slot's capacity in the next. Carriers are referred to by code, not by foreign key: on the
carrier's side our catalogue does not exist.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

__all__ = ["SandboxCounter", "SandboxPickup", "SandboxWaybill"]


class SandboxCounter(models.Model):
    """A named sequence ("sf:waybill:live", "zto:pickup" …), advanced under a row lock."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(name="sandboxcounter_value_non_negative",
                                              condition=Q(value__gte=0))]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class SandboxPickup(models.Model):
    """A courier visit (上门揽件) the sandbox confirmed."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "confirmed"
        CANCELLED = "cancelled", "cancelled"

    carrier = models.CharField(max_length=16)
    confirmation_no = models.CharField(max_length=32, unique=True)
    reference = models.CharField(max_length=64, blank=True)
    # Most specific adcode of the pickup address (the district, or the city where there is none).
    origin_code = models.CharField(max_length=6)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    waybill_nos = models.JSONField(default=list, blank=True)
    parcels = models.PositiveIntegerField(default=1)
    courier_name = models.CharField(max_length=20)
    courier_phone = models.CharField(max_length=24)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    created_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["carrier", "origin_code", "window_start"],
                                name="sandboxpickup_slot_idx")]
        constraints = [
            models.CheckConstraint(name="sandboxpickup_window_ordered", condition=Q(window_end__gt=models.F(
                "window_start"))),
            models.CheckConstraint(name="sandboxpickup_cancelled_has_time",
                                   condition=Q(status="confirmed", cancelled_at__isnull=True)
                                   | Q(status="cancelled", cancelled_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.confirmation_no}"


class SandboxWaybill(models.Model):
    """An e-waybill number the sandbox issued, with what the carrier would know about the parcel."""

    carrier = models.CharField(max_length=16)
    service = models.CharField(max_length=24)
    waybill_no = models.CharField(max_length=24, unique=True)
    reference = models.CharField(max_length=64)     # our shipment id, the carrier's 订单号
    # Test-mode numbers also carry the series digit 9 (see adapters.sandbox_numbers); the flag is the record.
    test_mode = models.BooleanField(default=False)
    origin_code = models.CharField(max_length=6)
    destination_code = models.CharField(max_length=6)
    sort_code = models.CharField(max_length=16)
    hub = models.CharField(max_length=40)
    weight_g = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    # The pickup booked for this parcel, if any; the courier's visit counts as the pickup scan.
    pickup = models.ForeignKey(SandboxPickup, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="waybills")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # A carrier's order API returns the existing waybill for a repeated order number; this makes
            # that answer safe against two concurrent requests.
            models.UniqueConstraint(fields=["carrier", "reference", "test_mode"],
                                    condition=Q(cancelled_at__isnull=True),
                                    name="sandboxwaybill_one_live_per_reference"),
            models.CheckConstraint(name="sandboxwaybill_weight_positive", condition=Q(weight_g__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.waybill_no}"
