from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from parcelhub.core.ids import id_factory


class Industry(models.TextChoices):
    APPAREL = "apparel", _("Apparel and shoes")
    SMALL_COMMODITIES = "small_commodities", _("Small commodities")
    ELECTRONICS = "electronics", _("Electronics")
    BEAUTY = "beauty", _("Beauty and personal care")
    FOOD = "food", _("Food and fresh produce")
    HOME = "home", _("Home and furniture")
    BOOKS = "books", _("Books and media")
    CROSS_BORDER = "cross_border", _("Cross-border trade")
    OTHER = "other", _("Other")


class Merchant(models.Model):
    """A tenant: an e-commerce business that ships parcels through the platform."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("mch"), editable=False)
    name = models.CharField(_("company name"), max_length=120)
    contact_name = models.CharField(_("contact"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20)
    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices, default=Industry.OTHER)
    expected_monthly_volume = models.PositiveIntegerField(_("expected monthly parcels"), default=0)
    origin_region = models.ForeignKey("geo.Region", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("default shipping origin"))
    origin_address = models.CharField(_("origin street address"), max_length=200, blank=True)
    # E-waybill preferences: paper size and privacy waybills (recipient name and phone masked on the label).
    label_size = models.CharField(_("label size"), max_length=8, default="100x150",
                                  choices=[("76x130", _("76×130 mm (one part)")), ("100x150", _("100×150 mm (two parts)")),
                                           ("100x180", _("100×180 mm (two parts)"))])
    privacy_waybills = models.BooleanField(_("privacy waybills"), default=False)
    # Acquisition channel or partner code from the sign-up link (/signup?ch=erp-xxx).
    acquisition_channel = models.CharField(max_length=64, blank=True, db_index=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MerchantRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class OperatorRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    PRICING = "pricing", _("Pricing")
    MARKETING = "marketing", _("Marketing")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    SALES = "sales", _("Sales")
    SUPPORT = "support", _("Support")
    RISK = "risk", _("Risk")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True, operator_role=OperatorRole.ADMIN)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A person who signs in: a merchant's owner or staff, or a platform operator with one operator role."""

    username = None
    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=60, blank=True)
    merchant = models.ForeignKey(Merchant, null=True, blank=True, on_delete=models.CASCADE, related_name="users")
    merchant_role = models.CharField(max_length=16, choices=MerchantRole.choices, blank=True)
    operator_role = models.CharField(max_length=32, choices=OperatorRole.choices, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_is_merchant_xor_operator",
                condition=~(models.Q(merchant__isnull=False) & ~models.Q(operator_role="")),
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_operator(self) -> bool:
        return bool(self.operator_role)

    def has_operator_role(self, *roles: str) -> bool:
        """Administrators hold every operator role."""
        return self.operator_role == OperatorRole.ADMIN or (bool(self.operator_role) and self.operator_role in roles)


class ApiKey(models.Model):
    """A merchant's API key. Only its SHA-256 is stored; the key itself is shown once, at creation."""

    class Mode(models.TextChoices):
        LIVE = "live", _("Live")
        TEST = "test", _("Test")

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("key"), editable=False)
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=60)
    mode = models.CharField(max_length=4, choices=Mode.choices)
    # The first characters of the key, e.g. "ph_test_3kF9", so people can tell keys apart.
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def test_mode(self) -> bool:
        return self.mode == self.Mode.TEST
