"""Only the mailbox owner consents, to exactly what their email says (attacks over HTTP)."""

import re

import pytest
from django.core import mail

from petitions import services
from petitions.models import Signature

pytestmark = pytest.mark.django_db

URL = "/c/peru/statement/"
VICTIM = "ana.torres@example.org"


@pytest.fixture
def post(client, statement, django_capture_on_commit_callbacks):
    statement.ask_location = True
    statement.save()

    def _post(ip="203.0.113.9", **fields):
        data = {"name": "Ana Torres", "email": VICTIM, "country": "PE", "kind": "individual", **fields}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, data, REMOTE_ADDR=ip)

    return _post


@pytest.fixture
def click(client, django_capture_on_commit_callbacks):
    def _click(message):
        path = re.search(r"https?://[^/\s]+(/confirm/[^\s]+)", message.body).group(1)
        with django_capture_on_commit_callbacks(execute=True):
            return client.get(path)

    return _click


def test_it_confirms_the_choices_of_the_submission_whose_link_the_owner_clicks(
    client, statement, post, click
):
    # A squatter signs first in the victim's name, asking to be listed and contacted.
    post(ip="198.51.100.66", location="Lima", show_publicly="on", consent_contact="on")
    # The victim signs later and ticks neither.
    post(location="Lima")

    # The victim's own email says what their click does, and they click it.
    assert [m.to for m in mail.outbox] == [[VICTIM], [VICTIM]]
    own = mail.outbox[1]
    assert "your name is not listed publicly" in own.body
    assert "will not contact you" in own.body
    assert click(own).status_code == 200
    services.tally(statement.pk)

    confirmed = Signature.objects.get(status=Signature.Status.CONFIRMED)
    assert (confirmed.show_publicly, confirmed.consent_contact) == (False, False)
    assert Signature.objects.filter(status=Signature.Status.SUPERSEDED).count() == 1
    assert "Ana Torres" not in client.get(URL + "signatories/").content.decode()
    statement.refresh_from_db()
    assert statement.signature_count == 1


def test_it_tells_the_owner_what_the_squatters_submission_would_publish(post):
    post(ip="198.51.100.66", location="Lima", show_publicly="on", consent_contact="on")

    message = mail.outbox[0]
    html = message.alternatives[0].content
    for part in (message.body, html):
        assert "your signature is counted" in part
        assert "listed publicly as: Ana Torres, Lima" in part
        assert "Solidarity with Peru may contact you by email" in part


def test_it_shows_an_organisation_as_name_organisation_place(post):
    post(kind="organisation", organisation="Unite", role="Chair", location="Leeds", show_publicly="on")

    assert (
        "listed publicly as: Ana Torres, Unite, Leeds (once a moderator has approved it)"
        in mail.outbox[0].body
    )


def test_it_states_the_choices_in_the_signers_language(client, statement, django_capture_on_commit_callbacks):
    data = {"name": "Ana", "email": VICTIM, "country": "PE", "kind": "individual", "show_publicly": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/es" + URL, data, REMOTE_ADDR="203.0.113.9")

    body = mail.outbox[0].body
    assert "Al hacer clic en el enlace" in body
    assert "su nombre aparece en la lista pública como: Ana, Perú" in body
    assert "no le contactará" in body


def test_it_mails_the_owner_whose_address_a_quick_squatter_used_first(
    client, statement, settings, django_capture_on_commit_callbacks
):
    settings.SIGNING_MIN_FILL_SECONDS = 3
    started = re.search(r'name="started" value="([^"]+)"', client.get(URL).content.decode()).group(1)
    data = {"name": "Ana Torres", "email": VICTIM, "country": "PE", "kind": "individual", "started": started}
    with django_capture_on_commit_callbacks(execute=True):
        # The squatter sends the form back at once; the owner signs later with the same address.
        client.post(URL, {**data, "show_publicly": "on"}, REMOTE_ADDR="198.51.100.66")
        client.post(URL, data, REMOTE_ADDR="203.0.113.9")

    assert [m.to for m in mail.outbox] == [[VICTIM], [VICTIM]]
    assert "your name is not listed publicly" in mail.outbox[1].body


def test_it_lets_the_owner_replace_confirmed_choices_and_counts_them_once(statement, post, click):
    post(show_publicly="on", consent_contact="on")
    click(mail.outbox[0])
    services.tally(statement.pk)
    post()

    assert "already signed" in mail.outbox[1].subject
    assert "your name is not listed publicly" in mail.outbox[1].body
    page = click(mail.outbox[1])
    services.tally(statement.pk)

    assert "replace" in page.content.decode()
    confirmed = Signature.objects.get(status=Signature.Status.CONFIRMED)
    assert (confirmed.show_publicly, confirmed.consent_contact) == (False, False)
    statement.refresh_from_db()
    assert statement.signature_count == 1
    assert services.recount(statement.pk) == 0


def test_it_withdraws_every_submission_of_the_address(client, statement, post, click):
    post(show_publicly="on")
    post()
    click(mail.outbox[1])
    services.tally(statement.pk)
    withdraw = re.search(r"https?://[^/\s]+(/withdraw/[^\s]+)", mail.outbox[1].body).group(1)

    client.post(withdraw)

    assert set(Signature.objects.values_list("status", flat=True)) == {Signature.Status.WITHDRAWN}
    assert not Signature.objects.exclude(email="").exists()
    statement.refresh_from_db()
    assert statement.signature_count == 0


def test_each_signer_gets_links_in_their_own_language(statement, django_capture_on_commit_callbacks):
    from django.utils import translation

    from tests.factories import SignatureFactory, mail_through_outbox

    english = SignatureFactory(statement=statement, language="en")
    spanish = SignatureFactory(statement=statement, language="es")
    with translation.override("es"):  # a Spanish request that sends an English signer's mail
        mail_through_outbox("petitions.signature", english.email, english.pk)
    with translation.override("en"):
        mail_through_outbox("petitions.signature", spanish.email, spanish.pk)

    english_mail, spanish_mail = mail.outbox
    assert "/confirm/" in english_mail.body and "/es/" not in english_mail.body
    assert "/es/confirm/" in spanish_mail.body
