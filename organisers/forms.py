from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from campaigns.models import Role
from petitions.models import Signature, Statement


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ORGANISER)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class StatementForm(forms.ModelForm):
    class Meta:
        model = Statement
        fields = [
            "title",
            "body",
            "target",
            "closes_at",
            "status",
            "ask_organisation",
            "ask_location",
            "ask_comment",
            "listing_review",
        ]
        labels = {
            "title": _("Title"),
            "body": _("Statement"),
            "target": _("Target number of signatures (optional)"),
            "closes_at": _("Closing date and time, UTC (optional)"),
            "status": _("Status"),
            "listing_review": _("Public list of signatories"),
        }
        help_texts = {
            "body": _("Markdown: **bold**, *italic*, lists and links. Use Preview to check it."),
            "status": _("Draft: not public. Open: people can sign. Closed: shown, but no longer signable."),
        }
        widgets = {
            "closes_at": DateTimeLocalInput(),
            "body": forms.Textarea(attrs={"rows": 14}),
            "listing_review": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closes_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
        self.fields["target"].widget.attrs.update(min="1", inputmode="numeric")
        # A form sent without the choice keeps the statement's (a new one: the default).
        self.fields["listing_review"].required = False

    def clean_listing_review(self):
        return self.cleaned_data.get("listing_review") or self.instance.listing_review


class ExportForm(forms.Form):
    """Filters for the signatory export, read from the query string."""

    STATUS_CONFIRMED = "confirmed"
    STATUS_ALL = "all"

    status = forms.ChoiceField(
        label=_("Signatures"),
        choices=[
            (STATUS_CONFIRMED, _("Confirmed only")),
            (STATUS_ALL, _("Confirmed and awaiting confirmation")),
        ],
        initial=STATUS_CONFIRMED,
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Who"),
        choices=[("", _("Individuals and organisations"))] + list(Signature.Kind.choices),
        required=False,
    )
    consented = forms.BooleanField(label=_("Only people who agreed to be contacted"), required=False)
    signed_from = forms.DateField(
        label=_("Signed from (UTC)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    signed_to = forms.DateField(
        label=_("Signed until (UTC, inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_status(self):
        return self.cleaned_data.get("status") or self.STATUS_CONFIRMED

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("signed_from"), cleaned.get("signed_to")
        if start and end and start > end:
            self.add_error("signed_to", _("The end date must be on or after the start date."))
        return cleaned

    def filters(self) -> dict:
        """The filters as JSON-serialisable values, for the export log."""
        data = self.cleaned_data
        return {
            "status": data["status"],
            "kind": data.get("kind") or "",
            "consented": bool(data.get("consented")),
            "signed_from": data["signed_from"].isoformat() if data.get("signed_from") else None,
            "signed_to": data["signed_to"].isoformat() if data.get("signed_to") else None,
        }


PAPER_DECLARATION = _(
    "The paper forms these signatures were collected on carried the statement's text and told "
    "signers that they will be counted, and that they will be contacted about this campaign only "
    "if they ticked the consent box."
)


class PaperImportForm(forms.Form):
    source = forms.CharField(
        label=_("Where the forms were collected"),
        max_length=200,
        help_text=_("For example “Stall at the May Day march, 1 May”. Kept with the import."),
    )
    declaration = forms.BooleanField(
        label=PAPER_DECLARATION,
        error_messages={
            "required": _("Paper signatures are counted only on this declaration. Tick it if it is true.")
        },
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: name, email, country, city/postcode, organisation, role, consent, signed on. "
            "Name and country are required; the others may be left empty. Consent is “yes” only "
            "for people who ticked the consent box on their form."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_source(self):
        return " ".join(self.cleaned_data["source"].split())

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.PAPER_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s). The limit is %(limit)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.PAPER_IMPORT_MAX_BYTES),
                }
            )
        return upload
