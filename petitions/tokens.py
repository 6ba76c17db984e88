"""Signed links for a signature: confirming it (expires) and withdrawing it (does not). They carry
the signature's public UUID only (see campaign.tokens)."""

from django.conf import settings

from campaign import tokens
from campaign.tokens import InvalidToken

CONFIRM_SALT = "petitions.confirm"
WITHDRAW_SALT = "petitions.withdraw"


class ExpiredToken(InvalidToken):
    def __init__(self, signature_uuid):
        super().__init__("expired")
        self.signature_uuid = signature_uuid


def make_confirm_token(signature) -> str:
    return tokens.make(str(signature.uuid), CONFIRM_SALT)


def read_confirm_token(token: str) -> str:
    """Return the signature UUID the token was made for, or raise InvalidToken/ExpiredToken."""
    try:
        value = tokens.read(token, CONFIRM_SALT, max_age=settings.CONFIRM_TOKEN_MAX_AGE)
    except tokens.Expired as expired:
        raise ExpiredToken(tokens.as_uuid(expired.value)) from None
    return tokens.as_uuid(value)


def make_withdraw_token(signature) -> str:
    """A link that lets the signer withdraw; it does not expire (withdrawal is a right, not a deadline)."""
    return tokens.make(str(signature.uuid), WITHDRAW_SALT)


def read_withdraw_token(token: str) -> str:
    """Return the signature UUID the withdrawal token was made for, or raise InvalidToken."""
    return tokens.as_uuid(tokens.read(token, WITHDRAW_SALT))
