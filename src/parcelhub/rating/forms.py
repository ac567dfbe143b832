from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from parcelhub.rating import quoting


class CompareForm(forms.Form):
    """Either paste a destination address, or pick province / city / district."""

    origin = forms.CharField(label=_("From"), max_length=300, required=False,
                             help_text=_("Leave empty to ship from your default origin"))
    destination = forms.CharField(label=_("To (paste an address)"), max_length=300, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2, "placeholder": "张三 13800138000 浙江省义乌市稠城街道工人北路1号"}))
    province = forms.CharField(required=False, max_length=6)
    city = forms.CharField(required=False, max_length=6)
    district = forms.CharField(required=False, max_length=6)
    weight_kg = forms.DecimalField(label=_("Weight (kg)"), min_value=Decimal("0.001"),
                                   max_value=Decimal(quoting.MAX_WEIGHT_G) / 1000, decimal_places=3)
    length_cm = forms.IntegerField(label=_("Length (cm)"), min_value=1, max_value=quoting.MAX_SIDE_CM,
                                   required=False)
    width_cm = forms.IntegerField(label=_("Width (cm)"), min_value=1, max_value=quoting.MAX_SIDE_CM, required=False)
    height_cm = forms.IntegerField(label=_("Height (cm)"), min_value=1, max_value=quoting.MAX_SIDE_CM,
                                   required=False)
    declared_value = forms.DecimalField(label=_("Declared value (¥)"), min_value=0, decimal_places=2,
                                        max_value=Decimal(quoting.MAX_DECLARED_VALUE_FEN) / 100, required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("destination") or data.get("province")):
            raise forms.ValidationError(_("Paste a destination address or pick a province."))
        return data

    def to_request(self) -> quoting.ParcelRequest:
        data = self.cleaned_data
        origin = quoting.Place(address=data["origin"]) if data.get("origin") else None
        if data.get("destination"):
            destination = quoting.Place(address=data["destination"])
        else:
            destination = quoting.Place(province=data["province"], city=data.get("city") or None,
                                        district=data.get("district") or None)
        return quoting.ParcelRequest(
            origin=origin, destination=destination, weight_g=int(data["weight_kg"] * 1000),
            length_cm=data.get("length_cm") or 0, width_cm=data.get("width_cm") or 0,
            height_cm=data.get("height_cm") or 0, declared_value_fen=int((data.get("declared_value") or 0) * 100),
        )
