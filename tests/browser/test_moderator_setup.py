"""The README's moderator steps in a real Chromium: from a new superuser to the moderation queue."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EMAIL = "admin@example.org"
PASSWORD = "a long admin passphrase 2026"


def totp(secret: str) -> str:
    """The code an authenticator app shows now (RFC 6238: SHA-1, 30 s, 6 digits)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 15
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def delivered(count: int) -> list:
    """The live server's thread sends the mail just after the page answers: wait for it."""
    deadline = time.monotonic() + 10
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return list(mail.outbox)


def sign_in(page, email=EMAIL, password=PASSWORD):
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()


def verify_email_then_set_up_two_factor(page, message, settings, email, password):
    """README steps 3 and 4: the emailed link, signing in again, the password again, an authenticator."""
    link = re.search(rf"{re.escape(settings.SITE_URL)}(/accounts/confirm-email/\S+/)", message.body).group(1)
    page.goto(link)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text(f"You have confirmed {email}.")).to_be_visible()
    sign_in(page, email, password)
    expect(
        page.get_by_text("Staff accounts need two-factor authentication. Please set it up.")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Access")
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Codes")


def test_a_new_superuser_follows_the_readme_to_the_moderation_queue(
    laptop, browser, live_server, console, settings, monkeypatch
):
    settings.MFA_REQUIRED_FOR_STAFF = True
    cache.clear()  # allauth's rate limits (one verification email per address every few minutes)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", interactive=False, username="admin", email=EMAIL, verbosity=0)
    call_command("setup_moderators", verbosity=0)

    laptop.goto("/admin/")
    expect(laptop).to_have_url(re.compile(r"/accounts/login/\?next=%2Fadmin%2F$"))
    sign_in(laptop)

    expect(laptop.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    (message,) = delivered(1)
    assert message.subject == f"[{settings.SITE_NAME}] Please Confirm Your Email Address"
    link = re.search(rf"{re.escape(settings.SITE_URL)}(/accounts/confirm-email/\S+/)", message.body).group(1)
    laptop.goto(link)
    with laptop.expect_navigation():
        laptop.get_by_role("button", name="Confirm").click()
    expect(laptop.get_by_text(f"You have confirmed {EMAIL}.")).to_be_visible()
    sign_in(laptop)

    expect(
        laptop.get_by_text("Staff accounts need two-factor authentication. Please set it up.")
    ).to_be_visible()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Confirm Access")
    laptop.get_by_label("Password").fill(PASSWORD)
    with laptop.expect_navigation():
        laptop.get_by_role("button", name="Confirm").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    secret = laptop.get_by_label("Authenticator secret").input_value()
    laptop.get_by_label("Authenticator code").fill(totp(secret))
    with laptop.expect_navigation():
        laptop.get_by_role("button", name="Activate").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Recovery Codes")

    laptop.goto("/admin/")
    expect(laptop.get_by_role("link", name="Listings awaiting approval")).to_be_visible()
    expect(laptop.get_by_role("link", name="Statements awaiting approval")).to_be_visible()
    assert console.errors == []
