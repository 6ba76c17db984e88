"""Signed links (campaign.tokens): forged, tampered, stale or borrowed tokens are refused."""

import uuid

import pytest
from django.core import signing

from campaign import tokens
from events import tokens as event_tokens
from petitions import tokens as petition_tokens
from updates import tokens as update_tokens

ID = uuid.UUID("12345678-1234-5678-1234-567812345678")


class Row:
    uuid = ID
    submission = ID


READERS = {
    "petitions.confirm": petition_tokens.read_confirm_token,
    "petitions.withdraw": petition_tokens.read_withdraw_token,
    "updates.unsubscribe": update_tokens.read_unsubscribe_token,
    "events.manage": event_tokens.read_manage_token,
    "events.confirm": event_tokens.read_confirm_token,
}
MAKERS = {
    "petitions.confirm": petition_tokens.make_confirm_token,
    "petitions.withdraw": petition_tokens.make_withdraw_token,
    "updates.unsubscribe": update_tokens.make_unsubscribe_token,
    "events.manage": event_tokens.make_manage_token,
    "events.confirm": event_tokens.make_confirm_token,
}


@pytest.mark.parametrize("kind", READERS)
def test_each_link_reads_its_own_token(kind):
    value = READERS[kind](MAKERS[kind](Row()))

    assert value == ((str(ID), str(ID)) if kind == "events.confirm" else str(ID))


@pytest.mark.parametrize("kind", READERS)
@pytest.mark.parametrize("other", MAKERS)
def test_no_link_accepts_another_kinds_token(kind, other):
    if kind != other:
        with pytest.raises(tokens.InvalidToken):
            READERS[kind](MAKERS[other](Row()))


@pytest.mark.parametrize("kind", READERS)
@pytest.mark.parametrize("token", ["", "x" * 301, "not-a-token", "e30:1tZ7Zl:forged", "ünïcode:ü:ü"])
def test_every_link_refuses_garbage(kind, token):
    with pytest.raises(tokens.InvalidToken):
        READERS[kind](token)


@pytest.mark.parametrize("kind", READERS)
def test_every_link_refuses_a_tampered_token(kind):
    token = MAKERS[kind](Row())
    _value, rest = token.split(":", 1)
    tampered = signing.b64_encode(b'"00000000-0000-0000-0000-000000000000"').decode() + ":" + rest

    with pytest.raises(tokens.InvalidToken):
        READERS[kind](tampered)


@pytest.mark.parametrize("kind", READERS)
def test_a_signed_value_that_is_no_public_id_is_refused(kind):
    with pytest.raises(tokens.InvalidToken):
        READERS[kind](tokens.make({"id": 1}, kind))


def test_an_expired_confirmation_still_says_which_signature_it_was_for(settings):
    settings.CONFIRM_TOKEN_MAX_AGE = -1
    token = petition_tokens.make_confirm_token(Row())

    with pytest.raises(petition_tokens.ExpiredToken) as expired:
        petition_tokens.read_confirm_token(token)
    with pytest.raises(tokens.InvalidToken):
        event_tokens.read_confirm_token(event_tokens.make_confirm_token(Row()))
    assert expired.value.signature_uuid == str(ID)


def test_the_test_unsubscribe_link_reads_as_such():
    assert update_tokens.read_unsubscribe_token(update_tokens.make_unsubscribe_token()) == "test"
