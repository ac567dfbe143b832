"""Shipments (a parcel bought from a carrier at a price), their pickups and bulk purchases."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from parcelhub.core.ids import id_factory


class Shipment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PURCHASED = "purchased", _("Label bought")
        VOIDED = "voided", _("Voided")

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("shp"), editable=False)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="shipments")
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="shipments")
    test_mode = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    reference = models.CharField(_("reference"), max_length=64, blank=True)  # the merchant's order number

    sender_name = models.CharField(max_length=60)
    sender_phone = models.CharField(max_length=20)
    sender_region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    sender_detail = models.CharField(max_length=200, blank=True)
    recipient_name = models.CharField(max_length=60)
    recipient_phone = models.CharField(max_length=20)
    recipient_region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    recipient_detail = models.CharField(max_length=200, blank=True)

    weight_g = models.PositiveIntegerField()
    length_cm = models.PositiveIntegerField(default=0)
    width_cm = models.PositiveIntegerField(default=0)
    height_cm = models.PositiveIntegerField(default=0)
    declared_value_fen = models.BigIntegerField(default=0)
    cod_fen = models.BigIntegerField(default=0)
    items_summary = models.CharField(max_length=200, blank=True)

    # What was bought, frozen at purchase so later card changes never rewrite history.
    carrier_code = models.CharField(max_length=16, blank=True)
    service_code = models.CharField(max_length=24, blank=True)
    service_name = models.CharField(max_length=40, blank=True)
    total_fen = models.BigIntegerField(default=0)
    cost_fen = models.BigIntegerField(default=0)
    billable_weight_g = models.PositiveIntegerField(default=0)
    breakdown = models.JSONField(default=list, blank=True)
    transit_days = models.PositiveSmallIntegerField(null=True, blank=True)
    waybill_no = models.CharField(max_length=32, blank=True, db_index=True)
    sort_code = models.CharField(max_length=32, blank=True)
    hub = models.CharField(max_length=40, blank=True)
    label_size = models.CharField(max_length=8, default="100x150")
    privacy = models.BooleanField(default=False)
    pickup = models.ForeignKey("shipping.Pickup", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="shipments")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    purchased_at = models.DateTimeField(null=True, blank=True, db_index=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["merchant", "status", "-created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["carrier_code", "waybill_no"], condition=~models.Q(waybill_no=""),
                                    name="shipment_waybill_unique_per_carrier"),
            models.CheckConstraint(name="shipment_amounts_non_negative",
                                   condition=models.Q(total_fen__gte=0, cost_fen__gte=0, declared_value_fen__gte=0,
                                                      cod_fen__gte=0)),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def service_key(self) -> str:
        return f"{self.carrier_code}.{self.service_code}" if self.carrier_code else ""


class Pickup(models.Model):
    """A courier visit (上门揽件) booked with one carrier for a set of shipments at the sender's address."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("pck"), editable=False)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="pickups")
    carrier_code = models.CharField(max_length=16)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    contact_name = models.CharField(max_length=60)
    contact_phone = models.CharField(max_length=20)
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    detail = models.CharField(max_length=200, blank=True)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    confirmation_no = models.CharField(max_length=40)
    courier_name = models.CharField(max_length=40, blank=True)
    courier_phone = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-window_start", "-id"]

    def __str__(self) -> str:
        return self.public_id


class BulkPurchase(models.Model):
    """Labels for many orders bought by one rule in the background; failures are listed and not charged."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Rule(models.TextChoices):
        CHEAPEST = "cheapest", _("Cheapest")
        FASTEST = "fastest", _("Fastest")
        RECOMMENDED = "recommended", _("Recommended")

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("blk"), editable=False)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="bulk_purchases")
    rule = models.CharField(max_length=16, choices=Rule.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    order_ids = models.JSONField(default=list)       # public ids, in the merchant's order
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    bought = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    charged_fen = models.BigIntegerField(default=0)
    failures = models.JSONField(default=list, blank=True)  # [{"order": ord_…, "code": …, "message": …}]
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.public_id

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.processed / self.total)
