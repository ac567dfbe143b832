from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parcelhub.notify.outbox import EVENT_TYPES
from parcelhub.tracking.models import MarketingBlock


class TemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=120, required=False)
    body = forms.CharField(label=_("Message"), max_length=1000, widget=forms.Textarea(attrs={"rows": 5}))
    marketing_block = forms.ModelChoiceField(label=_("Marketing block"), queryset=MarketingBlock.objects.none(),
                                             required=False, empty_label=_("None"))

    def __init__(self, *args, merchant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["marketing_block"].queryset = MarketingBlock.objects.filter(merchant=merchant, is_active=True)


class BlockForm(forms.ModelForm):
    image_url = forms.URLField(label=_("image URL"), required=False, assume_scheme="https")
    link_url = forms.URLField(label=_("link"), required=False, assume_scheme="https")

    class Meta:
        model = MarketingBlock
        fields = ["kind", "title", "text", "image_url", "link_url", "price_fen", "coupon_code", "position",
                  "is_active"]


class WebhookForm(forms.Form):
    url = forms.CharField(label=_("Endpoint URL"), max_length=500)
    description = forms.CharField(label=_("Description"), max_length=120, required=False)
    events = forms.MultipleChoiceField(label=_("Events"), choices=[(e, e) for e in EVENT_TYPES],
                                       widget=forms.CheckboxSelectMultiple, initial=[EVENT_TYPES[0]])


class BlacklistForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=120, required=False)
