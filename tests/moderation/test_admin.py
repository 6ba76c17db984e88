"""Moderators in Django admin: every action works in bulk or per row and leaves an audit entry."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail

from petitions import services as petitions
from petitions.models import Signature, Statement
from safety.models import AuditEntry, BlockRule
from tests.factories import ConfirmedSignatureFactory, SignatureFactory

QUEUE = "/admin/moderation/organisationawaitingapproval/"
SIGNATURES = "/admin/petitions/signature/"
pytestmark = pytest.mark.django_db


def awaiting(statement, **kwargs):
    kwargs.setdefault("kind", Signature.Kind.ORGANISATION)
    kwargs.setdefault("organisation", "Unite")
    kwargs.setdefault("listing", Signature.Listing.PENDING)
    return ConfirmedSignatureFactory(statement=statement, show_publicly=True, **kwargs)


def run_action(client, url, action, ids, reason="", **extra):
    """Choose the action, then confirm it on the intermediate page with a reason."""
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(i) for i in ids], "index": "0", **extra}
    page = client.post(url, data)
    assert page.status_code == 200
    assert b'name="reason"' in page.content
    return client.post(url, {**data, "apply": "1", "reason": reason})


def test_it_queues_confirmed_pending_listings_oldest_first(moderator_client, statement):
    from django.utils import timezone

    now = timezone.now()
    newer = awaiting(statement, organisation="Newer Union", created_at=now)
    older = awaiting(statement, organisation="Older Union", created_at=now - timezone.timedelta(days=1))
    SignatureFactory(statement=statement, show_publicly=True, listing="pending", organisation="Unconfirmed")
    awaiting(statement, organisation="Approved Union", listing=Signature.Listing.APPROVED)

    response = moderator_client.get(QUEUE)

    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown == [older, newer]
    assert 'form="moderate-row"' in response.content.decode()


@pytest.mark.parametrize(
    ("action", "listing"),
    [("approve_listing", "approved"), ("reject_listing", "rejected"), ("hide_listing", "hidden")],
)
def test_it_decides_listings_in_bulk_with_a_reason_in_the_audit(
    moderator_client, moderator, statement, action, listing
):
    signatures = [awaiting(statement, organisation=f"Union {i}") for i in range(3)]

    response = run_action(moderator_client, QUEUE, action, [s.pk for s in signatures], reason="checked")

    assert response.status_code == 302
    assert set(Signature.objects.values_list("listing", flat=True)) == {listing}
    entries = AuditEntry.objects.filter(action=f"listing {action.split('_')[0]}")
    assert entries.count() == 3
    entry = entries.first()
    assert (entry.actor, entry.actor_name, entry.reason) == (moderator, "mo", "checked")
    assert entry.object_type == "signature"
    assert {e.object_id for e in entries} == {str(s.uuid) for s in signatures}
    assert entry.details == {"listing": ["pending", listing]}


@pytest.mark.parametrize("decision", ["approve", "reject", "hide"])
def test_it_decides_one_listing_with_one_click(moderator_client, statement, decision):
    signature = awaiting(statement)

    response = moderator_client.post(f"{QUEUE}{signature.pk}/decide/{decision}/")

    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.listing == {"approve": "approved", "reject": "rejected", "hide": "hidden"}[decision]
    assert AuditEntry.objects.get().action == f"listing {decision}"


def test_it_refuses_a_one_click_decision_by_get(moderator_client, statement):
    signature = awaiting(statement)

    assert moderator_client.get(f"{QUEUE}{signature.pk}/decide/approve/").status_code == 405
    assert Signature.objects.get().listing == "pending"


def test_it_toggles_notable_with_one_click_and_audits_it(moderator_client, statement):
    signature = awaiting(statement)

    moderator_client.post(f"{QUEUE}{signature.pk}/decide/notable/")
    assert Signature.objects.get().notable is True
    moderator_client.post(f"{QUEUE}{signature.pk}/decide/notable/")

    assert Signature.objects.get().notable is False
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "notable",
        "not notable",
    ]


def test_it_marks_notable_in_bulk(moderator_client, statement):
    signature = awaiting(statement)

    run_action(moderator_client, QUEUE, "mark_notable", [signature.pk], reason="union federation")

    assert Signature.objects.get().notable is True
    assert AuditEntry.objects.get().reason == "union federation"


@pytest.mark.parametrize("status", ["fraudulent", "invalid"])
def test_it_marks_signatures_and_corrects_the_total(moderator_client, statement, status):
    signatures = ConfirmedSignatureFactory.create_batch(4, statement=statement)
    petitions.tally(statement.pk)

    response = run_action(
        moderator_client, SIGNATURES, f"mark_{status}", [s.pk for s in signatures[:3]], reason="bot burst"
    )

    assert response.status_code == 302
    assert Statement.objects.get(pk=statement.pk).signature_count == 1
    entries = AuditEntry.objects.filter(action=f"mark {status}")
    assert entries.count() == 3
    assert entries.first().details == {"status": ["confirmed", status], "was_counted": True}
    assert entries.first().reason == "bot burst"


def test_it_restores_through_admin_and_audits_it(moderator_client, statement):
    signature = ConfirmedSignatureFactory(statement=statement, status="invalid")

    run_action(moderator_client, SIGNATURES, "restore", [signature.pk], reason="mistake")

    assert Signature.objects.get().status == "confirmed"
    entry = AuditEntry.objects.get(action="restore")
    assert entry.details == {"status": ["invalid", "confirmed"]}


def test_it_resends_the_confirmation_through_admin_and_audits_it(
    moderator_client, statement, django_capture_on_commit_callbacks
):
    signature = SignatureFactory(statement=statement)

    with django_capture_on_commit_callbacks(execute=True):
        run_action(moderator_client, SIGNATURES, "resend_confirmation", [signature.pk])

    assert len(mail.outbox) == 1
    assert AuditEntry.objects.get().action == "resend confirmation"


def test_it_applies_an_action_to_every_filtered_signature_across_pages(moderator_client, statement):
    signatures = ConfirmedSignatureFactory.create_batch(3, statement=statement)
    other = ConfirmedSignatureFactory()

    run_action(
        moderator_client,
        f"{SIGNATURES}?statement__id__exact={statement.pk}",
        "mark_invalid",
        [signatures[0].pk],
        select_across="1",
    )

    assert Signature.objects.filter(status="invalid").count() == 3
    assert Signature.objects.get(pk=other.pk).status == "confirmed"


def test_it_audits_edits_made_in_the_signature_form(moderator_client, statement):
    signature = ConfirmedSignatureFactory(statement=statement, name="Ana Typo", country="PE")
    url = f"{SIGNATURES}{signature.pk}/change/"
    form = moderator_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data.update(name="Ana Torres", kind="individual", listing="none", country="PE")
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}

    response = moderator_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="change")
    assert entry.details["changed"]["name"] == ["Ana Typo", "Ana Torres"]


def test_it_audits_block_rules_added_and_removed(moderator_client):
    response = moderator_client.post(
        "/admin/safety/blockrule/add/", {"kind": "domain", "value": " *.Spam.Example ", "reason": "spam"}
    )

    assert response.status_code == 302
    rule = BlockRule.objects.get()
    assert rule.value == "*.spam.example"
    moderator_client.post(f"/admin/safety/blockrule/{rule.pk}/delete/", {"post": "yes"})
    assert not BlockRule.objects.exists()
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "block rule added",
        "block rule removed",
    ]


@pytest.mark.parametrize(
    ("kind", "value"),
    [("ip", "300.1.1.1/8"), ("domain", "not a domain"), ("email", "nope"), ("domain", "*.")],
)
def test_it_rejects_invalid_block_rules_next_to_the_field(moderator_client, kind, value):
    response = moderator_client.post("/admin/safety/blockrule/add/", {"kind": kind, "value": value})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["value"]
    assert not BlockRule.objects.exists()


def test_it_shows_the_audit_trail_read_only_even_to_superusers(
    client, moderator_client, statement, django_user_model
):
    awaiting_signature = awaiting(statement)
    moderator_client.post(f"{QUEUE}{awaiting_signature.pk}/decide/approve/")
    entry = AuditEntry.objects.get()

    assert moderator_client.get("/admin/safety/auditentry/").status_code == 200
    superuser = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(superuser)
    assert client.get("/admin/safety/auditentry/add/").status_code == 403
    assert client.post(f"/admin/safety/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"/admin/safety/auditentry/{entry.pk}/change/", {"reason": "rewritten"})
    assert AuditEntry.objects.get().reason == ""


def test_it_approves_500_organisation_sign_ons_in_a_bounded_number_of_queries(
    moderator_client, statement, django_assert_max_num_queries
):
    signatures = [
        Signature(
            statement=statement,
            name=f"Signer {i}",
            email=f"org{i}@union.example",
            email_normalized=f"org{i}@union.example",
            country="PE",
            kind="organisation",
            organisation=f"Union {i}",
            status="confirmed",
            show_publicly=True,
            listing="pending",
        )
        for i in range(500)
    ]
    Signature.objects.bulk_create(signatures)
    first_page = list(Signature.objects.order_by("created_at", "pk").values_list("pk", flat=True)[:100])
    data = {
        "action": "approve_listing",
        ACTION_CHECKBOX_NAME: [str(pk) for pk in first_page],
        "index": "0",
        "select_across": "1",
        "apply": "1",
        "reason": "verified unions",
    }

    with django_assert_max_num_queries(20):
        response = moderator_client.post(QUEUE, data)

    assert response.status_code == 302
    assert Signature.objects.filter(listing="approved").count() == 500
    assert AuditEntry.objects.filter(action="listing approve", reason="verified unions").count() == 500


def test_it_lets_a_moderator_approve_a_statement_waiting_for_approval(moderator_client, statement):
    Statement.objects.filter(pk=statement.pk).update(approved_at=None)
    assert moderator_client.get(statement.get_absolute_url()).status_code == 404

    queue = moderator_client.get("/admin/moderation/statementawaitingapproval/")
    assert list(queue.context["cl"].result_list) == [statement]
    response = run_action(
        moderator_client,
        "/admin/moderation/statementawaitingapproval/",
        "approve_statements",
        [statement.pk],
        reason="reviewed the text",
    )

    assert response.status_code == 302
    assert Statement.objects.get(pk=statement.pk).approved_at is not None
    assert moderator_client.get(statement.get_absolute_url()).status_code == 200
    entry = AuditEntry.objects.get(action="approve statement")
    assert (entry.object_type, entry.object_id, entry.reason) == (
        "statement",
        str(statement.pk),
        "reviewed the text",
    )


def test_it_offers_the_approve_action_on_the_statement_admin(client, statement, django_user_model):
    Statement.objects.filter(pk=statement.pk).update(approved_at=None)
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))

    run_action(client, "/admin/petitions/statement/", "approve_statements", [statement.pk])

    assert Statement.objects.get(pk=statement.pk).approved_at is not None
    assert AuditEntry.objects.get().actor_name == "root"


def test_it_lists_signatures_whose_form_came_back_quickly(moderator_client, statement, settings):
    settings.SIGNING_MIN_FILL_SECONDS = 3
    SignatureFactory(statement=statement, name="Quick Quentin", fill_ms=300)
    SignatureFactory(statement=statement, name="Patient Paula", fill_ms=30_000)

    page = moderator_client.get(f"{SIGNATURES}?suspicious=quick")

    assert b"Quick Quentin" in page.content
    assert b"Patient Paula" not in page.content
