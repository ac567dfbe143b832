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


class TrackingIssue(models.Model):
    """A parcel that needs attention (超时未揽收, 超时未更新, failed delivery, waiting in a locker, returning),
    listed on the merchant's exception board until resolved."""

    class Kind(models.TextChoices):
        NOT_PICKED_UP = "not_picked_up", _("Not picked up within 24 hours")
        NO_UPDATE = "no_update", _("No update for 48 hours in transit")
        DELIVERY_FAILED = "delivery_failed", _("Delivery failed")
        LOCKER_WAITING = "locker_waiting", _("Waiting in a locker over 48 hours")
        RETURNING = "returning", _("Returning to sender")

    class Action(models.TextChoices):
        REMIND_CARRIER = "remind_carrier", _("Remind the carrier")
        CONTACT_CONSIGNEE = "contact_consignee", _("Contact the consignee")
        RESHIP = "reship", _("Reship")
        DISMISS = "dismiss", _("Dismiss")

    tracking = models.ForeignKey(Tracking, on_delete=models.CASCADE, related_name="issues")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="tracking_issues")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    detail = models.CharField(max_length=200, blank=True)
    opened_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    action = models.CharField(max_length=24, choices=Action.choices, blank=True)
    action_note = models.CharField(max_length=200, blank=True)
    acted_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    acted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["merchant", "resolved_at", "-opened_at"])]
        constraints = [models.UniqueConstraint(fields=["tracking", "kind"], condition=models.Q(resolved_at=None),
                                               name="tracking_issue_one_open_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.tracking_id}"


class MarketingBlock(models.Model):
    """Something a merchant shows consignees on the tracking page and in notifications: a product
    recommendation or a coupon."""

    class Kind(models.TextChoices):
        PRODUCT = "product", _("Product recommendation")
        COUPON = "coupon", _("Coupon")

    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="marketing_blocks")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=80)
    text = models.CharField(_("text"), max_length=200, blank=True)
    image_url = models.URLField(_("image URL"), blank=True)
    link_url = models.URLField(_("link"), blank=True)
    price_fen = models.BigIntegerField(_("price (fen)"), null=True, blank=True)
    coupon_code = models.CharField(_("coupon code"), max_length=32, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class TrackingPageDesign(models.Model):
    """A merchant's branding of the public tracking page."""

    merchant = models.OneToOneField("accounts.Merchant", on_delete=models.CASCADE, related_name="tracking_page")
    display_name = models.CharField(_("shop name"), max_length=60, blank=True)
    logo_url = models.URLField(_("logo URL"), blank=True)
    primary_color = models.CharField(_("main colour"), max_length=7, default="#0f6fde")
    accent_color = models.CharField(_("accent colour"), max_length=7, default="#ff7a00")
    shop_url = models.URLField(_("shop link"), blank=True)
    headline = models.CharField(_("headline"), max_length=120, blank=True)
    show_recommendations = models.BooleanField(default=True)
    show_coupon = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.display_name or str(self.merchant)


class TrackingClick(models.Model):
    """A consignee's click on the tracking page, attributed to merchant, parcel and block."""

    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="tracking_clicks")
    shipment = models.ForeignKey("shipping.Shipment", on_delete=models.CASCADE, related_name="tracking_clicks")
    block = models.ForeignKey(MarketingBlock, null=True, blank=True, on_delete=models.SET_NULL, related_name="clicks")
    target = models.CharField(max_length=16)          # product | coupon | shop
    clicked_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["merchant", "clicked_at"])]

    def __str__(self) -> str:
        return f"{self.target} {self.shipment_id}"


class NpsResponse(models.Model):
    """A consignee's answer to "how likely are you to recommend …" after delivery, one per parcel."""

    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="nps_responses")
    shipment = models.OneToOneField("shipping.Shipment", on_delete=models.CASCADE, related_name="nps")
    carrier_code = models.CharField(max_length=16, db_index=True)
    score = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=500, blank=True)
    channel = models.CharField(max_length=16, default="page")   # page | notification
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(score__lte=10), name="nps_score_0_to_10")]

    def __str__(self) -> str:
        return f"{self.score} {self.shipment_id}"
