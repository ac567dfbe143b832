from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RateCardUploadForm(forms.Form):
    file = forms.FileField(label=_("Rate card file (CSV or XLSX)"))
    dry_run = forms.BooleanField(label=_("Validate only (save nothing)"), required=False)

