"""The demo gives a documented organiser login that owns the demo campaign; running it again is safe."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from campaigns.models import Membership, Role
from organisers.management.commands.demo_organiser import DEBUG_PASSWORD, EMAIL


def test_it_creates_the_demo_organiser_once(db, settings, capsys):
    settings.DEBUG = True
    call_command("demo")
    call_command("demo")

    user = get_user_model().objects.get(email=EMAIL)
    assert EmailAddress.objects.get(user=user).verified
    membership = Membership.objects.get(user=user)
    assert (membership.campaign.slug, membership.role) == ("democracy-now", Role.OWNER)
    assert f"as {EMAIL} with the password {DEBUG_PASSWORD}" in capsys.readouterr().out


def test_it_lets_the_demo_organiser_log_in(client, db, settings):
    settings.DEBUG = True
    call_command("demo", verbosity=0)

    response = client.post(reverse("account_login"), {"login": EMAIL, "password": DEBUG_PASSWORD})

    assert response.status_code == 302
    assert client.get("/dashboard/c/democracy-now/").status_code == 200


def test_it_never_uses_the_documented_password_outside_debug_mode(db, settings, capsys):
    settings.DEBUG = False
    call_command("demo")

    user = get_user_model().objects.get(email=EMAIL)
    assert not user.check_password(DEBUG_PASSWORD)
    assert "with the password " in capsys.readouterr().out
