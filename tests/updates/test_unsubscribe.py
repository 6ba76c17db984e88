from django.conf import settings
from django.core import mail
from django.test import Client

from tests.updates.factories import UpdateFactory
from updates import services
from updates.emails import unsubscribe_url
from updates.models import Unsubscribe


def path_of(signature=None):
    return unsubscribe_url(signature).removeprefix(settings.SITE_URL)


def test_opening_the_link_asks_before_unsubscribing(client, consenting):
    signer = consenting()

    response = client.get(path_of(signer))

    assert response.status_code == 200
    assert b'<form method="post">' in response.content
    assert not Unsubscribe.objects.exists()


def test_one_click_post_unsubscribes_without_a_csrf_token(consenting, campaign):
    signer = consenting()
    client = Client(enforce_csrf_checks=True)

    response = client.post(path_of(signer), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert Unsubscribe.objects.filter(campaign=campaign).count() == 1
    signer.refresh_from_db()
    assert signer.consent_contact is False


def test_unsubscribing_twice_is_harmless(client, consenting):
    signer = consenting()
    client.post(path_of(signer))

    response = client.post(path_of(signer))

    assert response.status_code == 200
    assert Unsubscribe.objects.count() == 1


def test_it_keeps_no_email_address(client, consenting):
    signer = consenting(email="ana@example.org")
    client.post(path_of(signer))

    stored = Unsubscribe.objects.get()
    assert "ana" not in stored.email_hash
    assert stored.email_hash == services.email_hash("ana@example.org")


def test_a_tampered_link_is_rejected(client, consenting):
    signer = consenting()

    response = client.post(path_of(signer)[:-3] + "x/")

    assert response.status_code == 400
    assert not Unsubscribe.objects.exists()


def test_the_test_email_link_explains_itself(client, db):
    response = client.post(path_of(None))

    assert response.status_code == 200
    assert b"test email" in response.content
    assert not Unsubscribe.objects.exists()


def test_later_updates_respect_the_unsubscribe(client, send_now, update, consenting, statement):
    # Given a signer who unsubscribed from the first update with one click
    ana = consenting()
    ben = consenting()
    send_now(update)
    link = mail.outbox[0].extra_headers["List-Unsubscribe"][1:-1]
    unsubscribed = mail.outbox[0].to[0]
    Client().post(link.removeprefix(settings.SITE_URL))
    mail.outbox.clear()

    # When the campaign sends another update
    send_now(UpdateFactory(statement=statement))

    # Then only the other signer gets it
    assert [m.to[0] for m in mail.outbox] == [({ana.email, ben.email} - {unsubscribed}).pop()]
