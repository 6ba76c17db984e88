import copy
import functools

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from safety import abuse

from .models import Signature
from .services import consent_wording
from .signup import SignUpForm, clean_text


@functools.lru_cache(maxsize=32)
def _country_choices(language: str | None) -> list:
    return [("", _("Choose your country")), *countries]


class _CountryChoices(BaseChoiceIterator):
    """The countries sorted in the active language: sorted once per language, not on every form."""

    def __iter__(self):
        return iter(_country_choices(get_language()))


@functools.lru_cache(maxsize=256)
def _fields(form_class, ask_organisation: bool, ask_location: bool, ask_comment: bool, consent_label: str):
    """A signing form's fields for a statement that asks these questions (see SignatureForm)."""
    fields = copy.deepcopy(form_class.base_fields)
    form_class.adjust_fields(fields)
    fields["consent_contact"].label = consent_label
    fields["show_publicly"].widget.attrs["aria-describedby"] = "listing-note"
    if not ask_organisation:
        for name in ("kind", "organisation", "role"):
            del fields[name]
    if not ask_location:
        del fields["location"]
    if not ask_comment:
        del fields["comment"]
    fields["country"].widget.attrs.update(autocomplete="country")
    return fields


@functools.cache
def _country_codes() -> frozenset:
    return frozenset(code for code, _name in countries)


class CountryChoiceField(forms.ChoiceField):
    """The country list, checked by a set lookup rather than a walk through ~250 choices."""

    def valid_value(self, value):
        return str(value) in _country_codes()


class SignatureForm(SignUpForm):
    """The signing form. Which optional questions appear depends on the statement."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send you a link to confirm. It is never shown publicly."),
    )
    country = CountryChoiceField(label=_("Country"), choices=_CountryChoices())
    kind = forms.ChoiceField(
        label=_("I am signing"),
        choices=[
            (Signature.Kind.INDIVIDUAL, _("as an individual")),
            (Signature.Kind.ORGANISATION, _("on behalf of an organisation")),
        ],
        initial=Signature.Kind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    role = forms.CharField(label=_("Your role in the organisation"), max_length=100, required=False)
    location = forms.CharField(label=_("City or postcode"), max_length=100, required=False)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    show_publicly = forms.BooleanField(
        label=_("Show my name on the public list of signatories"), required=False
    )
    # When the form was rendered (signed): sent back too soon, the signature is held for review.
    started = forms.CharField(required=False, widget=forms.HiddenInput, initial=abuse.form_started_token)

    def __init__(self, *args, statement, **kwargs):
        # Django deep-copies every declared field into each form, so that a form may change its own.
        # These fields depend only on the statement's questions and its consent wording, and nothing
        # changes them once made: they are made once per process for each such combination and
        # shared (a signing surge builds a form per signature). So there is nothing to copy here,
        # and SignUpForm's adjustments are already in the shared fields.
        self.base_fields = {}
        super(SignUpForm, self).__init__(*args, **kwargs)
        self.fields = dict(
            _fields(
                type(self),
                statement.ask_organisation,
                statement.ask_location,
                statement.ask_comment,
                consent_wording(statement),
            )
        )
        self.statement = statement

    def clean_email(self):
        email = self.cleaned_data["email"]
        if abuse.is_disposable(email):
            raise forms.ValidationError(
                _("Please use an email address that lasts: disposable addresses can't confirm a signature.")
            )
        return email

    def clean_organisation(self):
        return clean_text(self.cleaned_data.get("organisation"))

    def clean_role(self):
        return clean_text(self.cleaned_data.get("role"))

    def clean_location(self):
        return clean_text(self.cleaned_data.get("location"))

    def clean_comment(self):
        return (self.cleaned_data.get("comment") or "").strip()

    def clean(self):
        data = super().clean()
        if data.get("kind") == Signature.Kind.ORGANISATION:
            if not data.get("organisation"):
                self.add_error("organisation", _("Please enter the organisation's name."))
            if not data.get("role"):
                self.add_error("role", _("Please enter your role in the organisation."))
        return data
