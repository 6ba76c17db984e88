"""Signed links to an attendee's own page. They carry the attendee's public UUID only."""

import uuid

from django.conf import settings
from django.core import signing

MANAGE_SALT = "events.manage"


class InvalidToken(Exception):
    pass


def make_manage_token(attendee) -> str:
    return signing.dumps(str(attendee.uuid), salt=MANAGE_SALT, compress=False)


def read_manage_token(token: str) -> str:
    """Return the attendee UUID the token was made for, or raise InvalidToken.

    The link does not expire: it is the attendee's way back to their place until the event is over.
    """
    if not token or len(token) > 200:
        raise InvalidToken("malformed")
    try:
        value = signing.loads(token, salt=MANAGE_SALT)
        return str(uuid.UUID(str(value)))
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise InvalidToken("bad signature") from exc


CONFIRM_SALT = "events.confirm"


def make_confirm_token(attendee) -> str:
    """The link that turns a sign-up into a place: it names the attendee and the form they sent."""
    return signing.dumps([str(attendee.uuid), str(attendee.submission)], salt=CONFIRM_SALT, compress=False)


def read_confirm_token(token: str) -> tuple[str, str]:
    """Return (attendee UUID, submission UUID), or raise InvalidToken (forged, tampered, expired)."""
    if not token or len(token) > 300:
        raise InvalidToken("malformed")
    try:
        attendee_uuid, submission = signing.loads(
            token, salt=CONFIRM_SALT, max_age=settings.CONFIRM_TOKEN_MAX_AGE
        )
        return str(uuid.UUID(str(attendee_uuid))), str(uuid.UUID(str(submission)))
    except (signing.BadSignature, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise InvalidToken("bad signature") from exc
