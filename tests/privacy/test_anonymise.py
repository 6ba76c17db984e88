from datetime import timedelta

import pytest
from django.utils import timezone

from petitions import services as petitions_services
from petitions.models import Signature, Statement
from privacy import services
from privacy.models import Anonymisation
from tests.factories import ConfirmedSignatureFactory, SignatureFactory, StatementFactory

PERSONAL = (
    "name",
    "email",
    "organisation",
    "role",
    "location",
    "comment",
    "ip_hash",
    "user_agent",
    "referrer",
)


@pytest.fixture
def closed(campaign):
    statement = StatementFactory(
        campaign=campaign, status=Statement.Status.OPEN, closes_at=timezone.now() - timedelta(days=200)
    )
    for country in ("PE", "PE", "GB"):
        ConfirmedSignatureFactory(
            statement=statement,
            country=country,
            kind="organisation",
            organisation="Union",
            role="Secretary",
            location="Lima",
            comment="Solidarity",
            ip_hash="abc",
            user_agent="Firefox",
            referrer="https://news.example/",
            show_publicly=True,
            listing="approved",
            consent_contact=True,
        )
    SignatureFactory(statement=statement, email="pending@example.org")
    petitions_services.tally(statement.pk)
    return statement


def test_it_replaces_personal_data_of_statements_closed_long_enough(closed):
    assert services.anonymise_due() == 4

    for signature in Signature.objects.filter(statement=closed):
        assert signature.name == "(anonymised)"
        for field in PERSONAL[1:]:
            assert getattr(signature, field) == "", field
        assert signature.email_normalized == f"anonymised-{signature.pk}"
        assert not signature.show_publicly
        assert not signature.consent_contact


def test_it_keeps_the_total_and_the_country_breakdown(closed):
    services.anonymise_due()

    closed.refresh_from_db()
    assert closed.signature_count == 3
    assert petitions_services.recount(closed.pk) == 0
    confirmed = Signature.objects.filter(statement=closed, status=Signature.Status.CONFIRMED)
    assert sorted(confirmed.values_list("country", flat=True)) == ["GB", "PE", "PE"]


def test_it_is_idempotent(closed):
    services.anonymise_due()
    before = list(Signature.objects.filter(statement=closed).values())

    assert services.anonymise_due() == 0
    assert services.anonymise_statement(closed.pk) == 0
    assert list(Signature.objects.filter(statement=closed).values()) == before


def test_it_leaves_open_and_recently_closed_statements_alone(campaign, statement):
    recent = StatementFactory(campaign=campaign, status=Statement.Status.CLOSED)
    ConfirmedSignatureFactory(statement=recent, email="recent@example.org")
    ConfirmedSignatureFactory(statement=statement, email="open@example.org")

    assert services.anonymise_due() == 0
    assert set(Signature.objects.values_list("email", flat=True)) == {
        "recent@example.org",
        "open@example.org",
    }


def test_a_statement_closed_by_hand_counts_from_when_it_was_first_seen_closed(campaign, settings):
    settings.ANONYMISE_AFTER_DAYS = 30
    closed_by_hand = StatementFactory(campaign=campaign, status=Statement.Status.CLOSED)
    ConfirmedSignatureFactory(statement=closed_by_hand)
    now = timezone.now()
    services.anonymise_due(now)
    assert Anonymisation.objects.get().closed_at == now

    assert services.anonymise_due(now + timedelta(days=29)) == 0
    assert services.anonymise_due(now + timedelta(days=31)) == 1


def test_a_statement_reopened_before_its_time_is_forgotten(campaign):
    statement = StatementFactory(campaign=campaign, status=Statement.Status.CLOSED)
    services.record_closures()
    Statement.objects.filter(pk=statement.pk).update(status=Statement.Status.OPEN)

    services.record_closures()

    assert not Anonymisation.objects.exists()


def test_the_period_is_a_setting(closed, settings):
    settings.ANONYMISE_AFTER_DAYS = 365

    assert services.anonymise_due() == 0


def test_exports_after_anonymisation_contain_no_personal_data(closed):
    from organisers import exports

    services.anonymise_due()

    rows = list(exports.signatory_rows(closed, {"status": "all"}))
    assert len(rows) == 4
    text = repr(rows)
    for needle in ("@", "Signer", "Union", "Secretary", "Lima", "Solidarity"):
        assert needle not in text
    assert list(exports.publication_rows(closed)) == []


def test_the_moderators_audit_trail_keeps_its_entries_but_not_the_names(closed):
    from safety.models import AuditEntry

    signature = Signature.objects.filter(statement=closed).first()
    AuditEntry.objects.create(
        actor_name="mod",
        action="change",
        object_type="signature",
        object_id=str(signature.uuid),
        object_repr=f"Union ({signature.name})",
        details={"changed": {"name": ["Old Name", signature.name]}},
    )

    services.anonymise_due()

    entry = AuditEntry.objects.get()
    assert entry.action == "change"
    assert entry.object_repr == "(anonymised)"
    assert entry.details == {"changed": {"name": ["(anonymised)", "(anonymised)"]}}
