"""Public pages against WCAG 2.2 AA, checked by axe-core in Chromium, in English and in Spanish.

axe-core comes from npm (package.json; `make install` runs `npm ci` when npm is present). Without
it these tests are skipped, or fail under CAMPAIGN_STRICT=1 like every missing service.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from petitions.tokens import make_confirm_token, make_withdraw_token
from tests.conftest import STRICT
from tests.factories import SignatureFactory
from updates.emails import unsubscribe_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """
async (tags) => {
  const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(
      (n) => n.target.join(" ") + " :: " + n.failureSummary.replace(/\\s+/g, " ")
    ),
  }));
}
"""


@pytest.fixture(scope="module")
def axe_path():
    if not AXE.exists():
        message = f"axe-core is not installed ({AXE}): run `npm ci`"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    return str(AXE)


@pytest.fixture(params=["en", "es"])
def visitor(request, browser, live_server):
    """A laptop browser whose preferred language is English or Spanish; CSP is bypassed so that
    axe-core can be injected (the site's own pages never need it)."""
    language = request.param
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB" if language == "en" else "es-PE",
        viewport={"width": 1280, "height": 800},
        bypass_csp=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.language = language
    yield page
    context.close()


def violations(page, axe_path, path) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.status < 500, f"{path}: {response and response.status}"
    assert page.locator("html").get_attribute("lang") == page.language, path
    page.add_script_tag(path=axe_path)
    found = page.evaluate(RUN_AXE, WCAG_22_AA)
    return [f"{path} [{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in found]


@pytest.fixture
def event(demo_statement):
    from tests.events.factories import EventFactory

    return EventFactory(campaign=demo_statement.campaign, slug="rally", title="Rally for democracy")


def test_the_campaign_statement_event_and_sign_up_pages_meet_wcag_22_aa(
    visitor, axe_path, demo_statement, event
):
    statement = demo_statement
    pending = SignatureFactory(statement=statement, email="pending@example.org")
    confirming = SignatureFactory(statement=statement, email="done@example.org")
    # Public pages carry their language in the URL: a Spanish visitor follows a Spanish link.
    with translation.override(visitor.language):
        paths = _paths(statement, event, pending, confirming)

    problems = [problem for path in paths for problem in violations(visitor, axe_path, path)]

    assert not problems, "\n".join(problems)


def _paths(statement, event, pending, confirming) -> list[str]:
    return [
        statement.campaign.get_absolute_url(),
        statement.get_absolute_url(),
        statement.get_absolute_url() + "check-your-email/",
        reverse("petitions:confirm", args=[make_confirm_token(confirming)]),
        reverse("privacy:withdraw", args=[make_withdraw_token(pending)]),
        event.get_absolute_url(),
        event.get_absolute_url() + "check-your-email/",
        reverse("privacy:policy"),
        unsubscribe_url(pending).removeprefix(settings.SITE_URL),
    ]


def test_the_sign_up_form_with_errors_meets_wcag_22_aa(visitor, axe_path, demo_statement):
    visitor.goto(demo_statement.get_absolute_url())
    # Submit the form empty, as someone who missed every field (the server answers 400 with errors).
    visitor.locator("form.sign-form").evaluate("(form) => { form.noValidate = true; }")
    with visitor.expect_navigation():
        visitor.locator("form.sign-form button[type=submit]").click()
    assert visitor.locator(".error").count() > 0
    visitor.add_script_tag(path=axe_path)

    found = visitor.evaluate(RUN_AXE, WCAG_22_AA)

    assert not found, found
