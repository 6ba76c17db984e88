"""Shared fixtures, and the rule for tests that need real services or a browser.

Tests marked `services` need PostgreSQL and Redis (DATABASE_URL and REDIS_URL); tests marked
`browser` need Debian's Chromium. Without them they are skipped, and one line says so; with
CAMPAIGN_STRICT=1 (as .ci/run sets) a missing service or browser fails the run instead.
"""

import os
import shutil

import pytest

from tests.factories import CampaignFactory, ConfirmedSignatureFactory, StatementFactory

STRICT = os.environ.get("CAMPAIGN_STRICT") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
MISSING = pytest.StashKey[str]()
MISSING_COUNTS = pytest.StashKey[dict]()


def services_missing() -> str:
    from django.conf import settings

    missing = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing.append("PostgreSQL (DATABASE_URL)")
    if not os.environ.get("REDIS_URL"):
        missing.append("Redis (REDIS_URL)")
    return ", ".join(missing)


def browser_missing() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"Chromium ({CHROMIUM})"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright"
    return ""


def pytest_collection_modifyitems(config, items):
    reasons = {"services": services_missing(), "browser": browser_missing()}
    counts = {}
    for item in items:
        for marker, missing in reasons.items():
            if missing and item.get_closest_marker(marker):
                item.stash[MISSING] = missing
                counts[missing] = counts.get(missing, 0) + 1
                if not STRICT:
                    item.add_marker(pytest.mark.skip(reason=f"needs {missing}"))
    config.stash[MISSING_COUNTS] = counts


def pytest_runtest_setup(item):
    missing = item.stash.get(MISSING, "")
    if missing and STRICT:
        pytest.fail(f"CAMPAIGN_STRICT=1 but this test needs {missing}, which is not available")


def pytest_report_header(config):
    lines = []
    missing_services = services_missing()
    if missing_services:
        lines.append(
            f"campaign: running without {missing_services}; tests that need them are "
            + ("FAILED (CAMPAIGN_STRICT=1)" if STRICT else "skipped")
        )
    else:
        lines.append("campaign: PostgreSQL and Redis available; end-to-end tests will run")
    missing_browser = browser_missing()
    if missing_browser:
        lines.append(
            f"campaign: no {missing_browser}; browser tests are "
            + ("FAILED (CAMPAIGN_STRICT=1)" if STRICT else "skipped")
        )
    return lines


def pytest_terminal_summary(terminalreporter, config):
    for missing, count in config.stash.get(MISSING_COUNTS, {}).items():
        verb = "failed" if STRICT else "skipped"
        terminalreporter.write_line(f"campaign: {count} tests {verb}: they need {missing}.")


@pytest.fixture
def campaign(db):
    return CampaignFactory(slug="peru", title="Solidarity with Peru")


@pytest.fixture
def statement(campaign):
    return StatementFactory(campaign=campaign, slug="statement", title="Democracy for Peru")


@pytest.fixture
def confirmed_signature(statement):
    return ConfirmedSignatureFactory(statement=statement)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: a request in Spanish leaves Spanish active in its thread."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _no_kept_statement_pages():
    """Each test starts without the statement pages and statements this process kept in its own
    memory (petitions.pagecache.local): they would outlive the test's rolled-back database."""
    from petitions import pagecache

    pagecache.local.clear()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session (Playwright's sync API allows one per thread), for the browser
    tests against the live server and the end-to-end tests against gunicorn alike."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread, which trips Django's async-safety
    # check on every ORM call the test makes. The ORM calls in these tests are plain synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    executable = CHROMIUM if os.path.exists(CHROMIUM) else "chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fresh_mail_caps(settings):
    """Each test starts with no mail counted against the per-address and per-IP caps in Redis.

    Their keys name statements by id, and ids start again with each test database.
    """
    from safety import abuse

    abuse._redis_down_until = 0.0
    if settings.REDIS_URL:
        client = abuse._redis()
        try:
            keys = list(client.scan_iter(match=abuse._key("mail-*")))
        except Exception:  # noqa: BLE001 - a test that has stopped Redis gets on without it
            keys = []
        if keys:
            client.delete(*keys)
    yield
    abuse._redis_down_until = 0.0
