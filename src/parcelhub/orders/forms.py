from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parcelhub.orders.importing.layouts import LAYOUTS
from parcelhub.orders.models import Order


class OrderFilterForm(forms.Form):
    """The list's filters as a GET form (its widgets; `OrderFilters.from_query` reads the values)."""

    q = forms.CharField(label=_("Search"), max_length=64, required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Order number, name, phone or SKU")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *Order.Status.choices])
    source = forms.ChoiceField(label=_("Source"), required=False,
                               choices=[("", _("All sources")), *Order.Source.choices])
    province = forms.RegexField(label=_("Province"), regex=r"^\d{6}$", required=False)
    created_from = forms.DateField(label=_("Created from"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    created_to = forms.DateField(label=_("Created to"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    mode = forms.ChoiceField(label=_("Mode"), required=False,
                             choices=[("live", _("Live orders")), ("test", _("Test orders"))])


class OrderImportForm(forms.Form):
    file = forms.FileField(label=_("Order file (CSV or XLSX)"))
    layout = forms.ChoiceField(label=_("File layout"), required=False,
                               choices=[("", _("Detect from the header row")),
                                        *((key, layout.label) for key, layout in LAYOUTS.items())])
