"""EMAIL_URL naming an email provider's API (through django-anymail) instead of an SMTP server.

    postmark://SERVER_TOKEN@
    sendgrid://API_KEY@
    mailgun://API_KEY@SENDER_DOMAIN[?region=eu][&webhook_signing_key=KEY]
    ses://[ACCESS_KEY_ID:SECRET_ACCESS_KEY@]REGION   (without keys: the instance's or task's role)
    brevo://API_KEY@

Read by the settings, so nothing here imports Django. Any other scheme is not a provider: the
settings read it as django-environ's SMTP, console or file URL.
"""

from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass(frozen=True)
class Provider:
    backend: str
    anymail: dict = field(default_factory=dict)


def _key(url) -> str:
    if not url.username:
        raise ValueError(f"EMAIL_URL {url.scheme}:// needs the API key before the @")
    return unquote(url.username)


def _mailgun(url, query) -> dict:
    if not url.hostname:
        raise ValueError("EMAIL_URL mailgun:// needs the sending domain after the @")
    settings = {"MAILGUN_API_KEY": _key(url), "MAILGUN_SENDER_DOMAIN": url.hostname}
    if query.get("region") == "eu":
        settings["MAILGUN_API_URL"] = "https://api.eu.mailgun.net/v3"
    if query.get("webhook_signing_key"):
        settings["MAILGUN_WEBHOOK_SIGNING_KEY"] = query["webhook_signing_key"]
    return settings


def _ses(url, query) -> dict:
    if not url.hostname:
        raise ValueError("EMAIL_URL ses:// needs the AWS region, e.g. ses://eu-west-1")
    client = {"region_name": url.hostname}
    if url.username:
        client["aws_access_key_id"] = unquote(url.username)
        client["aws_secret_access_key"] = unquote(url.password or "")
    return {"AMAZON_SES_CLIENT_PARAMS": client}


PROVIDERS = {
    "postmark": (
        "anymail.backends.postmark.EmailBackend",
        lambda url, q: {"POSTMARK_SERVER_TOKEN": _key(url)},
    ),
    "sendgrid": ("anymail.backends.sendgrid.EmailBackend", lambda url, q: {"SENDGRID_API_KEY": _key(url)}),
    "mailgun": ("anymail.backends.mailgun.EmailBackend", _mailgun),
    "ses": ("anymail.backends.amazon_ses.EmailBackend", _ses),
    "brevo": ("anymail.backends.brevo.EmailBackend", lambda url, q: {"BREVO_API_KEY": _key(url)}),
    # anymail's own test backend: keeps what would be sent in django.core.mail.outbox.
    "anymail-test": ("anymail.backends.test.EmailBackend", lambda url, q: {}),
}


def provider(email_url: str) -> Provider | None:
    """The anymail backend and settings an EMAIL_URL names, or None for SMTP, console and file URLs."""
    url = urlsplit(email_url)
    if url.scheme not in PROVIDERS:
        return None
    backend, settings = PROVIDERS[url.scheme]
    query = {name: values[-1] for name, values in parse_qs(url.query).items()}
    return Provider(backend, settings(url, query))
