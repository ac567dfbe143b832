from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from parcelhub.core import clock
from parcelhub.crm.models import Segment
from parcelhub.marketing.campaigns.models import OfferKind
from parcelhub.marketing.campaigns.offers import BONUS_MAX_FEN, offer_choices, package_choices


class DateInput(forms.DateInput):
    input_type = "date"


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    segment = forms.ModelChoiceField(label=_("Segment"), queryset=Segment.objects.all(), to_field_name="public_id",
                                     empty_label=None)
    offer_kind = forms.ChoiceField(label=_("Offer"), choices=OfferKind.choices, initial=OfferKind.COUPON,
                                   required=False)
    offer = forms.ChoiceField(label=_("Coupon"), required=False)
    package = forms.ChoiceField(label=_("Promotion package"), required=False,
                                help_text=_("Given free: no charge to the merchant's wallet."))
    amount_yuan = forms.DecimalField(label=_("Bonus credit per merchant (¥)"), required=False,
                                     min_value=Decimal("0.01"), max_value=Decimal(BONUS_MAX_FEN) / 100,
                                     decimal_places=2,
                                     help_text=_("Spent on labels after the cash balance; never withdrawn."))
    control_percent = forms.DecimalField(label=_("Control share (%)"), min_value=Decimal(0), max_value=Decimal(50),
                                         decimal_places=2, initial=Decimal(10),
                                         help_text=_("Merchants held out at random: they receive nothing."))
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput)
    pre_days = forms.IntegerField(label=_("Pre-period (days)"), min_value=7, max_value=366, initial=28,
                                  help_text=_("Each merchant's volume before the start reduces the noise (CUPED)."))
    post_days = forms.IntegerField(label=_("After-period (days)"), min_value=0, max_value=366, initial=28)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].choices = [(c.public_id, f"{c.name} ({c.public_id})") for c in offer_choices()]
        self.fields["package"].choices = [(p.public_id, f"{p.name} ({p.public_id})") for p in package_choices()]
        today = clock.today()
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = today + dt.timedelta(days=13)

    def clean_offer_kind(self) -> str:
        return self.cleaned_data.get("offer_kind") or OfferKind.COUPON

    def clean(self):
        data = super().clean()
        # Only the chosen kind's field counts; the others keep whatever the page showed.
        required = {OfferKind.COUPON: "offer", OfferKind.PACKAGE: "package", OfferKind.BONUS: "amount_yuan"}
        field = required.get(data.get("offer_kind"))
        if field and data.get(field) in (None, "") and field not in self.errors:
            self.add_error(field, _("Required for this kind of offer."))
        return data

    @property
    def control_bp(self) -> int:
        return int(self.cleaned_data["control_percent"] * 100)

    @property
    def offer_ref(self) -> str:
        kind = self.cleaned_data["offer_kind"]
        return {OfferKind.COUPON: self.cleaned_data["offer"], OfferKind.PACKAGE: self.cleaned_data["package"]}.get(kind, "")

    @property
    def offer_amount_fen(self) -> int:
        if self.cleaned_data["offer_kind"] != OfferKind.BONUS:
            return 0
        return int(self.cleaned_data["amount_yuan"] * 100)


class RegionalPushForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    treated_regions = forms.CharField(label=_("Pushed regions (adcodes)"), initial="330782",
                                      help_text=_("Separated by spaces or commas, e.g. 330782 for 义乌."))
    comparison_regions = forms.CharField(label=_("Comparison regions (adcodes)"), initial="440100 440300",
                                         help_text=_("Comparable regions without the push, e.g. 440100 440300."))
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput)
    pre_days = forms.IntegerField(label=_("Pre-period (days)"), min_value=7, max_value=366, initial=28)

    @staticmethod
    def codes(text: str) -> list[str]:
        return [part for part in text.replace(",", " ").replace("，", " ").split() if part]
