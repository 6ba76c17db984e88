"""Invalidating and restoring signatures corrects statement totals at once, in step with recount."""

import re

import pytest
from django.core import mail

from moderation import services
from petitions import services as petitions
from petitions.models import Signature, Statement
from tests.factories import ConfirmedSignatureFactory, SignatureFactory, mail_through_outbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(statement):
    signatures = ConfirmedSignatureFactory.create_batch(5, statement=statement)
    petitions.tally(statement.pk)
    return signatures


def count(statement):
    return Statement.objects.get(pk=statement.pk).signature_count


def test_it_takes_counted_signatures_off_the_total_at_once(statement, counted):
    assert count(statement) == 5

    changed = services.exclude(None, [s.pk for s in counted[:3]], Signature.Status.FRAUDULENT, "spam burst")

    assert changed == 3
    assert count(statement) == 2
    assert Signature.objects.filter(status="fraudulent", counted=False).count() == 3
    assert petitions.recount(statement.pk) == 0  # the nightly recount agrees


def test_it_leaves_the_total_alone_for_signatures_not_yet_counted(statement, counted):
    uncounted = ConfirmedSignatureFactory(statement=statement)

    services.exclude(None, [uncounted.pk], Signature.Status.INVALID)
    petitions.tally(statement.pk)

    assert count(statement) == 5
    assert petitions.recount(statement.pk) == 0


def test_it_does_not_take_a_signature_off_twice(statement, counted):
    services.exclude(None, [counted[0].pk], Signature.Status.INVALID)
    services.exclude(None, [counted[0].pk], Signature.Status.INVALID)
    services.exclude(None, [counted[0].pk], Signature.Status.FRAUDULENT)

    assert count(statement) == 4


def test_it_corrects_several_statements_in_one_action(statement, counted):
    other = ConfirmedSignatureFactory()
    petitions.tally(other.statement_id)

    services.exclude(None, [counted[0].pk, other.pk], Signature.Status.INVALID)

    assert count(statement) == 4
    assert count(other.statement) == 0


def test_it_adds_a_restored_confirmed_signature_back_at_once(statement, counted):
    services.exclude(None, [counted[0].pk], Signature.Status.INVALID)

    services.restore(None, [counted[0].pk], "real person")

    assert count(statement) == 5
    assert Signature.objects.get(pk=counted[0].pk).status == Signature.Status.CONFIRMED
    assert petitions.recount(statement.pk) == 0


def test_it_releases_a_held_signature_as_pending_and_mails_it(statement, django_capture_on_commit_callbacks):
    held = SignatureFactory(
        statement=statement, status="held", hold_reason="IP rate limit", mails_requested=0
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.restore(None, [held.pk])

    held.refresh_from_db()
    assert held.status == Signature.Status.PENDING
    assert held.hold_reason == ""
    assert [m.to for m in mail.outbox] == [[held.email]]
    assert count(statement) == 0


def test_it_never_restores_a_withdrawn_signature(statement):
    withdrawn = SignatureFactory(statement=statement, status="withdrawn")

    assert services.restore(None, [withdrawn.pk]) == 0
    assert Signature.objects.get(pk=withdrawn.pk).status == "withdrawn"


def test_it_resends_a_confirmation_within_the_limit(statement, settings, django_capture_on_commit_callbacks):
    signature = SignatureFactory(statement=statement, mails_requested=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend_confirmation(None, [signature.pk]) == 1
    signature.refresh_from_db()
    assert signature.mails_requested == 2
    assert len(mail.outbox) == 1

    Signature.objects.filter(pk=signature.pk).update(mails_requested=settings.MAX_MAILS_PER_SIGNATURE)
    assert services.resend_confirmation(None, [signature.pk]) == 0


def test_it_resends_nothing_to_confirmed_or_excluded_signatures(statement, counted):
    services.exclude(None, [counted[0].pk], Signature.Status.INVALID)

    assert services.resend_confirmation(None, [s.pk for s in counted]) == 0


def test_it_mails_a_held_signature_but_counts_it_only_once_released(
    client, statement, django_capture_on_commit_callbacks
):
    held = SignatureFactory(statement=statement, status="held", mails_requested=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert petitions.request_confirmation_mail([held.pk]) == []  # only pending ones are re-sent
        mail_through_outbox("petitions.signature", held.email, held.pk)
    link = re.search(r"https?://[^/\s]+(/confirm/\S+)", mail.outbox[0].body).group(1)
    page = client.get(link)
    petitions.tally(statement.pk)

    assert "checked it" in page.content.decode()
    held.refresh_from_db()
    assert held.status == "held" and held.confirmed_at is not None
    assert count(statement) == 0
    petitions.restore([held.pk])
    assert count(statement) == 1
