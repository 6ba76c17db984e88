"""Signed links to an attendee's own page and confirming their place. They carry the attendee's
public UUID only (see campaign.tokens)."""

from django.conf import settings

from campaign import tokens
from campaign.tokens import InvalidToken

MANAGE_SALT = "events.manage"
CONFIRM_SALT = "events.confirm"


def make_manage_token(attendee) -> str:
    return tokens.make(str(attendee.uuid), MANAGE_SALT)


def read_manage_token(token: str) -> str:
    """Return the attendee UUID the token was made for, or raise InvalidToken.

    The link does not expire: it is the attendee's way back to their place until the event is over.
    """
    return tokens.as_uuid(tokens.read(token, MANAGE_SALT))


def make_confirm_token(attendee) -> str:
    """The link that turns a sign-up into a place: it names the attendee and the form they sent."""
    return tokens.make([str(attendee.uuid), str(attendee.submission)], CONFIRM_SALT)


def read_confirm_token(token: str) -> tuple[str, str]:
    """Return (attendee UUID, submission UUID), or raise InvalidToken (forged, tampered, expired)."""
    value = tokens.read(token, CONFIRM_SALT, max_age=settings.CONFIRM_TOKEN_MAX_AGE, max_length=300)
    try:
        attendee_uuid, submission = value
    except (TypeError, ValueError) as exc:
        raise InvalidToken("not an attendee and a submission") from exc
    return tokens.as_uuid(attendee_uuid), tokens.as_uuid(submission)
