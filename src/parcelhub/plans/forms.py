from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parcelhub.billing.forms import YuanField
from parcelhub.plans.models import Feature, Plan, RechargeBonusRule


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    rank = forms.IntegerField(label=_("Rank"), min_value=0, max_value=1000,
                              help_text=_("Higher is more: decides upgrade or downgrade."))
    price_monthly = YuanField(label=_("Monthly price (yuan)"))
    price_annual = YuanField(label=_("Annual price (yuan)"))
    features = forms.MultipleChoiceField(label=_("Features"), choices=Feature.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    sms_monthly_quota = forms.IntegerField(label=_("SMS per month"), min_value=0, required=False,
                                           help_text=_("Empty: the platform default."))
    bulk_import_max_rows = forms.IntegerField(label=_("Rows per import file"), min_value=1, required=False,
                                              help_text=_("Empty: unlimited."))
    is_active = forms.BooleanField(label=_("Offered to merchants"), required=False)

    @classmethod
    def for_plan(cls, plan: Plan, data=None) -> PlanForm:
        initial = {"name": plan.name, "description": plan.description, "rank": plan.rank,
                   "price_monthly": f"{plan.price_monthly_fen / 100:.2f}",
                   "price_annual": f"{plan.price_annual_fen / 100:.2f}", "features": plan.features,
                   "sms_monthly_quota": plan.sms_monthly_quota, "bulk_import_max_rows": plan.bulk_import_max_rows,
                   "is_active": plan.is_active}
        return cls(data, initial=initial)

    def values(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"], "description": data["description"], "rank": data["rank"],
                "price_monthly_fen": data["price_monthly"] or 0, "price_annual_fen": data["price_annual"] or 0,
                "features": list(data["features"]), "sms_monthly_quota": data["sms_monthly_quota"],
                "bulk_import_max_rows": data["bulk_import_max_rows"], "is_active": data["is_active"]}


class BonusRuleForm(forms.ModelForm):
    min_recharge = YuanField(label=_("Minimum recharge (yuan)"))
    bonus = YuanField(label=_("Bonus credit (yuan)"), required=False)
    starts_at = forms.DateTimeField(label=_("From"), required=False,
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Until"), required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    class Meta:
        model = RechargeBonusRule
        fields = ["name", "kind", "plan", "months", "starts_at", "ends_at", "is_active"]

    field_order = ["name", "min_recharge", "kind", "bonus", "plan", "months", "starts_at", "ends_at", "is_active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.exclude(price_monthly_fen=0, price_annual_fen=0)
        self.fields["plan"].required = False
        self.fields["months"].required = False
        if self.instance.pk:
            self.fields["min_recharge"].initial = f"{self.instance.min_recharge_fen / 100:.2f}"
            self.fields["bonus"].initial = f"{self.instance.bonus_fen / 100:.2f}"

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if not data.get("min_recharge"):
            self.add_error("min_recharge", _("Enter the minimum recharge."))
        if kind == "credit" and not data.get("bonus"):
            self.add_error("bonus", _("Enter the bonus credit."))
        if kind == "plan":
            if not data.get("plan"):
                self.add_error("plan", _("Choose the plan to give."))
            if not data.get("months"):
                self.add_error("months", _("Give at least one month."))
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must come after the start."))
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        credit = data["kind"] == "credit"
        return {"name": data["name"], "min_recharge_fen": data["min_recharge"], "kind": data["kind"],
                "bonus_fen": (data.get("bonus") or 0) if credit else 0, "plan": None if credit else data["plan"],
                "months": 0 if credit else data["months"], "starts_at": data["starts_at"], "ends_at": data["ends_at"],
                "is_active": data["is_active"]}


class GrantForm(forms.Form):
    merchant = forms.CharField(label=_("Merchant id"), max_length=40, widget=forms.TextInput(attrs={"placeholder": "mch_…"}))
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.exclude(price_monthly_fen=0, price_annual_fen=0),
                                  to_field_name="code")
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=36, initial=1)
    note = forms.CharField(label=_("Reason"), max_length=200)
