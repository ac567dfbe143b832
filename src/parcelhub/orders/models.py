"""Orders to ship: the merchant's SKUs, orders with their items, and background imports of marketplace exports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcelhub.core.ids import id_factory

# Without a given weight or SKU weights an order still needs one to be priced; a first-weight parcel is the
# usual guess, and the order says it is a guess (`weight_estimated`) so the merchant can correct it.
DEFAULT_WEIGHT_G = 1000


class Sku(models.Model):
    """A product the merchant sells, with the parcel defaults one unit of it brings to an order."""

    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="skus")
    code = models.CharField(_("SKU code"), max_length=64)       # 商家编码
    name = models.CharField(_("name"), max_length=200)
    weight_g = models.PositiveIntegerField(_("weight (g)"), default=0)
    length_cm = models.PositiveSmallIntegerField(_("length (cm)"), default=0)
    width_cm = models.PositiveSmallIntegerField(_("width (cm)"), default=0)
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"), default=0)
    unit_price_fen = models.BigIntegerField(_("unit price (fen)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "code"], name="sku_code_unique_per_merchant"),
            models.CheckConstraint(condition=Q(unit_price_fen__gte=0), name="sku_unit_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Order(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Manual")
        API = "api", _("API")
        TAOBAO = "taobao", _("Taobao / Tmall")
        JD = "jd", _("JD.com")
        PDD = "pdd", _("Pinduoduo")
        DOUYIN = "douyin", _("Douyin shop")
        GENERIC = "generic", _("File import")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SHIPPED = "shipped", _("Shipped")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("ord"), editable=False)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="orders")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    # The marketplace's order number (订单编号); blank for orders typed in by hand.
    external_id = models.CharField(_("external order id"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    recipient_name = models.CharField(_("recipient"), max_length=60)
    recipient_phone = models.CharField(_("phone"), max_length=24)
    recipient_region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("region"))
    # Copies of the region's codes so lists filter by province without joining the region hierarchy.
    recipient_province_code = models.CharField(max_length=6)
    recipient_city_code = models.CharField(max_length=6)
    recipient_district_code = models.CharField(max_length=6, blank=True)
    recipient_detail = models.CharField(_("street address"), max_length=200)
    declared_value_fen = models.BigIntegerField(_("declared value (fen)"), default=0)
    weight_g = models.PositiveIntegerField(_("weight (g)"))
    weight_estimated = models.BooleanField(default=False)
    length_cm = models.PositiveSmallIntegerField(_("length (cm)"), null=True, blank=True)
    width_cm = models.PositiveSmallIntegerField(_("width (cm)"), null=True, blank=True)
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"), null=True, blank=True)
    test_mode = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "source", "external_id"], condition=~Q(external_id=""),
                                    name="order_external_id_unique_per_source"),
            models.CheckConstraint(condition=Q(declared_value_fen__gte=0), name="order_declared_value_not_negative"),
            models.CheckConstraint(condition=Q(weight_g__gt=0), name="order_weight_positive"),
        ]
        indexes = [
            # The list page: a merchant's orders newest first, optionally by status, source or province.
            models.Index(fields=["merchant", "test_mode", "-created_at"], name="order_list_idx"),
            models.Index(fields=["merchant", "status", "-created_at"], name="order_status_idx"),
            models.Index(fields=["merchant", "source", "-created_at"], name="order_source_idx"),
            models.Index(fields=["merchant", "recipient_province_code"], name="order_province_idx"),
            models.Index(fields=["merchant", "recipient_phone"], name="order_phone_idx"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def region_names(self) -> list[str]:
        """Province, city, district names (no queries when the region's parents are select_related)."""
        return self.recipient_region.path_names()

    @property
    def recipient_address(self) -> str:
        return self.recipient_region.address(self.recipient_detail)


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    sku = models.ForeignKey(Sku, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # As the order gave it, so the item stays readable if the SKU is renamed or deleted.
    sku_code = models.CharField(_("SKU code"), max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_fen = models.BigIntegerField(_("unit price (fen)"), default=0)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["sku_code"], name="order_item_sku_code_idx")]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="order_item_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.name} ×{self.quantity}"

    @property
    def line_total_fen(self) -> int:
        return self.unit_price_fen * self.quantity


class OrderImport(models.Model):
    """One uploaded marketplace export, processed in the background in chunks."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    MAX_ERRORS_KEPT = 500

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("imp"), editable=False)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="order_imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    file_name = models.CharField(max_length=200)
    # The upload itself, kept in the database so any worker can read it; emptied once the import is over.
    content = models.BinaryField(default=bytes)
    layout = models.CharField(max_length=16)
    test_mode = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)     # orders refused
    error_total = models.PositiveIntegerField(default=0)     # problems found, of which `errors` keeps the first
    errors = models.JSONField(default=list, blank=True)      # [{"row", "column", "message", "message_zh"}]
    failure = models.CharField(max_length=300, blank=True)   # why the whole job stopped, for status failed
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["merchant", "-created_at"], name="order_import_list_idx")]

    def __str__(self) -> str:
        return f"{self.public_id} {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.is_finished else 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def hidden_errors(self) -> int:
        return max(self.error_total - len(self.errors), 0)
