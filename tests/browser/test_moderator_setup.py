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
ADMIN = ("admin@example.org", "a long admin passphrase 2026")
MODERATOR = ("maria@example.org", "a moderator's own passphrase")


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


def sign_in(page, email, password):
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()


def first_sign_in(page, settings, mails: int, email, password):
    """README steps 3 and 4: sign in, the emailed link, sign in again, the password again, TOTP."""
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fadmin%2F$"))
    sign_in(page, email, password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    message = delivered(mails)[-1]
    assert message.to == [email]
    assert message.subject == f"[{settings.SITE_NAME}] Please Confirm Your Email Address"
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
    page.get_by_label("Authenticator code").fill(
        totp(page.get_by_label("Authenticator secret").input_value())
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Codes")


def test_a_new_superuser_and_a_moderator_follow_the_readme_to_the_queue(
    laptop, browser, live_server, settings, monkeypatch
):
    settings.MFA_REQUIRED_FOR_STAFF = True
    cache.clear()  # allauth's rate limits (one verification email per address every few minutes)
    # Steps 1 and 2.
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", ADMIN[1])
    call_command("createsuperuser", interactive=False, username="admin", email=ADMIN[0], verbosity=0)
    call_command("setup_moderators", verbosity=0)

    first_sign_in(laptop, settings, 1, *ADMIN)
    laptop.goto("/admin/")
    expect(laptop.get_by_role("link", name="Users")).to_be_visible()

    # Step 6: the administrator makes a moderator in the admin.
    laptop.goto("/admin/auth/user/add/")
    laptop.locator("#id_username").fill("maria")
    laptop.locator("#id_password1").fill(MODERATOR[1])
    laptop.locator("#id_password2").fill(MODERATOR[1])
    with laptop.expect_navigation():
        laptop.locator("input[name=_continue]").click()
    laptop.locator("#id_email").fill(MODERATOR[0])
    laptop.locator("#id_is_staff").check()
    laptop.locator("#id_groups_from").select_option(label="moderator")
    laptop.locator("#id_groups_add").click()
    with laptop.expect_navigation():
        laptop.locator("input[name=_save]").click()
    expect(laptop.get_by_text("The user “maria” was changed successfully.")).to_be_visible()

    # Steps 3 to 5 and 7 for the moderator, in a browser of their own.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    moderator = context.new_page()
    first_sign_in(moderator, settings, 2, *MODERATOR)
    moderator.goto("/admin/")
    expect(moderator.get_by_role("link", name="Listings awaiting approval")).to_be_visible()
    expect(moderator.get_by_role("link", name="Statements awaiting approval")).to_be_visible()
    expect(moderator.get_by_role("link", name="Users")).to_have_count(0)
    context.close()
