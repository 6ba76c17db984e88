from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Donation, Fund
from .services import DONATION_FIELDS


class FundForm(forms.ModelForm):
    class Meta:
        model = Fund
        fields = ("target", "currency", "deadline", "time_zone", "payment_url")
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}

    def clean_currency(self):
        return (self.cleaned_data.get("currency") or "").strip().upper()


class DonationForm(forms.ModelForm):
    class Meta:
        model = Donation
        fields = DONATION_FIELDS
        widgets = {"received_on": forms.DateInput(attrs={"type": "date"})}


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Why is this donation void?"), max_length=1000)
