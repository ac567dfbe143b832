"""Promotions: coupons (红包) and their grants, 满减 rules and credits, promotion-season packages (大促包),
flash sales (限时抢购) and points.

Counters that must never overshoot (coupon uses, flash-sale stock, package labels) move with compare-and-set
`update()`s so concurrent buyers cannot exceed them; money is integer fen throughout.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcelhub.core.ids import id_factory


class Coupon(models.Model):
    """A coupon definition: what it takes off, where it applies, when, and how often."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("cpn"), editable=False)
    name = models.CharField(_("name"), max_length=80)
    # Claim code merchants type in; null when the coupon is only issued by operators or campaigns.
    code = models.CharField(_("claim code"), max_length=32, unique=True, null=True, blank=True)
    amount_off_fen = models.BigIntegerField(_("amount off (fen)"), default=0)
    percent_off_bp = models.PositiveIntegerField(_("percent off (basis points)"), default=0)
    min_spend_fen = models.BigIntegerField(_("minimum spend (fen)"), default=0)
    # Scope: blank means any. Provinces are adcodes ("330000").
    carrier_code = models.CharField(_("carrier"), max_length=16, blank=True)
    service_code = models.CharField(_("service"), max_length=24, blank=True)
    origin_province = models.CharField(_("origin province"), max_length=6, blank=True)
    destination_province = models.CharField(_("destination province"), max_length=6, blank=True)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    usage_limit_total = models.PositiveIntegerField(_("total uses"), null=True, blank=True)
    per_merchant_limit = models.PositiveIntegerField(_("grants per merchant"), default=1)
    used_count = models.PositiveIntegerField(default=0)
    # A funded coupon may go below the margin floor; the subsidy is booked here until the budget is spent.
    budget_fen = models.BigIntegerField(_("funding budget (fen)"), null=True, blank=True)
    budget_spent_fen = models.BigIntegerField(default=0)
    # Price in points in the points shop; null when it cannot be bought with points.
    points_price = models.PositiveIntegerField(_("price in points"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="coupon_one_kind_of_discount",
                                   condition=(Q(amount_off_fen__gt=0, percent_off_bp=0)
                                              | Q(amount_off_fen=0, percent_off_bp__gt=0,
                                                  percent_off_bp__lte=10_000))),
            models.CheckConstraint(name="coupon_uses_within_limit",
                                   condition=Q(usage_limit_total__isnull=True)
                                   | Q(used_count__lte=F("usage_limit_total"))),
            models.CheckConstraint(name="coupon_budget_within_limit",
                                   condition=Q(budget_fen__isnull=True) | Q(budget_spent_fen__lte=F("budget_fen"))),
            models.CheckConstraint(name="coupon_window_ordered", condition=Q(valid_until__gt=F("valid_from"))),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.name}"

    @property
    def funded(self) -> bool:
        return self.budget_fen is not None

    @property
    def percent_text(self) -> str:
        """1050 bp -> "10.5" (display only)."""
        whole, rest = divmod(self.percent_off_bp, 100)
        return f"{whole}.{rest:02d}".rstrip("0").rstrip(".")

    @property
    def budget_left_fen(self) -> int | None:
        return None if self.budget_fen is None else self.budget_fen - self.budget_spent_fen


class GrantState(models.TextChoices):
    UNUSED = "unused", _("Unused")
    USED = "used", _("Used")
    EXPIRED = "expired", _("Expired")


