"""Playwright driving Debian's Chromium against pytest-django's live server.

The browser is never downloaded: we launch /usr/bin/chromium (or CHROMIUM_PATH). The root conftest
skips these tests when Chromium or Playwright is missing (and fails them under CAMPAIGN_STRICT=1).
The `browser` fixture itself is in the root conftest: end-to-end tests drive the same Chromium.
"""

import http.server
import threading
from urllib.parse import urlsplit

import pytest

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}


class ConsoleLog:
    """Console errors and CSP violations a page reported while the test ran."""

    def __init__(self):
        self.errors: list[str] = []

    def attach(self, page):
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def _on_console(self, message):
        text = message.text
        if message.type == "error" or "Content Security Policy" in text:
            self.errors.append(f"{message.type}: {text}")


def _new_page(browser, live_server, console, **options):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    console.attach(page)
    return context, page


@pytest.fixture
def console():
    return ConsoleLog()


@pytest.fixture
def phone(browser, live_server, console):
    context, page = _new_page(browser, live_server, console, **PHONE)
    yield page
    context.close()


@pytest.fixture
def laptop(browser, live_server, console):
    context, page = _new_page(browser, live_server, console, **LAPTOP)
    yield page
    context.close()


@pytest.fixture
def demo_statement(transactional_db):
    from django.core.management import call_command

    from petitions.models import Statement

    call_command("demo", verbosity=0)
    return Statement.objects.select_related("campaign").get(
        campaign__slug="democracy-now", slug="solidarity-statement"
    )


@pytest.fixture
def other_site(live_server):
    """Pages on another site (another origin and another site: 127.0.0.1 vs localhost), as a
    newspaper embedding our widget would serve them. other_site(path, html) returns the page's URL."""
    server_host = urlsplit(live_server.url).hostname
    other_host = "127.0.0.1" if server_host == "localhost" else "localhost"
    pages = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://{other_host}:{server.server_address[1]}"

    def serve(path: str, html: str) -> str:
        pages[path] = html
        return origin + path

    yield serve
    server.shutdown()
    server.server_close()
