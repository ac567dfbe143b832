from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from parcelhub.core import clock
from parcelhub.crm.models import Segment
from parcelhub.marketing.campaigns.offers import offer_choices


class DateInput(forms.DateInput):
    input_type = "date"


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    segment = forms.ModelChoiceField(label=_("Segment"), queryset=Segment.objects.all(), to_field_name="public_id",
                                     empty_label=None)
    offer = forms.ChoiceField(label=_("Coupon"))
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
        today = clock.today()
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = today + dt.timedelta(days=13)

    @property
    def control_bp(self) -> int:
        return int(self.cleaned_data["control_percent"] * 100)


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