class CouponGrant(models.Model):
    """One coupon in one merchant's hands; used once, on one shipment."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("cpg"), editable=False)
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="grants")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="coupon_grants")
    state = models.CharField(max_length=8, choices=GrantState.choices, default=GrantState.UNUSED)
    # Where it came from, for attribution: a campaign public id, "segment:seg_…", "code", "points:…", "operator".
    source = models.CharField(max_length=64, blank=True, db_index=True)
    shipment_public_id = models.CharField(max_length=40, blank=True, db_index=True)
    discount_fen = models.BigIntegerField(default=0)   # what it took off the label it was used on
    subsidy_fen = models.BigIntegerField(default=0)    # what its budget paid below the margin floor on that label
    granted_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["merchant", "state"])]
        constraints = [
            models.UniqueConstraint(fields=["coupon", "merchant", "source"], name="coupon_grant_once_per_source",
                                    condition=~Q(source="")),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.state}"


class SpendOffRule(models.Model):
    """满减: spend `threshold_fen` in a calendar month (or in one bulk purchase), get `off_fen` back."""

    class Kind(models.TextChoices):
        PERIOD = "period", _("Monthly spend")
        BULK = "bulk", _("One bulk purchase")

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("spo"), editable=False)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    threshold_fen = models.BigIntegerField(_("spend at least (fen)"))
    off_fen = models.BigIntegerField(_("credit (fen)"))
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "threshold_fen"]
        constraints = [
            models.CheckConstraint(name="spend_off_positive",
                                   condition=Q(off_fen__gt=0, threshold_fen__gt=F("off_fen"))),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.name}"


class SpendOffCredit(models.Model):
    """A 满减 credit paid to a wallet: once per merchant and month, or once per bulk purchase."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("soc"), editable=False)
    rule = models.ForeignKey(SpendOffRule, on_delete=models.PROTECT, related_name="credits")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="spend_off_credits")
    kind = models.CharField(max_length=8, choices=SpendOffRule.Kind.choices)
    period = models.DateField(null=True, blank=True)         # first day of the month, for period credits
    bulk_public_id = models.CharField(max_length=40, blank=True)
    spend_fen = models.BigIntegerField()
    off_fen = models.BigIntegerField()
    transaction = models.OneToOneField("billing.LedgerTransaction", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "period"], name="spend_off_once_per_month",
                                    condition=Q(kind="period")),
            models.UniqueConstraint(fields=["bulk_public_id"], name="spend_off_once_per_bulk",
                                    condition=Q(kind="bulk")),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.off_fen}"


class RefundTerms(models.TextChoices):
    NONE = "none", _("Not refundable")
    PRO_RATA = "pro_rata", _("Unused labels refunded pro rata within the refund window")


class Package(models.Model):
    """A promotion-season package (大促包): N prepaid labels of one service to given provinces."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("pkg"), editable=False)
    name = models.CharField(_("name"), max_length=80)
    carrier_code = models.CharField(_("carrier"), max_length=16)
    service_code = models.CharField(_("service"), max_length=24)
    destination_provinces = models.JSONField(_("destination provinces"), default=list, blank=True)  # [] = all
    labels = models.PositiveIntegerField(_("labels"))
    price_fen = models.BigIntegerField(_("price (fen)"))
    max_weight_g = models.PositiveIntegerField(_("max weight per label (g)"), default=3000)
    insured_value_fen = models.BigIntegerField(_("insurance included up to (fen)"), default=0)
    includes_packaging = models.BooleanField(_("includes packaging"), default=False)
    refund_terms = models.CharField(_("refund terms"), max_length=8, choices=RefundTerms.choices,
                                    default=RefundTerms.NONE)
    refund_days = models.PositiveIntegerField(_("refund window (days)"), default=0)
    on_sale_from = models.DateTimeField(_("on sale from"))
    on_sale_until = models.DateTimeField(_("on sale until"))
    use_until = models.DateTimeField(_("labels usable until"))
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="package_positive", condition=Q(labels__gt=0, price_fen__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.name}"


class PackageBalance(models.Model):
    """A bought package: labels left to use, and what was paid for them."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        REFUNDED = "refunded", _("Refunded")

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("pkb"), editable=False)
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="balances")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="package_balances")
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACTIVE)
    labels_total = models.PositiveIntegerField()
    labels_used = models.PositiveIntegerField(default=0)
    paid_fen = models.BigIntegerField()
    refunded_fen = models.BigIntegerField(default=0)
    source = models.CharField(max_length=64, blank=True)   # a flash sale's public id when grabbed there
    bought_at = models.DateTimeField(default=timezone.now)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-bought_at", "-id"]
        constraints = [
            models.CheckConstraint(name="package_balance_within_total",
                                   condition=Q(labels_used__lte=F("labels_total"))),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.labels_used}/{self.labels_total}"

    @property
    def labels_left(self) -> int:
        return self.labels_total - self.labels_used


