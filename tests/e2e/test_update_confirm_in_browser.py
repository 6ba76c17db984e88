"""End to end in Chromium: an owner writes an update, checks it on the confirm step, sends it, and
the mail the worker delivers over SMTP is the one the confirm step showed.

The site is gunicorn with a Celery worker and an SMTP catcher (tests/e2e/conftest.py); the browser
is Playwright driving Debian's Chromium (the `browser` fixture in tests/conftest.py).
"""

import os

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from playwright.sync_api import expect

from campaigns.models import Membership, Role
from tests.browser.conftest import LAPTOP
from tests.factories import CampaignFactory, ConfirmedSignatureFactory, StatementFactory
from updates.emails import PREVIEW_NAME
from updates.models import Update

pytestmark = [pytest.mark.services, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = """**Thousands of people** signed.

Join the [online rally](https://example.org/rally) on Saturday.

<script>alert(1)</script>
"""
PASSWORD = "a long organiser password"


@pytest.fixture
def owner(django_user_model):
    statement = StatementFactory(campaign=CampaignFactory(slug="confirm-e2e"), slug="democracia")
    # Hashed as the site hashes (the test settings' fast hasher is unknown to gunicorn).
    hasher = PBKDF2PasswordHasher()
    password = hasher.encode(PASSWORD, hasher.salt())
    user = django_user_model.objects.create(username="olga", email="olga@example.org", password=password)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Membership.objects.create(campaign=statement.campaign, user=user, role=Role.OWNER)
    ConfirmedSignatureFactory(statement=statement, name="Ana", email="ana@example.org", consent_contact=True)
    ConfirmedSignatureFactory(statement=statement, name="Ben", email="ben@example.org", consent_contact=True)
    ConfirmedSignatureFactory(statement=statement, email="cai@example.org", consent_contact=False)
    return user, statement


def test_an_owner_checks_and_sends_an_update_and_the_mail_is_what_was_shown(e2e, browser, owner):
    user, statement = owner
    context = browser.new_context(base_url=e2e.site_url, locale="en-GB", **LAPTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"/accounts/login/?next=/dashboard/c/{statement.campaign.slug}/updates/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign In").click()

        # Write the update
        page.get_by_role("link", name=f"To the signers of “{statement.title}”").click()
        page.get_by_label("Subject").fill("Next steps")
        page.get_by_label("Message").fill(BODY)
        page.get_by_role("button", name="Save and preview").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Next steps")
        assert page.get_by_role("button", name="Send to 2 signers").count() == 0  # no sending in one click

        # The confirm step: how many, and both parts as they will arrive
        page.get_by_role("link", name="Review and send").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check and send")
        expect(page.locator(".lead")).to_contain_text("This update will go to 2 signers")
        shown_text = page.locator("pre.mail-text").inner_text()
        frame = page.frame_locator("iframe.mail-html")
        expect(frame.locator("strong")).to_have_text("Thousands of people")
        shown_html_text = frame.locator("body").inner_text()
        _screenshots(page, "update-confirm")

        # Send, and read what the worker delivered
        page.get_by_role("button", name="Send to 2 signers now").click()
        expect(page.get_by_role("heading", name="Progress")).to_be_visible()
    finally:
        context.close()

    [mail] = e2e.mailbox.wait_for(1, to="ana@example.org")
    e2e.mailbox.wait_for(1, to="ben@example.org")
    assert len(e2e.mailbox.mails) == 2
    e2e.wait_until(lambda: Update.objects.get().status == Update.Status.SENT, what="the update to be sent")
    own_link = mail.links(f"{e2e.site_url}/unsubscribe/")[0]
    [shown_link] = [word for word in shown_text.split() if "/unsubscribe/" in word]
    delivered = mail.text.replace("\r\n", "\n").strip()
    assert shown_text.replace(PREVIEW_NAME, "Ana").replace(shown_link, own_link).strip() == delivered
    assert "online rally (https://example.org/rally)" in mail.text
    assert "Thousands of people signed." in shown_html_text
    assert "alert(1)" not in mail.text and "alert(1)" not in mail.html


def _screenshots(page, name: str):
    """Full-page PNGs at phone and laptop widths, for a person to look at (SCREENSHOT_DIR, if set)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if not folder:
        return
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(LAPTOP["viewport"])
