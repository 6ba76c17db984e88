import re
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from petitions import services
from petitions.emails import signature_message
from petitions.models import Signature, Statement
from petitions.tokens import make_confirm_token, make_withdraw_token, read_withdraw_token
from tests.factories import ConfirmedSignatureFactory, SignatureFactory, StatementFactory


def withdraw_url(signature):
    return f"/withdraw/{make_withdraw_token(signature)}/"


@pytest.fixture
def counted(statement):
    signature = ConfirmedSignatureFactory(statement=statement, show_publicly=True, listing="approved")
    services.tally(statement.pk)
    return signature


def test_the_confirmation_email_has_a_withdrawal_link(statement):
    signature = SignatureFactory(statement=statement)

    message = signature_message(signature)

    link = settings.SITE_URL + withdraw_url(signature)
    assert link in message.text
    assert link in message.html


def test_the_thank_you_page_has_a_withdrawal_link(client, statement):
    signature = SignatureFactory(statement=statement)

    response = client.get(f"/confirm/{make_confirm_token(signature)}/")

    # The token carries the time it was made, so compare what it opens, not its text.
    tokens = re.findall(r'href="/withdraw/([^/"]+)/"', response.content.decode())
    assert [read_withdraw_token(token) for token in tokens] == [str(signature.uuid)]


def test_opening_the_link_asks_first_and_changes_nothing(client, counted, statement):
    response = client.get(withdraw_url(counted))

    assert response.status_code == 200
    assert b"Withdraw my signature" in response.content
    counted.refresh_from_db()
    assert counted.status == Signature.Status.CONFIRMED


def test_withdrawing_takes_the_signature_out_of_the_total_and_lists(client, counted, statement):
    assert statement.signature_count == 0
    statement.refresh_from_db()
    assert statement.signature_count == 1

    response = Client(enforce_csrf_checks=False).post(withdraw_url(counted))

    assert response.status_code == 200
    counted.refresh_from_db()
    statement.refresh_from_db()
    assert counted.status == Signature.Status.WITHDRAWN
    assert statement.signature_count == 0
    assert not Signature.objects.publicly_listed().exists()
    assert services.recount(statement.pk) == 0  # the nightly recount agrees


def test_withdrawing_erases_personal_data_but_keeps_the_country(client, counted):
    client.post(withdraw_url(counted))

    counted.refresh_from_db()
    assert counted.email == ""
    assert counted.email_normalized.startswith("anonymised-")
    assert counted.name == "(anonymised)"
    assert counted.country == "GB"


def test_withdrawing_twice_takes_one_off_the_total(client, counted, statement):
    client.post(withdraw_url(counted))
    client.post(withdraw_url(counted))

    statement.refresh_from_db()
    assert statement.signature_count == 0


def test_a_confirmation_not_yet_tallied_is_never_counted(client, statement):
    signature = ConfirmedSignatureFactory(statement=statement)

    client.post(withdraw_url(signature))
    services.tally(statement.pk)

    statement.refresh_from_db()
    assert statement.signature_count == 0


def test_a_pending_signature_can_no_longer_be_confirmed(client, statement):
    signature = SignatureFactory(statement=statement)
    client.post(withdraw_url(signature))

    response = client.get(f"/confirm/{make_confirm_token(signature)}/")

    signature.refresh_from_db()
    assert signature.status == Signature.Status.WITHDRAWN
    assert b"withdrawn" in response.content


def test_a_tampered_link_is_rejected(client, counted):
    response = client.post(withdraw_url(counted)[:-4] + "xx/")

    assert response.status_code == 400
    counted.refresh_from_db()
    assert counted.status == Signature.Status.CONFIRMED


def test_the_form_needs_a_csrf_token(counted):
    response = Client(enforce_csrf_checks=True).post(withdraw_url(counted))

    assert response.status_code == 403
    counted.refresh_from_db()
    assert counted.status == Signature.Status.CONFIRMED


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_withdrawals_racing_the_tally_never_make_the_total_drift():
    # Given 30 confirmations, 10 of them already counted
    statement = StatementFactory()
    signatures = [ConfirmedSignatureFactory(statement=statement) for _ in range(30)]
    Signature.objects.filter(pk__in=[s.pk for s in signatures[:10]]).update(counted=True)
    Statement.objects.filter(pk=statement.pk).update(signature_count=10)
    barrier = threading.Barrier(3)

    def withdraw_some(chunk):
        try:
            barrier.wait(timeout=10)
            for signature in chunk:
                Client().post(withdraw_url(signature))
        finally:
            connection.close()

    def tally_repeatedly():
        try:
            barrier.wait(timeout=10)
            for _ in range(20):
                services.tally(statement.pk)
        finally:
            connection.close()

    # When half of them withdraw while the tally runs
    threads = [
        threading.Thread(target=withdraw_some, args=(signatures[0:15:2],)),
        threading.Thread(target=withdraw_some, args=(signatures[1:15:2],)),
        threading.Thread(target=tally_repeatedly),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    services.tally(statement.pk)

    # Then the total is exactly the 15 who stayed, and the recount agrees
    statement.refresh_from_db()
    assert statement.signature_count == 15
    assert services.recount(statement.pk) == 0
