"""Invitations: emailed through the outbox, expiring, single use, only for the invited address."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Membership, Role
from organisers.models import Invitation
from outbox import sender
from tests.factories import mail_through_outbox

from .conftest import PASSWORD, make_user


def _invitation(campaign, email="dora@example.org", role=Role.ORGANISER, **kwargs):
    defaults = {"expires_at": timezone.now() + timedelta(days=7)}
    return Invitation.objects.create(campaign=campaign, email=email, role=role, **{**defaults, **kwargs})


def _accept_url(invitation):
    return reverse("organisers:accept_invitation", args=[invitation.uuid])


def test_it_emails_an_invitation_when_the_owner_invites(
    as_alice, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(
            reverse("organisers:members", args=[campaign.slug]),
            {"email": "Dora@Example.org", "role": "owner"},
        )

    assert response.status_code == 303
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.campaign) == ("Dora@Example.org", "owner", campaign)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["Dora@Example.org"]
    assert "Solidarity with Peru" in mailoutbox[0].subject
    assert _accept_url(invitation) in mailoutbox[0].body
    assert invitation.expires_at - timezone.now() > timedelta(days=6)


def _mail(invitation):
    return mail_through_outbox("organisers.invitation", invitation.email, invitation.pk)


def test_it_sends_an_invitation_only_once(campaign, mailoutbox):
    row = _mail(_invitation(campaign))
    sender.drain()

    assert row.status == "sent"
    assert len(mailoutbox) == 1


def test_it_does_not_send_an_invitation_that_expired_before_its_mail_went(campaign, mailoutbox):
    invitation = _invitation(campaign, expires_at=timezone.now() - timedelta(seconds=1))

    assert _mail(invitation).status == "dropped"
    assert mailoutbox == []


def test_it_rejects_an_invitation_with_a_bad_address(as_alice, campaign):
    response = as_alice.post(
        reverse("organisers:members", args=[campaign.slug]), {"email": "not-an-email", "role": "owner"}
    )

    assert response.status_code == 400
    assert b"valid email" in response.content
    assert not Invitation.objects.exists()


def test_it_does_not_invite_someone_who_is_already_a_member(as_alice, campaign, bob):
    response = as_alice.post(
        reverse("organisers:members", args=[campaign.slug]), {"email": "BOB@example.org", "role": "owner"}
    )

    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_it_makes_the_invited_user_a_member(client, campaign):
    dora = make_user("dora@example.org")
    invitation = _invitation(campaign, email="Dora@example.org", role=Role.OWNER)
    client.force_login(dora)

    response = client.post(_accept_url(invitation))

    assert response.status_code == 303
    assert response["Location"] == reverse("organisers:campaign", args=[campaign.slug])
    assert Membership.objects.get(user=dora).role == Role.OWNER
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert invitation.used_by == dora


def test_it_refuses_an_expired_invitation(client, campaign):
    dora = make_user("dora@example.org")
    invitation = _invitation(campaign, expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(dora)

    response = client.post(_accept_url(invitation))

    assert response.status_code == 410
    assert b"expired" in response.content
    assert not Membership.objects.filter(user=dora).exists()


def test_it_refuses_to_reuse_an_invitation(client, campaign):
    dora = make_user("dora@example.org")
    eve = make_user("eve@example.org")
    EmailAddress.objects.create(user=eve, email="dora@example.org", verified=False)
    invitation = _invitation(campaign)
    client.force_login(dora)
    assert client.post(_accept_url(invitation)).status_code == 303
    client.force_login(eve)

    response = client.post(_accept_url(invitation))

    assert response.status_code == 410
    assert b"already been used" in response.content
    assert not Membership.objects.filter(user=eve).exists()


def test_it_refuses_an_invitation_for_another_address(client, campaign, charlie):
    invitation = _invitation(campaign, email="dora@example.org")
    client.force_login(charlie)

    response = client.post(_accept_url(invitation))

    assert response.status_code == 403
    assert b"dora@example.org" in response.content
    assert not Membership.objects.filter(user=charlie, campaign=campaign).exists()
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_it_refuses_an_invitation_whose_address_is_not_verified(client, campaign, charlie):
    EmailAddress.objects.create(user=charlie, email="dora@example.org", verified=False)
    invitation = _invitation(campaign, email="dora@example.org")
    client.force_login(charlie)

    assert client.post(_accept_url(invitation)).status_code == 403


def test_it_answers_404_for_an_unknown_invitation(client, db):
    assert client.get("/dashboard/invitations/7c1e2a43-4a8b-4e4e-9d6b-6f3cb0e7f0a1/").status_code == 404


def test_it_keeps_sign_up_closed_without_an_invitation(client, db):
    response = client.get(reverse("account_signup"))

    assert b"Sign Up Closed" in response.content or b"closed" in response.content.lower()
    client.post(
        reverse("account_signup"),
        {"email": "mallory@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not EmailAddress.objects.filter(email="mallory@example.org").exists()


def test_it_opens_sign_up_when_the_setting_says_so(client, db, settings):
    settings.ORGANISER_SIGNUP_OPEN = True

    response = client.post(
        reverse("account_signup"),
        {"email": "mallory@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert EmailAddress.objects.filter(email="mallory@example.org", verified=False).exists()


def test_it_signs_up_an_invited_person_and_makes_them_a_member(client, campaign, mailoutbox):
    invitation = _invitation(campaign, email="dora@example.org", role=Role.ORGANISER)

    # Given the invitation link opened in a fresh browser
    page = client.get(_accept_url(invitation))
    assert page.status_code == 200
    assert b"Create my account" in page.content
    # When Dora signs up with the invited address
    signup = client.get(reverse("account_signup"))
    assert b'value="dora@example.org"' in signup.content
    response = client.post(
        reverse("account_signup"), {"email": "dora@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    # Then the address counts as verified (the invitation reached it), and she lands on the invitation
    assert response.status_code == 302
    assert response["Location"] == _accept_url(invitation)
    assert EmailAddress.objects.get(email="dora@example.org").verified
    accepted = client.post(response["Location"])
    assert accepted.status_code == 303
    assert Membership.objects.get(user__email="dora@example.org").campaign == campaign
    # And the sign-up page is closed again for this browser
    client.logout()
    assert not EmailAddress.objects.filter(email="eve@example.org").exists()
    client.post(
        reverse("account_signup"), {"email": "eve@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert not EmailAddress.objects.filter(email="eve@example.org").exists()


def test_it_shows_an_anonymous_visitor_a_used_invitation_as_used(client, campaign, bob):
    invitation = _invitation(campaign, used_at=timezone.now())

    response = client.get(_accept_url(invitation))

    assert response.status_code == 410
    assert b"already been used" in response.content


def test_it_keeps_the_last_owner(as_alice, campaign, alice):
    membership = Membership.objects.get(user=alice)

    response = as_alice.post(reverse("organisers:remove_member", args=[campaign.slug, membership.uuid]))

    assert response.status_code == 303
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_it_lets_an_owner_remove_an_organiser(as_alice, campaign, bob):
    membership = Membership.objects.get(user=bob)

    as_alice.post(reverse("organisers:remove_member", args=[campaign.slug, membership.uuid]))

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert as_alice.get("/dashboard/").status_code == 200


@pytest.mark.parametrize("role", ["owner", "organiser"])
def test_it_lists_only_my_campaigns(client, campaign, other_campaign, alice, role):
    client.force_login(alice)

    response = client.get("/dashboard/")

    assert b"Solidarity with Peru" in response.content
    assert b"Solidarity with Chile" not in response.content
