"""Who sends updates: owners only, and, where the campaign asks for it, after a second member approved."""

import pytest
from django.core import mail

from campaigns.models import Membership, Role
from updates import services
from updates.models import Update


@pytest.fixture
def dora(django_user_model, campaign):
    """A second owner of the campaign."""
    user = django_user_model.objects.create_user("dora", "dora@example.org", "pw")
    Membership.objects.create(campaign=campaign, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def reviewed(campaign):
    services.set_needs_approval(campaign, True)
    return campaign


def url(update, action):
    return f"/dashboard/c/{update.statement.campaign.slug}/updates/{update.uuid}/{action}"


def send(client, update, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url(update, "send/"), {"version": update.version})


def test_a_member_who_is_not_an_owner_cannot_send(
    client, bob, update, consenting, django_capture_on_commit_callbacks
):
    consenting()
    client.force_login(bob)

    response = send(client, update, django_capture_on_commit_callbacks)

    assert response.status_code == 403
    update.refresh_from_db()
    assert update.status == Update.Status.DRAFT
    assert mail.outbox == []


def test_a_member_is_told_that_an_owner_sends(client, bob, update):
    client.force_login(bob)

    page = client.get(url(update, "confirm/")).content.decode()

    assert "Only an owner of the campaign can send an update." in page
    assert 'class="send-form"' not in page


def test_without_approval_an_owner_cannot_send_a_reviewed_campaigns_update(
    client, alice, reviewed, update, consenting, django_capture_on_commit_callbacks
):
    consenting()
    client.force_login(alice)

    response = send(client, update, django_capture_on_commit_callbacks)

    assert response.status_code == 409
    assert b"second member" in response.content
    assert mail.outbox == []


def test_an_owner_cannot_approve_their_own_send(
    client, alice, reviewed, update, consenting, django_capture_on_commit_callbacks
):
    consenting()
    client.force_login(alice)
    client.post(url(update, "approve/"), {"version": update.version})

    response = send(client, update, django_capture_on_commit_callbacks)

    assert response.status_code == 409
    assert b"A member other than the one who sends it" in response.content
    assert mail.outbox == []


def test_a_second_members_approval_lets_an_owner_send(
    client, alice, bob, reviewed, update, consenting, django_capture_on_commit_callbacks
):
    consenting()
    client.force_login(bob)
    assert client.post(url(update, "approve/"), {"version": update.version}).status_code == 303
    client.force_login(alice)

    response = send(client, update, django_capture_on_commit_callbacks)

    assert response.status_code == 303
    update.refresh_from_db()
    assert (update.status, update.approved_by) == (Update.Status.SENT, bob)
    assert len(mail.outbox) == 1


def test_an_edit_after_approval_needs_a_new_approval(
    client, alice, bob, dora, reviewed, update, consenting, django_capture_on_commit_callbacks
):
    consenting()
    client.force_login(bob)
    client.post(url(update, "approve/"), {"version": update.version})
    client.force_login(dora)
    client.post(url(update, "edit/"), {"subject": update.subject, "body": "Click https://evil.example/"})
    update.refresh_from_db()
    client.force_login(alice)

    response = send(client, update, django_capture_on_commit_callbacks)

    assert response.status_code == 409
    assert update.approved_by is None
    assert mail.outbox == []


def test_an_approval_covers_only_the_text_that_was_read(client, bob, reviewed, update):
    read = update.version
    Update.objects.filter(pk=update.pk).update(body="Another text.")
    client.force_login(bob)

    client.post(url(update, "approve/"), {"version": read})

    update.refresh_from_db()
    assert update.approved_by is None


def test_only_an_owner_sets_the_approval_rule(client, bob, campaign):
    client.force_login(bob)

    response = client.post(f"/dashboard/c/{campaign.slug}/updates/policy/", {"needs_approval": "on"})

    assert response.status_code == 403
    assert not services.needs_approval(campaign)


def test_an_owner_turns_the_approval_rule_on_and_off(client, alice, campaign):
    client.force_login(alice)
    policy = f"/dashboard/c/{campaign.slug}/updates/policy/"

    client.post(policy, {"needs_approval": "on"})
    assert services.needs_approval(campaign)
    client.post(policy, {})
    assert not services.needs_approval(campaign)


def test_the_service_refuses_a_send_nobody_approved(reviewed, update, consenting):
    consenting()

    with pytest.raises(services.CannotSend):
        services.start_sending(update)

    update.refresh_from_db()
    assert update.status == Update.Status.DRAFT
