"""A signer on a phone: the demo statement, signed in a real Chromium, through the real form."""

import re

import pytest
from playwright.sync_api import expect

from petitions.models import Signature

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records CSP violations in the page, so a test can read them even if the console wording changes.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def _submit(page):
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign", exact=True).click()
    return navigation.value


# By accessible name, as a screen reader announces them: "Email", not the visual "Email *".
def _name(page):
    return page.get_by_role("textbox", name="Your name", exact=True)


def _email(page):
    return page.get_by_role("textbox", name="Email", exact=True)


def _country(page):
    return page.get_by_role("combobox", name="Country", exact=True)


def _fill_individual(page, name="Rosa Parks", email="rosa@example.org"):
    _name(page).fill(name)
    _email(page).fill(email)
    _country(page).select_option(label="Peru")


def _assert_no_horizontal_scroll(page):
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths[0]}px > {widths[1]}px"


def test_it_signs_the_demo_statement_on_a_phone(phone, demo_statement):
    phone.goto(demo_statement.get_absolute_url())
    expect(phone.get_by_role("heading", level=1)).to_have_text(demo_statement.title)
    expect(phone.locator("[data-count]")).to_have_text("5")

    _fill_individual(phone, email="  Rosa@Example.org ")
    phone.get_by_role("textbox", name="City or postcode").fill("Lima")
    phone.get_by_label("Show my name on the public list of signatories").check()
    response = _submit(phone)

    assert response.status == 200
    expect(phone).to_have_url(re.compile(r"/check-your-email/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your email")
    signature = Signature.objects.get(statement=demo_statement, email_normalized="rosa@example.org")
    assert signature.status == Signature.Status.PENDING
    assert signature.name == "Rosa Parks"
    assert signature.country == "PE"
    assert signature.show_publicly is True
    assert signature.consent_contact is False


def test_it_shows_errors_next_to_the_fields_and_stays_usable(phone, demo_statement):
    phone.goto(demo_statement.get_absolute_url())
    _email(phone).fill("not-an-email")
    response = _submit(phone)

    assert response.status == 400
    expect(phone.get_by_role("alert").first).to_be_visible()
    name = _name(phone)
    email = _email(phone)
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-invalid", "true")
    # The message sits in the field's own block and is the input's accessible description.
    expect(phone.locator(".field", has=name).locator(".error")).to_be_visible()
    expect(name).to_have_accessible_description(re.compile("Please enter your name|required"))
    expect(phone.locator(".field", has=email).locator(".error")).to_contain_text("valid email")
    expect(email).to_have_value("not-an-email")
    assert not Signature.objects.filter(statement=demo_statement).exclude(mails_requested=0).exists()
    assert Signature.objects.filter(statement=demo_statement).count() == 5
    _assert_no_horizontal_scroll(phone)

    # The same page still works: correct the input and sign.
    name.fill("Rosa Parks")
    email.fill("rosa@example.org")
    _country(phone).select_option(label="Peru")
    response = _submit(phone)

    assert response.status == 200
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert Signature.objects.filter(statement=demo_statement, status=Signature.Status.PENDING).count() == 1


def test_it_reveals_and_requires_organisation_fields(phone, demo_statement):
    phone.goto(demo_statement.get_absolute_url())
    organisation = phone.get_by_label("Organisation", exact=True)
    role = phone.get_by_label("Your role in the organisation")
    expect(organisation).to_be_hidden()
    expect(role).to_be_hidden()

    phone.get_by_label("on behalf of an organisation").check()
    expect(organisation).to_be_visible()
    expect(role).to_be_visible()
    phone.get_by_label("as an individual").check()
    expect(organisation).to_be_hidden()

    phone.get_by_label("on behalf of an organisation").check()
    _fill_individual(phone, name="Ana Torres", email="ana@example.org")
    response = _submit(phone)

    assert response.status == 400
    expect(organisation).to_be_visible()
    expect(phone.locator(".field", has=organisation).locator(".error")).to_have_text(
        "Please enter the organisation's name."
    )
    expect(phone.locator(".field", has=role).locator(".error")).to_have_text(
        "Please enter your role in the organisation."
    )
    expect(phone.get_by_label("on behalf of an organisation")).to_be_checked()
    assert not Signature.objects.filter(email_normalized="ana@example.org").exists()

    organisation.fill("Lima Teachers' Union")
    role.fill("Secretary")
    response = _submit(phone)

    assert response.status == 200
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your email")
    signature = Signature.objects.get(email_normalized="ana@example.org")
    assert signature.kind == Signature.Kind.ORGANISATION
    assert signature.organisation == "Lima Teachers' Union"
    assert signature.role == "Secretary"


@pytest.mark.parametrize("fixture", ["phone", "laptop"])
def test_it_has_no_console_errors_or_csp_violations(request, fixture, console, demo_statement):
    page = request.getfixturevalue(fixture)
    page.add_init_script(CSP_LISTENER)
    urls = ["/", demo_statement.campaign.get_absolute_url(), demo_statement.get_absolute_url()]
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("load")
        # Inline styles and script bodies would be blocked by the CSP: the templates have none.
        assert page.locator("[style]").count() == 0, url
        assert page.evaluate("() => [...document.scripts].filter((s) => s.text.trim()).length") == 0
        assert page.evaluate("() => window.__cspViolations") == [], url
    # The organisation toggle ran, so site.js loaded and executed under the CSP.
    expect(page.get_by_label("Organisation", exact=True)).to_be_hidden()
    assert console.errors == []


def test_it_does_not_scroll_sideways_on_a_phone(phone, demo_statement):
    urls = [
        "/",
        demo_statement.campaign.get_absolute_url(),
        demo_statement.get_absolute_url(),
        demo_statement.get_absolute_url() + "check-your-email/",
        "/confirm/not-a-token/",
    ]
    for url in urls:
        phone.goto(url)
        assert phone.evaluate("() => window.innerWidth") == 390
        _assert_no_horizontal_scroll(phone)


def test_it_confirms_and_offers_working_share_links(phone, console, demo_statement):
    from petitions.tokens import make_confirm_token

    signature = Signature.objects.create(
        statement=demo_statement,
        name="Rosa Parks",
        email="rosa@example.org",
        email_normalized="rosa@example.org",
        country="PE",
    )
    response = phone.goto(f"/confirm/{make_confirm_token(signature)}/")

    assert response.status == 200
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Thank you")
    for name, prefix in [
        ("WhatsApp", "https://wa.me/?text="),
        ("X", "https://x.com/intent/post?"),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?u="),
        ("Telegram", "https://t.me/share/url?url="),
        ("Email", "mailto:?subject="),
    ]:
        link = phone.get_by_role("link", name=name, exact=True)
        expect(link).to_have_attribute("href", re.compile("^" + re.escape(prefix)))
        # The statement's short link, marked with the channel it was shared on.
        assert f"%2Fs%2Fdemocracy%3Futm_source%3D{name.lower()}" in link.get_attribute("href")
    expect(phone.get_by_role("button", name="Copy link")).to_be_visible()
    _assert_no_horizontal_scroll(phone)
    assert console.errors == []
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED
