"""Signed, expiring tokens for confirmation links. They carry the signature's public UUID only."""

import uuid

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "petitions.confirm"


class InvalidToken(Exception):
    pass


class ExpiredToken(InvalidToken):
    def __init__(self, signature_uuid):
        super().__init__("expired")
        self.signature_uuid = signature_uuid


def make_confirm_token(signature) -> str:
    return signing.dumps(str(signature.uuid), salt=CONFIRM_SALT, compress=False)


def read_confirm_token(token: str) -> str:
    """Return the signature UUID the token was made for, or raise InvalidToken/ExpiredToken."""
    if not token or len(token) > 200:
        raise InvalidToken("malformed")
    try:
        value = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.CONFIRM_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise ExpiredToken(_as_uuid(signing.loads(token, salt=CONFIRM_SALT))) from None
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise InvalidToken("bad signature") from exc
    return _as_uuid(value)


def _as_uuid(value) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError as exc:
        raise InvalidToken("not a signature id") from exc


WITHDRAW_SALT = "petitions.withdraw"


def make_withdraw_token(signature) -> str:
    """A link that lets the signer withdraw; it does not expire (withdrawal is a right, not a deadline)."""
    return signing.dumps(str(signature.uuid), salt=WITHDRAW_SALT, compress=False)


def read_withdraw_token(token: str) -> str:
    """Return the signature UUID the withdrawal token was made for, or raise InvalidToken."""
    if not token or len(token) > 200:
        raise InvalidToken("malformed")
    try:
        value = signing.loads(token, salt=WITHDRAW_SALT)
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise InvalidToken("bad signature") from exc
    return _as_uuid(value)
