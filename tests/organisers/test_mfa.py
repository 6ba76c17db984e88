"""Two-factor authentication: enrol with a TOTP code, log in with one, and the rule for staff."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from .conftest import PASSWORD, make_user


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]  # the current time step, in the middle of the tolerance window
    return format_hotp_value(hotp_value(secret, counter))


def _log_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _log_in_and_confirm_password(client, email):
    assert _log_in(client, email).status_code == 302
    # allauth asks for the password again before a security change.
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def test_it_enrols_totp_with_a_code_from_the_authenticator(client, alice):
    _log_in_and_confirm_password(client, "alice@example.org")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=alice, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=alice, type=Authenticator.Type.RECOVERY_CODES).exists()


def test_it_refuses_a_wrong_code_at_enrolment(client, alice):
    _log_in_and_confirm_password(client, "alice@example.org")
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    wrong = f"{(int(current_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_activate_totp"), {"code": wrong})

    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=alice).exists()


def test_it_asks_for_the_code_at_login_and_accepts_a_valid_one(client, alice):
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)

    response = _log_in(client, "alice@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/dashboard/").status_code == 302  # not logged in yet
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("organisers:home")
    assert client.get("/dashboard/").status_code == 200


def test_it_refuses_a_wrong_code_at_login(client, alice):
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    _log_in(client, "alice@example.org")
    wrong = f"{(int(current_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert client.get("/dashboard/").status_code == 302


def test_it_sends_staff_without_two_factor_to_set_it_up(client, db, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    moderator = make_user("mod@example.org", staff=True)
    client.force_login(moderator)

    for url in ("/admin/", "/dashboard/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp")


def test_it_lets_staff_with_two_factor_into_admin(client, db, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    moderator = make_user("mod@example.org", staff=True)
    TOTP.activate(moderator, generate_totp_secret())
    client.force_login(moderator)

    assert client.get("/admin/").status_code == 200


def test_it_does_not_ask_organisers_who_are_not_staff(client, alice, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    client.force_login(alice)

    assert client.get("/dashboard/").status_code == 200


def test_it_sends_admin_login_through_the_site_login(client, db):
    response = client.get("/admin/login/?next=/admin/petitions/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fpetitions%2F"


def test_it_rate_limits_failed_logins(client, alice):
    for _attempt in range(5):
        _log_in(client, "alice@example.org", "wrong password")

    response = _log_in(client, "alice@example.org", PASSWORD)

    assert response.status_code != 302
    assert client.get("/dashboard/").status_code == 302
