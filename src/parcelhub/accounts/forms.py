from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from parcelhub.accounts.models import ApiKey, Industry, Merchant


class SignupForm(forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=120)
    contact_name = forms.CharField(label=_("Contact person"), max_length=60)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=8)
    origin = forms.CharField(label=_("Default shipping origin"), max_length=200,
                             help_text=_("The address parcels usually leave from, e.g. 浙江省义乌市稠城街道工人北路1号"))
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices)
    expected_monthly_volume = forms.IntegerField(label=_("Expected parcels per month"), min_value=0,
                                                 max_value=10_000_000)
    channel = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True}))


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    mode = forms.ChoiceField(label=_("Mode"), choices=ApiKey.Mode.choices, initial=ApiKey.Mode.TEST)


class ShippingSettingsForm(forms.Form):
    origin = forms.CharField(label=_("Default shipping origin"), max_length=200,
                             help_text=_("The address parcels leave from; couriers come here for pickups"))
    contact_name = forms.CharField(label=_("Sender name on labels"), max_length=60)
    phone = forms.CharField(label=_("Sender phone on labels"), max_length=20)
    label_size = forms.ChoiceField(label=_("Label size"), choices=Merchant._meta.get_field("label_size").choices)
    privacy_waybills = forms.BooleanField(
        label=_("Privacy waybills"), required=False,
        help_text=_("Print the recipient's name and phone masked (张*, 138****8000)"))
