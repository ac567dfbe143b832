"""Operator forms for promotions; amounts typed in yuan, cleaned to integer fen."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parcelhub.billing.forms import YuanField
from parcelhub.marketing.promotions.models import RefundTerms, SpendOffRule

_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def _when(label) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, input_formats=_LOCAL,
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_LOCAL[0]))


class CouponForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    amount_off = YuanField(label=_("Amount off (yuan)"), required=False,
                           help_text=_("Either an amount or a percentage."))
    percent_off = forms.DecimalField(label=_("Percent off"), required=False, min_value=0, max_value=100,
                                     decimal_places=2)
    min_spend = YuanField(label=_("Minimum spend (yuan)"), required=False)
    code = forms.CharField(label=_("Claim code"), max_length=32, required=False,
                           help_text=_("Optional: merchants type it to claim the coupon."))
    carrier_code = forms.CharField(label=_("Carrier"), max_length=16, required=False)
    service_code = forms.CharField(label=_("Service"), max_length=24, required=False)
    origin_province = forms.CharField(label=_("From province (adcode)"), max_length=6, required=False)
    destination_province = forms.CharField(label=_("To province (adcode)"), max_length=6, required=False)
    valid_from = _when(_("Valid from"))
    valid_until = _when(_("Valid until"))
    usage_limit_total = forms.IntegerField(label=_("Total uses"), min_value=1, required=False)
    per_merchant_limit = forms.IntegerField(label=_("Per merchant"), min_value=1, initial=1)
    budget = YuanField(label=_("Funding budget (yuan)"), required=False,
                       help_text=_("Funded coupons may go below the margin floor; the subsidy uses this budget."))
    points_price = forms.IntegerField(label=_("Price in points"), min_value=1, required=False)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        percent = data.get("percent_off")
        return {"name": data["name"], "amount_off_fen": data.get("amount_off") or 0,
                "percent_off_bp": int(percent * 100) if percent else 0, "min_spend_fen": data.get("min_spend") or 0,
                "code": data.get("code") or None, "carrier_code": data.get("carrier_code", ""),
                "service_code": data.get("service_code", ""), "origin_province": data.get("origin_province", ""),
                "destination_province": data.get("destination_province", ""), "valid_from": data["valid_from"],
                "valid_until": data["valid_until"], "usage_limit_total": data.get("usage_limit_total"),
                "per_merchant_limit": data["per_merchant_limit"], "budget_fen": data.get("budget"),
                "points_price": data.get("points_price")}


class IssueForm(forms.Form):
    segment = forms.ModelChoiceField(label=_("Segment"), queryset=None, required=False, to_field_name="public_id")
    merchants = forms.CharField(label=_("Merchant ids"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("mch_… ids separated by spaces, commas or new lines."))

    def __init__(self, *args, **kwargs) -> None:
        from parcelhub.crm.models import Segment

        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = Segment.objects.all()

    def merchant_ids(self) -> list[str]:
        return [part for part in self.cleaned_data.get("merchants", "").replace(",", " ").split() if part]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("segment") and not self.merchant_ids():
            raise forms.ValidationError(_("Choose a segment or list merchants."))
        return cleaned


class SpendOffForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=SpendOffRule.Kind.choices)
    threshold = YuanField(label=_("Spend at least (yuan)"))
    off = YuanField(label=_("Credit (yuan)"))
    valid_from = _when(_("Valid from"))
    valid_until = _when(_("Valid until"))


class PackageForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    carrier_code = forms.CharField(label=_("Carrier"), max_length=16)
    service_code = forms.CharField(label=_("Service"), max_length=24)
    destination_provinces = forms.CharField(label=_("To provinces (adcodes)"), required=False,
                                            help_text=_("Separated by spaces or commas; empty means everywhere."))
    labels = forms.IntegerField(label=_("Labels"), min_value=1)
    price = YuanField(label=_("Price (yuan)"))
    max_weight_g = forms.IntegerField(label=_("Max weight per label (g)"), min_value=1, initial=3000)
    insured_value = YuanField(label=_("Insurance included up to (yuan)"), required=False)
    includes_packaging = forms.BooleanField(label=_("Includes packaging"), required=False)
    refund_terms = forms.ChoiceField(label=_("Refund terms"), choices=RefundTerms.choices)
    refund_days = forms.IntegerField(label=_("Refund window (days)"), min_value=0, initial=0)
    on_sale_from = _when(_("On sale from"))
    on_sale_until = _when(_("On sale until"))
    use_until = _when(_("Labels usable until"))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        provinces = [p for p in data.get("destination_provinces", "").replace(",", " ").split() if p]
        return {"name": data["name"], "carrier_code": data["carrier_code"], "service_code": data["service_code"],
                "destination_provinces": provinces, "labels": data["labels"], "price_fen": data["price"],
                "max_weight_g": data["max_weight_g"], "insured_value_fen": data.get("insured_value") or 0,
                "includes_packaging": data["includes_packaging"], "refund_terms": data["refund_terms"],
                "refund_days": data["refund_days"], "on_sale_from": data["on_sale_from"],
                "on_sale_until": data["on_sale_until"], "use_until": data["use_until"]}


class FlashSaleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    item = forms.CharField(label=_("Package or coupon id"), max_length=40, help_text=_("pkg_… or cpn_…"))
    price = YuanField(label=_("Price (yuan)"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    starts_at = _when(_("Starts at"))
    ends_at = _when(_("Ends at"))
