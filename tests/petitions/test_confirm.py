import time

import pytest
from django.core import signing

from petitions import services
from petitions.models import Signature, Statement
from petitions.tokens import CONFIRM_SALT, make_confirm_token
from tests.factories import SignatureFactory


@pytest.fixture
def pending(statement):
    return SignatureFactory(statement=statement)


def confirm_url(signature):
    return f"/confirm/{make_confirm_token(signature)}/"


def test_it_confirms_the_signature_and_thanks_with_share_links(client, pending, settings):
    response = client.get(confirm_url(pending))

    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Signature.Status.CONFIRMED
    assert pending.confirmed_at is not None
    html = response.content.decode()
    assert "Thank you" in html
    share = f"{settings.SITE_URL}/c/peru/statement/"
    for needle in ("wa.me", "x.com/intent", "facebook.com/sharer", "t.me/share", "mailto:", "data-copy"):
        assert needle in html
    assert share in html


def test_opening_the_link_twice_changes_nothing_more(client, pending):
    client.get(confirm_url(pending))
    pending.refresh_from_db()
    first_confirmed_at = pending.confirmed_at

    response = client.get(confirm_url(pending))

    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.confirmed_at == first_confirmed_at


def test_the_tally_counts_a_confirmation_once(client, pending, statement):
    client.get(confirm_url(pending))
    client.get(confirm_url(pending))

    assert services.tally(statement.pk) == 1
    assert services.tally(statement.pk) == 0
    statement.refresh_from_db()
    assert statement.signature_count == 1


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "a" * 500,
        "%00",
        signing.dumps("00000000-0000-0000-0000-000000000000", salt=CONFIRM_SALT),
        signing.dumps("not-a-uuid", salt=CONFIRM_SALT),
        signing.dumps("x", salt="another-salt"),
    ],
)
def test_it_answers_forged_tokens_with_a_clear_page(client, pending, token):
    response = client.get(f"/confirm/{token}/")

    assert response.status_code == 400
    assert b"This confirmation link is not valid" in response.content
    pending.refresh_from_db()
    assert pending.status == Signature.Status.PENDING


def test_it_rejects_a_tampered_token(client, pending):
    token = make_confirm_token(pending)
    value, stamp, sig = token.rsplit(":", 2)
    tampered = f"{value}:{stamp}:{sig[:-2]}{'AA' if sig[-2:] != 'AA' else 'BB'}"

    response = client.get(f"/confirm/{tampered}/")

    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == Signature.Status.PENDING


def test_it_explains_an_expired_token_and_offers_to_sign_again(client, pending, settings):
    token = make_confirm_token(pending)
    settings.CONFIRM_TOKEN_MAX_AGE = -1

    response = client.get(f"/confirm/{token}/")

    assert response.status_code == 410
    html = response.content.decode()
    assert "expired" in html
    assert 'href="/c/peru/statement/"' in html
    pending.refresh_from_db()
    assert pending.status == Signature.Status.PENDING


def test_it_does_not_confirm_once_the_statement_closed(client, pending, statement):
    statement.status = Statement.Status.CLOSED
    statement.save()

    response = client.get(confirm_url(pending))

    assert response.status_code == 409
    pending.refresh_from_db()
    assert pending.status == Signature.Status.PENDING


def test_a_link_older_than_thirty_days_has_expired(client, pending):
    class ThirtyOneDaysAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 31 * 24 * 3600)

    token = ThirtyOneDaysAgo(salt=CONFIRM_SALT).sign_object(str(pending.uuid))

    response = client.get(f"/confirm/{token}/")

    assert response.status_code == 410
    pending.refresh_from_db()
    assert pending.status == Signature.Status.PENDING
