from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parcelhub.core.money import MoneyFormatError, parse_yuan


class YuanField(forms.Field):
    """An amount typed in yuan ("1,200.50"), cleaned to integer fen."""

    widget = forms.TextInput

    def __init__(self, *, allow_negative: bool = False, **kwargs) -> None:
        self.allow_negative = allow_negative
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(inputmode="decimal", autocomplete="off", maxlength="20")
        return attrs

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        if len(text) > 20:
            raise forms.ValidationError(_("Enter an amount in yuan with at most two decimals."))
        try:
            fen = parse_yuan(text)
        except MoneyFormatError as exc:
            raise forms.ValidationError(_("Enter an amount in yuan with at most two decimals.")) from exc
        if fen < 0 and not self.allow_negative:
            raise forms.ValidationError(_("The amount cannot be negative."))
        return fen


class RechargeForm(forms.Form):
    amount = YuanField(label=_("Amount (yuan)"), help_text=_("From ¥1.00 to ¥1,000,000.00"))


class AdjustmentForm(forms.Form):
    amount = YuanField(label=_("Amount (yuan)"), allow_negative=True,
                       help_text=_("Positive credits the wallet, negative debits it."))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CreditLimitForm(forms.Form):
    credit_limit = YuanField(label=_("Credit limit (yuan)"), help_text=_("0 means no credit."))
