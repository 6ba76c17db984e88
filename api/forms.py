from django import forms
from django.utils.translation import gettext_lazy as _

from petitions.signup import clean_text

from .models import ApiKey


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the key is for, e.g. “CRM sync” or “Stall tablet”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"), choices=ApiKey.Scope.choices, initial=ApiKey.Scope.READ, widget=forms.RadioSelect
    )

    def clean_name(self):
        name = clean_text(self.cleaned_data["name"]).replace("\x00", "")
        if not name:
            raise forms.ValidationError(_("Please give the key a name."))
        return name
