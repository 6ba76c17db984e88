"""Signed unsubscribe tokens. They carry a signature's public UUID and never expire: an unsubscribe
link in an old email must still work."""

import uuid

from django.core import signing

UNSUBSCRIBE_SALT = "updates.unsubscribe"
# The token put in test emails sent to organisers: the link opens a page that explains it.
TEST_PAYLOAD = "test"


class InvalidToken(Exception):
    pass


def make_unsubscribe_token(signature=None) -> str:
    payload = str(signature.uuid) if signature is not None else TEST_PAYLOAD
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=False)


def read_unsubscribe_token(token: str) -> str:
    """Return the signature UUID (or TEST_PAYLOAD) the token was made for, or raise InvalidToken."""
    if not token or len(token) > 200:
        raise InvalidToken("malformed")
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise InvalidToken("bad signature") from exc
    if value == TEST_PAYLOAD:
        return value
    try:
        return str(uuid.UUID(str(value)))
    except ValueError as exc:
        raise InvalidToken("not a signature id") from exc
