"""An organiser who is not staff cannot put words, times or places before the public unreviewed.

Written as the attacker would try it, over HTTP: bob organises the campaign (not staff) and edits an
approved statement or event, or makes a new event; a moderator decides in the admin.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client

from events.models import Event, EventRevision
from petitions.models import Statement, StatementRevision
from safety.models import AuditEntry
from tests.events.factories import AttendeeFactory, EventFactory
from tests.moderation.test_admin import run_action
from tests.organisers.conftest import _empty_cache, bob  # noqa: F401

pytestmark = pytest.mark.django_db

EDIT = "/dashboard/c/peru/s/statement/edit/"
PUBLIC = "/c/peru/statement/"
STATEMENT_EDITS = "/admin/moderation/statementeditawaitingapproval/"
EVENT_EDITS = "/admin/moderation/eventeditawaitingapproval/"
EVENTS = "/admin/moderation/eventawaitingapproval/"


@pytest.fixture
def as_bob(bob):  # noqa: F811
    """bob's own browser (the moderator uses the `client` fixture)."""
    browser = Client()
    browser.force_login(bob)
    return browser


def statement_form(**overrides):
    data = {
        "title": "Democracy for Peru",
        "body": "We, the undersigned, **stand in solidarity**.",
        "status": "open",
        "target": "1000",
        "action": "save",
    }
    return {**data, **overrides}


def test_it_keeps_the_approved_text_public_while_an_edit_waits(as_bob, statement, client):  # noqa: F811
    response = as_bob.post(EDIT, statement_form(body="Sign here: [free money](https://evil.example)"))

    assert response.status_code == 303
    statement.refresh_from_db()
    assert statement.body == "We, the undersigned, **stand in solidarity**."
    client.logout()
    page = client.get(PUBLIC).content.decode()
    assert "stand in solidarity" in page and "evil.example" not in page
    revision = StatementRevision.objects.get()
    assert revision.changes == {"body": "Sign here: [free money](https://evil.example)"}


def test_it_applies_settings_at_once_but_not_the_words(as_bob, statement):  # noqa: F811
    as_bob.post(EDIT, statement_form(title="Traitors of Peru", status="closed", target="5000"))

    statement.refresh_from_db()
    assert (statement.title, statement.status, statement.target) == ("Democracy for Peru", "closed", 5000)
    assert StatementRevision.objects.get().changes == {"title": "Traitors of Peru"}


def test_it_shows_the_organiser_the_pending_edit_and_keeps_one(as_bob, statement):  # noqa: F811
    as_bob.post(EDIT, statement_form(body="First try"))
    as_bob.post(EDIT, statement_form(body="Second try"))

    form = as_bob.get(EDIT).content.decode()
    page = as_bob.get("/dashboard/c/peru/s/statement/").content.decode()

    assert StatementRevision.objects.get().changes == {"body": "Second try"}
    assert "Second try" in form
    assert "await a moderator" in page


def test_it_withdraws_the_edit_when_the_organiser_goes_back_to_the_approved_text(as_bob, statement):  # noqa: F811
    as_bob.post(EDIT, statement_form(body="Second thoughts"))
    as_bob.post(EDIT, statement_form(body=statement.body))

    assert not StatementRevision.objects.exists()


def test_a_moderator_publishes_an_edit_and_the_audit_trail_says_so(
    as_bob,
    statement,
    moderator_client,
    moderator,  # noqa: F811
):
    as_bob.post(EDIT, statement_form(body="We stand **together**, now and always."))
    revision = StatementRevision.objects.get()

    response = run_action(moderator_client, STATEMENT_EDITS, "approve_edits", [revision.pk], "Reads well")

    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.body == "We stand **together**, now and always."
    assert "now and always" in moderator_client.get(PUBLIC).content.decode()
    entry = AuditEntry.objects.get(action="approve statement edit")
    assert (entry.actor, entry.object_id, entry.reason) == (moderator, str(statement.pk), "Reads well")
    assert entry.details == {"changed": ["body"], "author": "bob"}
    assert not moderator_client.get(STATEMENT_EDITS).context["cl"].result_count


def test_a_moderator_rejects_an_edit_and_the_approved_text_stays(
    as_bob,
    statement,
    moderator_client,  # noqa: F811
):
    as_bob.post(EDIT, statement_form(title="Traitors of Peru"))
    revision = StatementRevision.objects.get()

    run_action(moderator_client, STATEMENT_EDITS, "reject_edits", [revision.pk], "Defamatory")

    statement.refresh_from_db()
    revision.refresh_from_db()
    assert statement.title == "Democracy for Peru"
    assert revision.decision == "rejected"
    assert AuditEntry.objects.filter(action="reject statement edit", reason="Defamatory").exists()


def test_the_moderator_sees_what_is_public_and_what_is_proposed(as_bob, statement, moderator_client):  # noqa: F811
    as_bob.post(EDIT, statement_form(title="A new title"))
    revision = StatementRevision.objects.get()

    page = moderator_client.get(f"{STATEMENT_EDITS}{revision.pk}/change/").content.decode()

    assert "Democracy for Peru" in page and "A new title" in page


