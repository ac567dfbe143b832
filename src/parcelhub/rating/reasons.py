"""Plain-language explanations of the engine's codes, for the API and the comparison page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

INELIGIBLE_REASONS = {
    "overweight": _("Heavier than this service accepts"),
    "oversize": _("A side is longer than this service accepts"),
    "declared_value_too_high": _("Declared value above what this service insures"),
    "no_rate_from_origin": _("Not offered from this origin"),
    "no_rate_for_lane": _("Does not deliver to this province from here"),
}

PRICE_LINES = {
    "first_weight": _("First weight"),
    "additional_weight": _("Additional weight"),
    "fuel_surcharge": _("Fuel surcharge"),
    "remote_surcharge": _("Remote-area surcharge"),
    "minimum_charge": _("Minimum-charge top-up"),
    "insurance": _("Insurance"),
    # Added by the price pipeline (marketing.stacking); their lines usually carry their own label.
    "tier_discount": _("Membership discount"),
    "coupon": _("Coupon"),
    "package": _("Package"),
    "guardrail_cap": _("Minimum-margin adjustment"),
    # Ledger lines of the promotions app (marketing.promotions).
    "spend_off": _("Spend-and-save credit"),
    "package_refund": _("Package refund"),
    "flash_sale": _("Flash sale"),
}

FLAGS = {
    "cheapest": _("Cheapest"),
    "fastest": _("Fastest"),
    "recommended": _("Recommended"),
}


def reason_text(code: str | None) -> str:
    return str(INELIGIBLE_REASONS.get(code, code or ""))
