"""A quick signer (autofill, a script) is mailed like anyone: filled and sent at once in Chromium."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from petitions.models import Signature
from safety import abuse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["phone", "laptop"])
def test_a_form_filled_and_sent_at_once_is_mailed_and_confirms(
    request, viewport, demo_statement, settings, live_server
):
    # The site's minimum fill time is on, as in production.
    settings.SIGNING_MIN_FILL_SECONDS = 3
    page = request.getfixturevalue(viewport)
    page.goto(demo_statement.get_absolute_url())

    # Filled and sent back within the same moment, as browser autofill does.
    page.get_by_role("textbox", name="Your name", exact=True).fill("Quick Quispe")
    page.get_by_role("textbox", name="Email", exact=True).fill(f"quick-{viewport}@example.org")
    page.get_by_role("combobox", name="Country", exact=True).select_option(label="Peru")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign", exact=True).click()

    # The page says an email was sent, and it was: the signature is pending, not held.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    signature = Signature.objects.get(email=f"quick-{viewport}@example.org")
    assert signature.status == Signature.Status.PENDING
    assert abuse.is_quick(signature.fill_ms)  # kept for moderators as a signal
    [message] = [m for m in mail.outbox if m.to == [signature.email]]
    link = re.search(r"https?://[^/\s]+(/confirm/\S+)", message.body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you — your signature is confirmed")
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED
