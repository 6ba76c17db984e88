"""Writes with a read-write key: signatures through the signing path, attendance, donations."""

from decimal import Decimal

import pytest
from django.core import mail

from api.models import OfflineConfirmation
from petitions.models import Signature
from safety import abuse
from safety.models import BlockRule

pytestmark = pytest.mark.django_db

ANA = {
    "given_name": "Ana Quispe",
    "email_address": "ana@example.org",
    "country": "PE",
    "consent_contact": True,
}


def sign(writer, statement, **extra):
    body = {"person": {**ANA, **extra.pop("person", {})}, **extra}
    return writer.post(f"/api/v1/petitions/{statement.uuid}/signatures", body)


def test_a_signature_is_stored_pending_and_mailed_like_the_web_form(
    ours, writer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign(writer, ours.statement)
    assert response.status_code == 202
    signature = Signature.objects.get(email="ana@example.org")
    assert (signature.status, signature.source, signature.consent_contact) == ("pending", "api", True)
    assert signature.consent_text  # the statement's consent wording, as on the form
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert not OfflineConfirmation.objects.exists()


@pytest.mark.services
def test_signatures_through_a_key_are_not_held_by_the_ips_mail_cap(ours, writer, settings):
    # An organiser's tool sends many people's signatures from one server: the cap is for visitors.
    settings.MAIL_CAP_PER_IP_PER_HOUR = 2
    for i in range(4):
        assert sign(writer, ours.statement, person={"email_address": f"p{i}@example.org"}).status_code == 202

    ours_now = Signature.objects.filter(email__in=[f"p{i}@example.org" for i in range(4)])
    assert list(ours_now.values_list("status", "mails_requested")) == [("pending", 1)] * 4


def test_a_signature_confirmed_offline_counts_without_a_mail_and_is_recorded(ours, writer, write_key):
    with_mail = len(mail.outbox)
    assert sign(writer, ours.statement, confirmed_offline=True).status_code == 202
    signature = Signature.objects.get(email="ana@example.org")
    assert signature.status == "confirmed" and signature.confirmed_at is not None
    assert signature.mails_requested == 0 and len(mail.outbox) == with_mail
    record = OfflineConfirmation.objects.get(signature=signature)
    assert record.key.name == "Stall tablet"


@pytest.fixture
def blocked_ana():
    BlockRule.objects.create(kind=BlockRule.Kind.EMAIL, value="ana@example.org")
    abuse.forget_block_rules()
    yield
    abuse.forget_block_rules()  # the rules are cached in the process; the row goes with the test


def test_a_blocked_address_is_held_even_when_confirmed_offline(ours, writer, blocked_ana):
    assert sign(writer, ours.statement, confirmed_offline=True).status_code == 202
    signature = Signature.objects.get(email="ana@example.org")
    assert signature.status == "held"
    assert not OfflineConfirmation.objects.exists()


def test_the_answer_is_the_same_for_an_address_that_already_signed(ours, writer):
    first = sign(writer, ours.statement, confirmed_offline=True)
    again = sign(writer, ours.statement, confirmed_offline=True)
    assert (first.status_code, first.content) == (again.status_code, again.content)
    assert Signature.objects.filter(email="ana@example.org", status="confirmed").count() == 1


@pytest.mark.parametrize(
    "person, field",
    [
        ({"email_address": "not-an-email"}, "email"),
        ({"email_address": "someone@mailinator.com"}, "email"),
        ({"country": "XX"}, "country"),
        ({"given_name": "   "}, "name"),
        ({"given_name": "Ana\x00"}, "name"),
    ],
)
def test_it_answers_400_with_the_field_for_invalid_people(ours, writer, person, field):
    response = sign(writer, ours.statement, person=person)
    assert response.status_code == 400
    assert field in str(response.json()["detail"])
    assert not Signature.objects.filter(statement=ours.statement, source="api").exists()


@pytest.mark.parametrize("body", [{}, {"person": "x"}, {"person": {**ANA, "given_name": "x" * 500}}, [1, 2]])
def test_it_answers_400_to_malformed_bodies(ours, writer, body):
    response = writer.post(f"/api/v1/petitions/{ours.statement.uuid}/signatures", body)
    assert response.status_code == 400


def test_it_answers_409_for_a_closed_petition(ours, writer):
    ours.statement.status = "closed"
    ours.statement.save()
    assert sign(writer, ours.statement).status_code == 409


def test_it_records_attendance_at_the_door(ours, writer):
    response = writer.put(f"/api/v1/attendances/{ours.attendee.uuid}", {"attended": True})
    assert response.status_code == 200
    assert response.json()["attended"] is True
    ours.attendee.refresh_from_db()
    assert ours.attendee.attended_at is not None


def test_a_waitlisted_person_cannot_be_checked_in(ours, writer):
    ours.attendee.status = "waitlisted"
    ours.attendee.save()
    assert writer.put(f"/api/v1/attendances/{ours.attendee.uuid}", {"attended": True}).status_code == 409


def test_it_records_an_offline_donation(ours, writer):
    body = {"amount": "42.50", "method": "cheque", "reference_number": "CHQ 1", "donor_name": "Union branch"}
    response = writer.post(f"/api/v1/fundraising_pages/{ours.fund.uuid}/donations", body)
    assert response.status_code == 201
    assert response.json()["amount"] == "42.50"
    donation = ours.fund.donations.get(reference="CHQ 1")
    assert donation.amount == Decimal("42.50") and donation.donor_name == "Union branch"


@pytest.mark.parametrize(
    "body",
    [
        {"amount": "-5", "method": "cheque"},
        {"amount": "0", "method": "cheque"},
        {"amount": "1e9999", "method": "cheque"},
        {"amount": "10", "method": "bitcoin"},
        {"amount": "10", "method": "cheque", "reference_number": "x\x00y"},
    ],
)
def test_it_answers_400_to_bad_donations(ours, writer, body):
    response = writer.post(f"/api/v1/fundraising_pages/{ours.fund.uuid}/donations", body)
    assert response.status_code == 400
    assert ours.fund.donations.count() == 1