class PackageUse(models.Model):
    """One label taken from a package balance; released when the shipment is voided."""

    balance = models.ForeignKey(PackageBalance, on_delete=models.CASCADE, related_name="uses")
    shipment_public_id = models.CharField(max_length=40, db_index=True)
    used_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-used_at", "-id"]

    def __str__(self) -> str:
        return f"{self.balance_id} {self.shipment_public_id}"


class FlashSale(models.Model):
    """限时抢购: `quantity` packages or coupons at `price_fen` between `starts_at` and `ends_at`."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("fls"), editable=False)
    name = models.CharField(_("name"), max_length=80)
    package = models.ForeignKey(Package, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    coupon = models.ForeignKey(Coupon, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    price_fen = models.BigIntegerField(_("price (fen)"))
    quantity = models.PositiveIntegerField(_("quantity"))
    sold = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(name="flash_sale_sold_within_quantity", condition=Q(sold__lte=F("quantity"))),
            models.CheckConstraint(name="flash_sale_one_item",
                                   condition=(Q(package__isnull=False, coupon__isnull=True)
                                              | Q(package__isnull=True, coupon__isnull=False))),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.name}"

    @property
    def left(self) -> int:
        return self.quantity - self.sold


class FlashSaleGrab(models.Model):
    """One merchant's successful grab: one per merchant and sale."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("fsg"), editable=False)
    sale = models.ForeignKey(FlashSale, on_delete=models.PROTECT, related_name="grabs")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="flash_sale_grabs")
    price_fen = models.BigIntegerField()
    item_public_id = models.CharField(max_length=40)   # the package balance or coupon grant it gave
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["sale", "merchant"], name="flash_sale_one_grab_each")]

    def __str__(self) -> str:
        return self.public_id


class PointsAccount(models.Model):
    """A merchant's points balance: a cache of its entries, changed under this row's lock."""

    merchant = models.OneToOneField("accounts.Merchant", on_delete=models.CASCADE, related_name="points_account")
    balance = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(name="points_balance_not_negative", condition=Q(balance__gte=0))]

    def __str__(self) -> str:
        return f"{self.merchant_id}: {self.balance}"


class PointsEntry(models.Model):
    """A points movement. Earned lots keep `remaining`, spent and expired oldest first (FIFO)."""

    class Kind(models.TextChoices):
        EARN = "earn", _("Earned")
        REDEEM = "redeem", _("Redeemed")
        REVERSE = "reverse", _("Reversed (label voided)")
        EXPIRE = "expire", _("Expired")

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("pte"), editable=False)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="points_entries")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    points = models.BigIntegerField()                   # signed change of the balance
    remaining = models.BigIntegerField(default=0)      # earned lots: points of this lot not yet spent or expired
    expires_at = models.DateTimeField(null=True, blank=True)
    shipment_public_id = models.CharField(max_length=40, blank=True, db_index=True)
    reference = models.CharField(max_length=40, blank=True)   # the coupon grant a redemption bought
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["merchant", "kind", "expires_at"])]
        constraints = [
            models.CheckConstraint(name="points_entry_nonzero", condition=~Q(points=0)),
            models.CheckConstraint(name="points_remaining_in_lot",
                                   condition=Q(remaining__gte=0) & Q(remaining__lte=F("points"))
                                   | Q(remaining=0)),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.kind} {self.points:+d}"
