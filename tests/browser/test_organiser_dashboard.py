"""An organiser in a real Chromium: log in with the demo login, open the dashboard, download a CSV."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from organisers.management.commands.demo_organiser import DEBUG_PASSWORD, EMAIL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_in_opens_the_dashboard_and_downloads_the_signatories(laptop, console, demo_statement):
    # Tests run with DEBUG off, where the demo picks a random password: set the documented one.
    call_command("demo_organiser", password=DEBUG_PASSWORD, verbosity=0)
    laptop.goto("/dashboard/")
    laptop.get_by_label("Email").fill(EMAIL)
    laptop.get_by_label("Password").fill(DEBUG_PASSWORD)
    with laptop.expect_navigation():
        laptop.get_by_role("button", name="Sign In").click()

    expect(laptop.get_by_role("heading", level=1)).to_have_text("My campaigns")
    laptop.get_by_role("link", name=demo_statement.title).first.click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text(demo_statement.title)
    laptop.get_by_role("link", name="Export signatories").click()
    laptop.get_by_label("Only people who agreed to be contacted").uncheck()
    with laptop.expect_download() as download_info:
        laptop.get_by_role("button", name="Download CSV").click()

    download = download_info.value
    assert download.suggested_filename.startswith("democracy-now-solidarity-statement-signatories-")
    content = open(download.path(), "rb").read()
    assert content.startswith(b"\xef\xbb\xbfname,email,country,city/postcode,")
    lines = content.decode("utf-8-sig").splitlines()
    assert len(lines) == 6  # the header and the five demo signatories
    assert any(line.startswith("María Quispe,") for line in lines)
    assert laptop.locator("[style]").count() == 0
    assert console.errors == []


def test_a_paper_csv_imported_twice_adds_nothing_the_second_time(laptop, console, demo_statement, tmp_path):
    call_command("demo_organiser", password=DEBUG_PASSWORD, verbosity=0)
    laptop.goto("/accounts/login/")
    laptop.get_by_label("Email").fill(EMAIL)
    laptop.get_by_label("Password").fill(DEBUG_PASSWORD)
    with laptop.expect_navigation():
        laptop.get_by_role("button", name="Sign In").click()
    laptop.get_by_role("link", name=demo_statement.title).first.click()
    laptop.get_by_role("link", name="Add paper signatures").click()

    # The template CSV, filled in as an organiser would from two paper forms.
    with laptop.expect_download() as download_info:
        laptop.get_by_role("link", name="Download the template CSV").click()
    template = open(download_info.value.path(), encoding="utf-8").read()
    filled = tmp_path / "stall.csv"
    filled.write_text(
        template + "Paper Person One,one@example.org,PE,Lima,,,yes,\r\nPaper Person Two,,GB,Leeds,,,,\r\n"
    )
    before = demo_statement.signatures.count()

    def upload():
        laptop.get_by_label("CSV file").set_input_files(filled)
        laptop.get_by_label("Where the forms were collected").fill("Stall at the May Day march")
        laptop.get_by_label("The paper forms these signatures").check()
        with laptop.expect_navigation():
            laptop.get_by_role("button", name="Check and import").click()

    upload()
    expect(laptop.get_by_text("2 paper signatures imported.")).to_be_visible()
    laptop.get_by_role("link", name="Add paper signatures").click()
    upload()

    expect(laptop.get_by_role("heading", level=2).first).to_have_text(
        "No new signatures in this file: nothing was imported"
    )
    expect(laptop.get_by_role("heading", name="2 rows skipped as duplicates")).to_be_visible()
    assert demo_statement.signatures.count() == before + 2
    assert laptop.locator("[style]").count() == 0
    assert console.errors == []