def test_staff_edits_go_public_at_once(client, statement, settings):
    from tests.organisers.conftest import make_user

    staff = make_user("sam@example.org", staff=True)
    from campaigns.models import Membership

    Membership.objects.create(campaign=statement.campaign, user=staff, role="owner")
    client.force_login(staff)

    client.post(EDIT, statement_form(body="Staff wording"))

    assert Statement.objects.get().body == "Staff wording"
    assert not StatementRevision.objects.exists()


# --- Events ---------------------------------------------------------------------------------------


def event_form(event, **overrides):
    start = event.local_starts_at
    data = {
        "title": event.title,
        "slug": event.slug,
        "description": event.description,
        "kind": event.kind,
        "venue_name": event.venue_name,
        "address": event.address,
        "join_url": event.join_url,
        "start_date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        # The end's own date: an event the factory starts late in the evening ends the next day.
        "end_date": event.local_ends_at.date().isoformat(),
        "end_time": event.local_ends_at.strftime("%H:%M"),
        "time_zone": event.time_zone,
        "capacity": "" if event.capacity is None else str(event.capacity),
        "waitlist": "on",
        "reminders": "",
    }
    return {**data, **overrides}


def test_a_new_event_by_an_organiser_is_not_public_until_approved(
    as_bob,
    campaign,
    client,
    moderator_client,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    template = EventFactory.build(campaign=campaign, slug="picket", title="Picket at the embassy")
    response = as_bob.post("/dashboard/c/peru/events/new/", event_form(template))
    assert response.status_code == 303
    event = Event.objects.get(slug="picket")
    anonymous = Client()

    before = anonymous.get("/c/peru/events/picket/")
    sign_up = anonymous.post("/c/peru/events/picket/", {"name": "Ana", "email": "ana@example.org"})
    campaign_page = anonymous.get("/c/peru/").content.decode()
    run_action(moderator_client, EVENTS, "approve_events", [event.pk], "Checked with the union")
    after = anonymous.get("/c/peru/events/picket/")

    assert (before.status_code, sign_up.status_code, after.status_code) == (404, 404, 200)
    assert "Picket at the embassy" not in campaign_page
    assert not event.attendees.exists()
    assert AuditEntry.objects.filter(action="approve event", object_id=str(event.pk)).exists()


def test_an_edit_to_an_approved_event_waits_and_attendees_hear_only_once_approved(
    as_bob,
    campaign,
    moderator_client,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    event = EventFactory(campaign=campaign, slug="rally", kind=Event.Kind.ONLINE)
    AttendeeFactory(event=event, email="ana@example.org")
    later = event.local_starts_at + timedelta(hours=3)
    edit = event_form(
        event,
        join_url="https://phish.example/login",
        start_time=later.strftime("%H:%M"),
        end_time=(later + timedelta(hours=1)).strftime("%H:%M"),
        end_date=(later + timedelta(hours=1)).date().isoformat(),
        start_date=later.date().isoformat(),
        capacity="80",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = as_bob.post("/dashboard/c/peru/events/rally/edit/", edit)
    assert response.status_code == 303, response.context["form"].errors
    waiting = Event.objects.get(pk=event.pk)
    mailed_before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        run_action(moderator_client, EVENT_EDITS, "approve_edits", [EventRevision.objects.get().pk])
    approved = Event.objects.get(pk=event.pk)

    assert response.status_code == 303
    assert (waiting.join_url, waiting.starts_at, waiting.capacity) == (event.join_url, event.starts_at, 80)
    assert mailed_before == 0
    assert (approved.join_url, approved.local_starts_at) == ("https://phish.example/login", later)
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    assert AuditEntry.objects.filter(action="approve event edit", object_id=str(event.pk)).exists()


def test_a_moderator_rejects_an_event_edit_and_sees_it_listed_by_the_event(
    as_bob,
    campaign,
    moderator_client,  # noqa: F811
):
    event = EventFactory(campaign=campaign, slug="rally", title="Rally for Peru")
    as_bob.post("/dashboard/c/peru/events/rally/edit/", event_form(event, title="Rally at the embassy"))
    revision = EventRevision.objects.get()

    queue = moderator_client.get(EVENT_EDITS)
    page = moderator_client.get(f"{EVENT_EDITS}{revision.pk}/change/").content.decode()
    run_action(moderator_client, EVENT_EDITS, "reject_edits", [revision.pk], "Wrong place")

    assert [str(row) for row in queue.context["cl"].result_list] == ["Rally for Peru"]
    assert "Rally for Peru" in page and "Rally at the embassy" in page
    assert Event.objects.get(pk=event.pk).title == "Rally for Peru"
    entry = AuditEntry.objects.get(action="reject event edit")
    assert (entry.object_type, entry.object_repr) == ("event", "Rally for Peru")
    assert entry.object_id == str(event.pk)


@pytest.mark.parametrize("model", [StatementRevision, EventRevision])
def test_the_database_keeps_one_pending_edit_per_statement_or_event(model, campaign, statement):
    revised = statement if model is StatementRevision else EventFactory(campaign=campaign)
    model.objects.create(**{model.revises: revised}, changes={"title": "One"})
    model.objects.create(**{model.revises: revised}, changes={"title": "Old"}, decision="rejected")

    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**{model.revises: revised}, changes={"title": "Two"})
