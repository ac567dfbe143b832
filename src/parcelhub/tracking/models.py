"""Tracking: every carrier event as received, and each shipment's current state built from them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from parcelhub.tracking.status import ExceptionKind, Status

STATUS_CHOICES = [
    (Status.CREATED, _("Label created")), (Status.PICKED_UP, _("Picked up")), (Status.IN_TRANSIT, _("In transit")),
    (Status.ARRIVED_AT_DESTINATION_CITY, _("Arrived in the destination city")),
    (Status.OUT_FOR_DELIVERY, _("Out for delivery")), (Status.AVAILABLE_FOR_PICKUP, _("Ready for collection")),
    (Status.DELIVERED, _("Delivered")), (Status.EXCEPTION, _("Exception")), (Status.RETURNING, _("Returning")),
    (Status.RETURNED, _("Returned")), (Status.CANCELLED, _("Cancelled")),
]
EXCEPTION_CHOICES = [
    (ExceptionKind.REFUSED, _("Refused")), (ExceptionKind.ADDRESS_PROBLEM, _("Address problem")),
    (ExceptionKind.DAMAGED, _("Damaged")), (ExceptionKind.LOST, _("Lost")), (ExceptionKind.DELAYED, _("Delayed")),
    (ExceptionKind.NO_UPDATE, _("No update")),
]


class Tracking(models.Model):
    """One shipment's tracking state: where it is, what is wrong, and when to look again."""

    shipment = models.OneToOneField("shipping.Shipment", on_delete=models.CASCADE, related_name="tracking")
    carrier_code = models.CharField(max_length=16, db_index=True)
    waybill_no = models.CharField(max_length=32)
    status = models.CharField(max_length=32, choices=STATUS_CHOICES, default=Status.CREATED, db_index=True)
    # The furthest main-line status reached: a parcel in a side state (exception, returning) returns here.
    progress = models.CharField(max_length=32, choices=STATUS_CHOICES, default=Status.CREATED)
    exception_kind = models.CharField(max_length=24, choices=EXCEPTION_CHOICES, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)      # event time of the newest applied event
    status_changed_at = models.DateTimeField(null=True, blank=True)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Polling, for carriers that do not push: when to ask next, how long the current wait is, when to give up.
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    poll_interval_s = models.PositiveIntegerField(default=3600)
    stopped_at = models.DateTimeField(null=True, blank=True)
    # Delivery estimate, an 80 % interval (dates, local time).
    eta_earliest = models.DateField(null=True, blank=True)
    eta_latest = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["carrier_code", "waybill_no"],
                                               name="tracking_waybill_unique_per_carrier")]
        indexes = [models.Index(fields=["status", "last_event_at"])]

    def __str__(self) -> str:
        return f"{self.carrier_code} {self.waybill_no} {self.status}"


class TrackingEvent(models.Model):
    """A carrier event as received (code, text, place, time) with the status it maps to."""

    tracking = models.ForeignKey(Tracking, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField()
    status = models.CharField(max_length=32, choices=STATUS_CHOICES)
    exception_kind = models.CharField(max_length=24, choices=EXCEPTION_CHOICES, blank=True)
    raw_code = models.CharField(max_length=32, blank=True)      # the carrier's or aggregator's own code
    description = models.CharField(max_length=300)
    location = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=16)                     # sandbox | kdniao | poll | …
    # Carriers and aggregators resend events; the same (waybill, time, code, text) is stored once.
    dedupe_key = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["tracking", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.status} {self.description}"
