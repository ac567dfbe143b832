from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parcelhub.accounts.models import Industry
from parcelhub.core.money import format_fen
from parcelhub.crm.workbench.models import Outcome
from parcelhub.crm.workbench.selectors import offerable_coupons


class TaskLogForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    coupon = forms.ModelChoiceField(label=_("Offer a coupon"), queryset=None, required=False,
                                    empty_label=_("No coupon"), to_field_name="public_id")
    close = forms.BooleanField(label=_("Close the task"), required=False)

    def __init__(self, *args, outcomes: tuple[str, ...], offer_coupon: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o, Outcome(o).label) for o in outcomes]
        if offer_coupon:
            self.fields["coupon"].queryset = offerable_coupons()
            self.fields["coupon"].label_from_instance = _coupon_label
        else:
            del self.fields["coupon"]


def _coupon_label(coupon) -> str:
    if coupon.amount_off_fen:
        off = _("%(amount)s off") % {"amount": format_fen(coupon.amount_off_fen)}
    else:
        off = _("%(pct)s%% off") % {"pct": f"{coupon.percent_off_bp / 100:g}"}
    until = _("until %(day)s") % {"day": coupon.valid_until.astimezone().date().isoformat()}
    return f"{coupon.name} · {off} · {until}"


class SnoozeForm(forms.Form):
    until = forms.DateField(label=_("Snooze until"), widget=forms.DateInput(attrs={"type": "date"}))


class ReviewForm(forms.Form):
    on = forms.DateField(label=_("Review on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Agenda"), max_length=300, required=False)


class ManagerProfileForm(forms.Form):
    capacity = forms.IntegerField(label=_("Capacity"), min_value=0, max_value=10_000)
    provinces = forms.CharField(label=_("Provinces (adcodes, comma-separated)"), required=False, max_length=400)
    industries = forms.MultipleChoiceField(label=_("Industries"), choices=Industry.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    accepts_new = forms.BooleanField(label=_("Takes new accounts"), required=False)

    def clean_provinces(self) -> list[str]:
        codes = [c.strip() for c in self.cleaned_data["provinces"].replace("，", ",").split(",") if c.strip()]
        bad = [c for c in codes if not (len(c) == 6 and c.isdigit() and c.endswith("0000"))]
        if bad:
            raise forms.ValidationError(_("Not a province adcode: %(codes)s") % {"codes": ", ".join(bad)})
        return codes
