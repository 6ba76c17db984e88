"""The headers every outgoing email gets, derived from its outbox row."""

from urllib.parse import urlsplit

from django.conf import settings


def message_id(message) -> str:
    """The Message-ID of an outbox row: the same on every attempt, so a resend is recognisably one message."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{message.uuid}@{domain}>"


def message_headers(message, email) -> dict[str, str]:
    headers = {"Message-ID": message_id(message), "Auto-Submitted": "auto-generated"}
    if email.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers
