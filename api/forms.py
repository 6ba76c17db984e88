from django import forms
from django.utils.translation import gettext_lazy as _

from campaign import events
from petitions.signup import clean_text

from .models import ApiKey
from .webhooks import url_problem


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


EVENT_LABELS = [
    (events.SIGNATURE_CONFIRMED, _("A signature is confirmed")),
    (events.SIGNATURE_WITHDRAWN, _("A signature is withdrawn")),
    (events.ATTENDEE_REGISTERED, _("Someone signs up for an event")),
    (events.ATTENDEE_CANCELLED, _("Someone cancels their place")),
    (events.DONATION_RECORDED, _("A donation is recorded")),
]


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address of your tool that accepts POST requests."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EVENT_LABELS,
        initial=[value for value, _label in EVENT_LABELS],
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        problem = url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url
