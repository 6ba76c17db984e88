"""DKIM signatures made by the platform itself (dkimpy), when DKIM_PRIVATE_KEY, DKIM_SELECTOR and
DKIM_DOMAIN are set.

RFC 8058 one-click unsubscribe counts only when a DKIM signature covers `List-Unsubscribe` and
`List-Unsubscribe-Post`: signing here makes that true whatever relay is in front. The headers are
signed even where a mail has none (an unsubscribe header, for one): a signed absence means nobody
on the way can add one without breaking the signature.
"""

from functools import cache
from pathlib import Path

import dkim
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SIGNED_HEADERS = (
    b"From",
    b"To",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"List-Unsubscribe",
    b"List-Unsubscribe-Post",
    b"Auto-Submitted",
    b"MIME-Version",
    b"Content-Type",
)


def enabled() -> bool:
    return bool(settings.DKIM_PRIVATE_KEY and settings.DKIM_SELECTOR and settings.DKIM_DOMAIN)


@cache
def _private_key(value: str) -> bytes:
    """The PEM key itself, or the path of a file holding it (a mounted secret)."""
    if "-----BEGIN" in value:
        # One line in an environment file: "\n" written as two characters.
        return value.replace("\\n", "\n").encode()
    try:
        return Path(value).read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(f"DKIM_PRIVATE_KEY is neither a PEM key nor a readable file: {exc}")


def sign(raw: bytes) -> bytes:
    """The message with a DKIM-Signature header in front, or unchanged when DKIM is not configured."""
    if not enabled():
        return raw
    signature = dkim.sign(
        raw,
        settings.DKIM_SELECTOR.encode(),
        settings.DKIM_DOMAIN.encode(),
        _private_key(settings.DKIM_PRIVATE_KEY),
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=list(SIGNED_HEADERS),
        linesep=b"\r\n",
    )
    return signature + raw
