import pytest
from django.core import mail

from outbox import headers, sender
from outbox.models import OutboxMessage


def test_it_puts_the_password_reset_email_in_the_outbox_and_a_sender_sends_it(client, alice, settings):
    settings.OUTBOX_SEND_ON_COMMIT = False  # as with workers: no broker, nothing sent from the request

    response = client.post("/accounts/password/reset/", {"email": "alice@example.org"})

    assert response.status_code == 302
    assert mail.outbox == []
    row = OutboxMessage.objects.get()
    assert (row.kind, row.to, row.status) == ("organisers.account", "alice@example.org", "pending")

    sender.drain()

    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "/accounts/password/reset/key/" in message.body
    assert message.extra_headers["Message-ID"] == headers.message_id(row)


def test_it_answers_a_reset_for_an_unknown_address_the_same_way(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302


SITE = "https://campaigns.example.net"
OTHER_HOST = "other.example.org"


@pytest.fixture
def other_allowed_host(settings):
    """The site answers to a second host name, and SITE_URL names the public one."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, OTHER_HOST]
    settings.SITE_URL = SITE
    settings.SITE_NAME = "Solidarity campaigns"


def _delivered(client, path, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, data, HTTP_HOST=OTHER_HOST)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    return message, message.body + "".join(body for body, _type in message.alternatives)


def test_it_links_a_password_reset_asked_with_another_host_to_site_url(
    client, alice, other_allowed_host, django_capture_on_commit_callbacks
):
    message, text = _delivered(
        client,
        "/accounts/password/reset/",
        {"email": "alice@example.org"},
        django_capture_on_commit_callbacks,
    )

    assert f"{SITE}/accounts/password/reset/key/" in text
    assert OTHER_HOST not in text
    assert "example.com" not in text + message.subject
    assert message.subject == "[Solidarity campaigns] Password Reset Email"


def test_it_links_an_email_verification_asked_with_another_host_to_site_url(
    client, db, settings, other_allowed_host, django_capture_on_commit_callbacks
):
    settings.ORGANISER_SIGNUP_OPEN = True
    password = "a long and unusual passphrase 42"
    message, text = _delivered(
        client,
        "/accounts/signup/",
        {"email": "dora@example.org", "password1": password, "password2": password},
        django_capture_on_commit_callbacks,
    )

    assert f"{SITE}/accounts/confirm-email/" in text
    assert OTHER_HOST not in text
    assert "example.com" not in text + message.subject
    assert message.subject.startswith("[Solidarity campaigns] ")
    assert "campaigns.example.net" in text  # the platform's address, where allauth names the site


def test_it_links_the_unknown_account_email_to_site_url(
    client, db, other_allowed_host, django_capture_on_commit_callbacks
):
    message, text = _delivered(
        client,
        "/accounts/password/reset/",
        {"email": "nobody@example.org"},
        django_capture_on_commit_callbacks,
    )

    assert OTHER_HOST not in text
    assert "example.com" not in text + message.subject
    assert f"{SITE}/accounts/" in text
