"""A moderator works the queues in a real Chromium at 1280×800: counts, one click, keyboard bulk."""

import os

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from petitions.models import Signature
from safety.models import AuditEntry
from tests.factories import ConfirmedSignatureFactory, SignatureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR", "")
PASSWORD = "a moderator's long passphrase"


def shoot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name))


@pytest.fixture
def moderator(transactional_db, settings):
    # As the README says: `make moderators` makes the group, a moderator is a staff user in it.
    # (Two-factor set-up for staff has its own tests: tests/organisers/test_mfa.py.)
    settings.MFA_REQUIRED_FOR_STAFF = False
    call_command("setup_moderators", verbosity=0)
    user = get_user_model().objects.create_user("mo", "mo@moderators.example", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="moderator"))
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def log_in(page):
    page.goto("/admin/")
    page.get_by_label("Email").fill("mo@moderators.example")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()


def test_a_moderator_works_the_queues_at_1280_by_800(laptop, console, moderator, demo_statement):
    for i in range(30):
        ConfirmedSignatureFactory(
            statement=demo_statement,
            name=f"Signer Number {i}",
            show_publicly=True,
            listing="pending",
            country=["PE", "GB", "ES", "AR"][i % 4],
        )
    SignatureFactory(statement=demo_statement, status=Signature.Status.HELD, hold_reason="rate_ip")

    missing = []
    laptop.on("response", lambda response: response.status >= 400 and missing.append(response.url))
    log_in(laptop)
    expect(laptop.get_by_role("link", name="Public listings awaiting approval (30)")).to_be_visible()
    expect(laptop.get_by_role("link", name="Signatures held for review (1)")).to_be_visible()
    shoot(laptop, "admin-index-1280.png")

    laptop.get_by_role("link", name="Public listings awaiting approval (30)").click()
    shoot(laptop, "admin-listings-1280.png")
    # The first row's decision buttons are on screen without scrolling.
    first = laptop.get_by_role("button", name="Approve: Signer Number 0")
    box = first.bounding_box()
    assert box and box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 800
    for label in ("Reject", "Hide"):
        other = laptop.get_by_role("button", name=f"{label}: Signer Number 0").bounding_box()
        assert other and other["x"] + other["width"] <= 1280
    first.click()
    expect(laptop.get_by_text("Signer Number 0: Approve.")).to_be_visible()

    # Country: a drop-down of the countries present.
    laptop.get_by_label("Country").select_option("PE")
    laptop.get_by_role("button", name="Filter").click()
    expect(laptop.locator("#result_list tbody tr")).to_have_count(7)

    # Bulk, by keyboard only: select all, choose the action, Go, a reason, Enter.
    laptop.locator("#action-toggle").focus()
    laptop.keyboard.press("Space")
    laptop.locator("select[name=action]").focus()
    laptop.locator("select[name=action]").select_option("reject_listing")
    laptop.keyboard.press("Tab")
    laptop.keyboard.press("Enter")
    laptop.get_by_label("Reason (optional, kept in the audit trail)").fill("Not from Peru")
    shoot(laptop, "admin-reason-1280.png")
    laptop.keyboard.press("Tab")
    laptop.keyboard.press("Enter")
    expect(laptop.get_by_text("7 listings rejected.")).to_be_visible()

    assert AuditEntry.objects.filter(action="listing approve", actor=moderator).count() == 1
    assert AuditEntry.objects.filter(action="listing reject", reason="Not from Peru").count() == 7
    laptop.goto("/admin/moderation/heldforreview/")
    shoot(laptop, "admin-held-1280.png")
    laptop.get_by_role("button", name="Release:").first.click()
    expect(laptop.get_by_text("Release.")).to_be_visible()
    assert not Signature.objects.filter(status=Signature.Status.HELD).exists()
    # The admin pages link no icon: Chromium's own request for /favicon.ico is the only miss.
    assert {url.rsplit("/", 1)[-1] for url in missing} <= {"favicon.ico"}
    assert [error for error in console.errors if "Failed to load resource" not in error] == []


def test_the_queue_reads_on_a_phone(phone, console, moderator, demo_statement):
    ConfirmedSignatureFactory(
        statement=demo_statement, name="Ana Torres", show_publicly=True, listing="pending"
    )

    log_in(phone)
    phone.goto("/admin/moderation/listingawaitingapproval/")
    shoot(phone, "admin-listings-390.png")

    expect(phone.get_by_role("button", name="Approve: Ana Torres")).to_be_visible()
    assert [error for error in console.errors if "Failed to load resource" not in error] == []
