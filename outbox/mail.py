"""What a builder returns, and the one way to render an email from an app's three templates."""

from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


@dataclass
class Attachment:
    filename: str
    content: str | bytes
    mimetype: str


@dataclass
class Email:
    """A message ready to send. The sender adds the headers every message gets (outbox.sending)."""

    subject: str
    text: str
    html: str = ""
    # Attachment, or an email.message.MIMEPart made ready (calendar invitations).
    attachments: list = field(default_factory=list)
    # For mail a signer may stop (updates): the one-click unsubscribe link (RFC 8058).
    unsubscribe_url: str = ""
    # Overrides the row's address (account emails name their own From/To); rarely needed.
    from_email: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def render(template_prefix: str, context: dict, language: str = "") -> Email:
    """Subject, text and HTML from `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html`.

    Rendered in `language` (the recipient's), falling back to the site's default.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        text = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    return Email(subject=subject, text=text, html=html)
