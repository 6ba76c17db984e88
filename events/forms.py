from django import forms
from django.utils.translation import gettext_lazy as _

from petitions.signup import SignUpForm, clean_text

from .services import consent_wording


class EventSignUpForm(SignUpForm):
    """Signing up for an event. Which optional questions appear depends on the event."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We email you the details of your place. It is never shown publicly."),
    )
    organisation = forms.CharField(label=_("Organisation (optional)"), max_length=200, required=False)
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        help_text=_("Tell the organisers what would help you take part. Only they see this."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["consent_contact"].label = consent_wording(event)
        if not event.ask_organisation:
            del self.fields["organisation"]
        if not event.ask_accessibility:
            del self.fields["accessibility_needs"]

    def clean_organisation(self):
        return clean_text(self.cleaned_data.get("organisation"))

    def clean_accessibility_needs(self):
        return (self.cleaned_data.get("accessibility_needs") or "").strip()
