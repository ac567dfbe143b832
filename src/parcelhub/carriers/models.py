"""Carriers, their services and the rate cards the platform buys (cost) and sells (list) at."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcelhub.core.ids import id_factory
from parcelhub.rating.types import WeightBand

VOLUMETRIC_DIVISORS = (6000, 8000, 12000)


def validate_rounding(value) -> None:
    """Bands must be a list of {up_to_g, step_g}, ascending, ending with one open band (up_to_g null)."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Rounding must be a non-empty list of bands."))
    previous = 0
    for index, band in enumerate(value):
        if not isinstance(band, dict) or set(band) != {"up_to_g", "step_g"}:
            raise ValidationError(_("Each rounding band needs exactly the keys up_to_g and step_g."))
        step, up_to = band["step_g"], band["up_to_g"]
        if type(step) is not int or step <= 0:
            raise ValidationError(_("step_g must be a positive whole number of grams."))
        last = index == len(value) - 1
        if last and up_to is not None:
            raise ValidationError(_("The last rounding band must be open-ended (up_to_g null)."))
        if not last and (type(up_to) is not int or up_to <= previous):
            raise ValidationError(_("up_to_g must be whole grams, rising from band to band."))
        previous = up_to or previous


class Carrier(models.Model):
    code = models.SlugField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=40)           # 顺丰速运
    name_en = models.CharField(_("English name"), max_length=60)  # SF Express
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A product of a carrier with its own limits and weight rounding, e.g. 顺丰标快."""

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="services")
    code = models.SlugField(_("code"), max_length=24)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=60)
    max_weight_g = models.PositiveIntegerField(_("maximum weight (g)"))
    volumetric_divisor = models.PositiveIntegerField(
        _("volumetric divisor"), choices=[(d, str(d)) for d in VOLUMETRIC_DIVISORS], default=8000)
    rounding = models.JSONField(_("weight rounding bands"), validators=[validate_rounding],
                                default=list,
                                help_text=_('e.g. [{"up_to_g": 100000, "step_g": 500}, '
                                            '{"up_to_g": null, "step_g": 1000}]'))
    max_side_cm = models.PositiveIntegerField(_("longest side (cm)"), null=True, blank=True)
    max_declared_value_fen = models.BigIntegerField(_("maximum declared value (fen)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["carrier__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "code"], name="service_unique_code_per_carrier"),
            models.CheckConstraint(name="service_divisor_known",
                                   condition=Q(volumetric_divisor__in=VOLUMETRIC_DIVISORS)),
            models.CheckConstraint(name="service_max_weight_positive", condition=Q(max_weight_g__gt=0)),
            models.CheckConstraint(name="service_max_declared_value_non_negative",
                                   condition=Q(max_declared_value_fen__isnull=True)
                                   | Q(max_declared_value_fen__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.carrier.name} {self.name}"

    @property
    def key(self) -> str:
        return f"{self.carrier.code}.{self.code}"

    def weight_bands(self) -> tuple[WeightBand, ...]:
        return tuple(WeightBand(up_to_g=b["up_to_g"], step_g=b["step_g"]) for b in self.rounding)


# Card-level terms exist once per side; the two sides share names so files and code can loop over them.
CARD_TERMS = ("fuel_surcharge_bp", "remote_surcharge_fen", "insurance_rate_bp", "insurance_min_fen",
              "minimum_charge_fen")
SIDES = ("cost", "list")


def _non_negative(prefix: str, names: tuple[str, ...]) -> list[models.CheckConstraint]:
    return [models.CheckConstraint(name=f"{prefix}_{name}_non_negative", condition=Q(**{f"{name}__gte": 0}))
            for name in names]


class RateCard(models.Model):
    """Prices from one origin to every served province for one service, in effect from a date.

    The card in effect on a day is the one with the latest `effective_from` not after that day, so a card can
    be uploaded ahead of time. A list price below cost is allowed on purpose (loss-leader lanes).
    """

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("rc"), editable=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="rate_cards")
    # Any level: a district-level card (义乌) wins over its city's or province's card in the engine.
    origin = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField(_("effective from"), db_index=True)

    cost_fuel_surcharge_bp = models.PositiveIntegerField(default=0)
    cost_remote_surcharge_fen = models.BigIntegerField(default=0)
    cost_insurance_rate_bp = models.PositiveIntegerField(default=0)
    cost_insurance_min_fen = models.BigIntegerField(default=0)
    cost_minimum_charge_fen = models.BigIntegerField(default=0)
    list_fuel_surcharge_bp = models.PositiveIntegerField(default=0)
    list_remote_surcharge_fen = models.BigIntegerField(default=0)
    list_insurance_rate_bp = models.PositiveIntegerField(default=0)
    list_insurance_min_fen = models.BigIntegerField(default=0)
    list_minimum_charge_fen = models.BigIntegerField(default=0)

    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service__carrier__code", "service__code", "origin_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["service", "origin", "effective_from"],
                                    name="ratecard_unique_service_origin_date"),
            *_non_negative("ratecard", tuple(f"{side}_{term}" for side in SIDES for term in CARD_TERMS)),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.service_id}@{self.origin_id} from {self.effective_from}"

    @property
    def is_demo(self) -> bool:
        """Cards from the demo builder carry the note "demo"; pages then say the figures are illustrative."""
        return self.note.strip().lower().startswith("demo")

    def terms(self, side: str) -> dict[str, int]:
        return {term: getattr(self, f"{side}_{term}") for term in CARD_TERMS}


LANE_PRICES = ("cost_first_fen", "cost_additional_per_kg_fen", "list_first_fen", "list_additional_per_kg_fen")


class RateCardLane(models.Model):
    card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="lanes")
    destination = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")  # a province
    first_weight_g = models.PositiveIntegerField(default=1000)
    cost_first_fen = models.BigIntegerField()
    cost_additional_per_kg_fen = models.BigIntegerField()
    list_first_fen = models.BigIntegerField()
    list_additional_per_kg_fen = models.BigIntegerField()
    transit_days = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["card", "destination_id"]
        constraints = [
            models.UniqueConstraint(fields=["card", "destination"], name="ratecardlane_unique_destination"),
            models.CheckConstraint(name="ratecardlane_first_weight_positive", condition=Q(first_weight_g__gt=0)),
            *_non_negative("ratecardlane", LANE_PRICES),
        ]

    def __str__(self) -> str:
        return f"{self.card_id} → {self.destination_id}"

from parcelhub.carriers.sandbox_models import SandboxCounter, SandboxPickup, SandboxWaybill  # noqa: E402,F401
