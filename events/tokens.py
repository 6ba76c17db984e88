"""Signed links to an attendee's own page. They carry the attendee's public UUID only."""

import uuid

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
