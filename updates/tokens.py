"""Signed unsubscribe tokens. They carry a signature's public UUID and never expire: an unsubscribe
link in an old email must still work (see campaign.tokens)."""

from campaign import tokens
from campaign.tokens import InvalidToken as InvalidToken

UNSUBSCRIBE_SALT = "updates.unsubscribe"
# The token put in test emails sent to organisers: the link opens a page that explains it.
TEST_PAYLOAD = "test"


def make_unsubscribe_token(signature=None) -> str:
    return tokens.make(str(signature.uuid) if signature is not None else TEST_PAYLOAD, UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> str:
    """Return the signature UUID (or TEST_PAYLOAD) the token was made for, or raise InvalidToken."""
    value = tokens.read(token, UNSUBSCRIBE_SALT)
    return value if value == TEST_PAYLOAD else tokens.as_uuid(value)
