"""Signed links in emails (confirm, withdraw, unsubscribe, an attendee's own page): what they share.

A token is Django's signing of a small JSON value, with a salt of its own for each kind of link.
Reading one refuses, with InvalidToken, whatever is empty or too long, forged or tampered with, or
(with max_age) too old; the caller then says so with a page, never a 500.
"""

import uuid

from django.core import signing


class InvalidToken(Exception):
    pass


class Expired(InvalidToken):
    """Signed by the site but older than max_age; `value` is what it was made for."""

    def __init__(self, value):
        super().__init__("expired")
        self.value = value


def make(value, salt: str) -> str:
    return signing.dumps(value, salt=salt, compress=False)


def read(token: str, salt: str, *, max_age: int | None = None, max_length: int = 200):
    """The value the token was made with; raises InvalidToken (or Expired, with max_age)."""
    if not token or len(token) > max_length:
        raise InvalidToken("malformed")
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise Expired(signing.loads(token, salt=salt)) from None
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise InvalidToken("bad signature") from exc


def as_uuid(value) -> str:
    """A public id carried by a token, in its canonical form; raises InvalidToken if it is none."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError as exc:
        raise InvalidToken("not a public id") from exc
