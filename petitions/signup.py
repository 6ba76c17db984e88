"""The public sign-up path shared by statements and events.

Signing a statement and signing up for an event take a name and an email from a public form, drop
honeypot submissions without saying so, keep only a keyed hash of the IP address, and answer with
the same 303 whether or not that email had signed up before, so nobody can test who did.
"""

from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import RequestInfo, hash_ip, normalize_email

__all__ = [
    "RequestInfo",
    "SignUpForm",
    "clean_text",
    "external_referrer",
    "hash_ip",
    "normalize_email",
    "request_info",
    "tracking_initial",
]


def clean_text(value: str | None) -> str:
    """Collapse whitespace (including newlines) so names and organisations stay on one line."""
    return " ".join((value or "").split())


def external_referrer(request) -> str:
    referrer = request.META.get("HTTP_REFERER", "")
    if not referrer or urlsplit(referrer).netloc == request.get_host():
        return ""
    return referrer[:500]


# Query parameters that only say where a visitor came from: the page shows the same for all of them
# (utm_source and src reach the form as per-visitor values), so a shared link can use the page cache.
TRACKING_PARAMETERS = frozenset(
    {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "src"}
)


def tracking_initial(request, *, referrer: bool = True) -> dict:
    """Initial values of the hidden fields that carry where a visitor came from.

    Without the referrer, from the URL alone: for a page that shared caches keep by URL, whose
    script fills in the referrer (static/js/site.js).
    """
    initial = {"utm_source": request.GET.get("utm_source", "")[:100], "src": request.GET.get("src", "")[:20]}
    if referrer:
        initial["ref"] = external_referrer(request)
    return initial


def request_info(request, form) -> RequestInfo:
    return RequestInfo(
        ip=request.META.get("REMOTE_ADDR", ""),
        # gunicorn refuses a NUL in a header, other servers may not; PostgreSQL cannot store one.
        user_agent=request.META.get("HTTP_USER_AGENT", "").replace("\x00", ""),
        referrer=form.cleaned_data.get("ref", ""),
        utm_source=form.cleaned_data.get("utm_source", ""),
        source=form.cleaned_data.get("src", ""),
    )


class SignUpForm(forms.Form):
    """Name, email, consent to be contacted (unticked), a honeypot and where the visitor came from."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254)
    consent_contact = forms.BooleanField(required=False)
    # Honeypot: hidden from people by CSS, filled in by naive bots.
    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=200)
    # Where the visitor came from, carried from the page's query string and referrer.
    utm_source = forms.CharField(required=False, widget=forms.HiddenInput)
    ref = forms.CharField(required=False, widget=forms.HiddenInput)
    # How the visitor arrived: "shortlink" after a short link's redirect, else empty (the web form).
    src = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.adjust_fields(self.fields)

    @staticmethod
    def adjust_fields(fields: dict) -> None:
        """Browser hints on the fields, set on a form's own copies of them."""
        fields["name"].widget.attrs.update(autocomplete="name")
        fields["email"].widget.attrs.update(autocomplete="email", inputmode="email")
        fields["website"].widget.attrs.update(autocomplete="off", tabindex="-1")

    def clean_name(self):
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Please enter your name."))
        return name

    def clean_utm_source(self):
        return clean_text(self.cleaned_data.get("utm_source"))[:100]

    def clean_src(self):
        # Only a short link may be claimed from the query string; the widget sets "embed" itself.
        return "shortlink" if self.cleaned_data.get("src") == "shortlink" else ""

    def clean_ref(self):
        return (self.cleaned_data.get("ref") or "").strip()[:500]

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))
