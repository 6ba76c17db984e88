import pytest
from django.db.models import Count

from bench.data import insert_signatures
from outbox.models import OutboxMessage
from petitions.models import Signature

pytestmark = pytest.mark.services


@pytest.mark.django_db
def test_it_inserts_distinct_confirmed_signatures_with_model_defaults(statement):
    insert_signatures(statement.pk, 500, status="confirmed")

    signatures = Signature.objects.filter(statement=statement)
    assert signatures.count() == 500
    assert signatures.values("email_normalized").distinct().count() == 500
    assert signatures.values("uuid").distinct().count() == 500
    assert set(signatures.values_list("status", flat=True)) == {"confirmed"}
    assert not signatures.filter(confirmed_at=None).exists()
    assert set(signatures.values_list("counted", "listing")) == {(True, Signature.Listing.NOT_REQUESTED)}


@pytest.mark.django_db
def test_it_inserts_pending_signatures_whose_mail_is_due(statement):
    insert_signatures(statement.pk, 20, status="pending", mail_due=True, age_s=3600)

    due = Signature.objects.filter(statement=statement, mails_requested=1, confirmed_at=None)
    assert due.count() == 20
    assert due.aggregate(n=Count("country", distinct=True))["n"] > 1
    mails = OutboxMessage.objects.filter(
        kind="petitions.signature", status="pending", statement_id=statement.pk
    )
    refs = sorted(mails.values_list("ref", flat=True))
    assert refs == sorted(str(pk) for pk in due.values_list("pk", flat=True))
