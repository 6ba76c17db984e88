"""Real services for the end-to-end tests: an SMTP catcher, gunicorn and a Celery worker.

Nothing is mocked and no task runs in-process: gunicorn and the worker are subprocesses that use
the test database, Redis and the SMTP catcher exactly as production uses its services. They start
once per session (a few seconds) and are always stopped at its end; each test gets an empty mailbox
and the real queue. When a test fails, the last lines of both logs are added to its report.
"""

import email
import email.message
import email.policy
import http.cookiejar
import json
import os
import re
import socket
import sys
import threading
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bench import system
from bench.system import free_port

if TYPE_CHECKING:
    from tests.factories import DkimKey

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30  # seconds for gunicorn or the worker to come up
WAIT_TIMEOUT = 20  # seconds for any one thing to happen: a mail, a tally
HTTP_TIMEOUT = 10

# Services of this session, so a failing test's report can show their logs.
_RUNNING: list["Service"] = []


def wait_until(predicate, *, what: str, timeout: float = WAIT_TIMEOUT, interval: float = 0.1):
    """Poll until predicate() returns something truthy, and return it; fail the test after timeout."""
    try:
        return system.wait_until(predicate, what, timeout, interval)
    except system.BenchError as error:
        pytest.fail(str(error))


# --- Subprocesses ------------------------------------------------------------------------------


class Service(system.Service):
    """The bench's subprocess (its own process group, a log file), failing the test when it exits."""

    def assert_running(self):
        try:
            self.check()
        except system.BenchError as error:
            pytest.fail(str(error))

    def tail(self, lines: int = 60) -> str:
        return super().tail(lines)


# --- SMTP --------------------------------------------------------------------------------------


@dataclass
class Mail:
    mail_from: str
    recipients: list[str]
    message: email.message.EmailMessage
    # The bytes as the server received them: what providers read, before any parsing decodes them.
    raw: bytes = b""

    def raw_header(self, name: str) -> bytes:
        """A header's bytes as sent (folding kept), e.g. b"<https://...>"; fails if it is absent."""
        head = self.raw.split(b"\r\n\r\n", 1)[0]
        match = re.search(
            rb"^" + re.escape(name.encode()) + rb": ?([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head, re.I | re.M
        )
        assert match, f"no {name} header in {head.decode(errors='replace')}"
        return match.group(1)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None, "the mail has no text/plain part"
        return part.get_content()

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert part is not None, "the mail has no text/html part"
        return part.get_content()

    def links(self, prefix: str) -> list[str]:
        """Links in the text part that start with prefix."""
        return re.findall(re.escape(prefix) + r"[^\s\"'<>]*", self.text)


def advertise_pipelining(responses: list[str]) -> list[str]:
    """aiosmtpd's EHLO answer with PIPELINING, as real mail servers give it (aiosmtpd reads the
    commands one line at a time, so it serves a pipelining client as it is)."""
    return [*responses[:-1], "250-PIPELINING", responses[-1]]


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives, parsed. It advertises PIPELINING,
    as real mail servers do."""

    def __init__(self):
        self._mails: list[Mail] = []
        self._changed = threading.Condition()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return advertise_pipelining(responses)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._changed:
            self._mails.append(
                Mail(envelope.mail_from, list(envelope.rcpt_tos), message, envelope.original_content)
            )
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    @property
    def mails(self) -> list[Mail]:
        with self._changed:
            return list(self._mails)

    def clear(self):
        with self._changed:
            self._mails.clear()

    def wait_for(self, count: int, to: str, timeout: float = WAIT_TIMEOUT) -> list[Mail]:
        """Wait until `count` mails to `to` have arrived; return all mails to `to`."""

        def received():
            return [mail for mail in self._mails if to in mail.recipients]

        with self._changed:
            if not self._changed.wait_for(lambda: len(received()) >= count, timeout):
                pytest.fail(
                    f"timed out after {timeout:g}s waiting for mail {count} to {to}; received: "
                    f"{[(m.recipients, m.subject) for m in self._mails]}"
                )
            return received()


# --- HTTP --------------------------------------------------------------------------------------


class _KeepAllResponses(urllib.request.HTTPErrorProcessor):
    """Hand back 3xx/4xx/5xx responses as they are: no exceptions, no following of redirects."""

    def http_response(self, request, response):
        return response

    https_response = http_response


@dataclass
class Form:
    action: str
    method: str
    css_class: str
    inputs: list[dict] = field(default_factory=list)
    selects: dict[str, list[str]] = field(default_factory=dict)
    textareas: list[str] = field(default_factory=list)

    def value(self, name: str) -> str | None:
        for attrs in self.inputs:
            if attrs.get("name") == name:
                return attrs.get("value")
        return None

    def fields(self) -> set[str]:
        return {a["name"] for a in self.inputs if a.get("name")} | set(self.selects) | set(self.textareas)

    def submission(self, **values) -> dict:
        """What a browser would send after the user filled in `values`.

        Starts from the form's own defaults (hidden inputs, ticked boxes, checked radios). A value of
        True ticks a checkbox, False unticks it. Naming a field the form does not have, or an option
        its select does not offer, fails: the test then says the form changed.
        """
        data: dict[str, str] = {}
        checkboxes: dict[str, str] = {}
        radios: dict[str, list[str]] = {}
        for attrs in self.inputs:
            name, kind = attrs.get("name"), attrs.get("type", "text")
            if not name or kind in ("submit", "button", "image", "reset"):
                continue
            if kind == "checkbox":
                checkboxes[name] = attrs.get("value") or "on"
                if "checked" in attrs:
                    data[name] = checkboxes[name]
            elif kind == "radio":
                radios.setdefault(name, []).append(attrs.get("value") or "on")
                if "checked" in attrs:
                    data[name] = attrs.get("value") or "on"
            else:
                data[name] = attrs.get("value") or ""
        for name in self.textareas:
            data[name] = ""
        for name, options in self.selects.items():
            data[name] = "" if "" in options or not options else options[0]
        for name, value in values.items():
            assert name in self.fields(), f"the form has no field {name!r}; it has {sorted(self.fields())}"
            if name in checkboxes:
                if value:
                    data[name] = checkboxes[name]
                else:
                    data.pop(name, None)
                continue
            if name in radios:
                assert value in radios[name], f"{name!r} offers {radios[name]}, not {value!r}"
            if name in self.selects:
                assert value in self.selects[name], f"{name!r} offers no option {value!r}"
            data[name] = value
        return data


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "form":
            self._form = Form(
                attrs.get("action", ""), attrs.get("method", "get").lower(), attrs.get("class", "")
            )
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "button") and attrs.get("name"):
            self._form.inputs.append({"type": "submit" if tag == "button" else "text", **attrs})
        elif tag == "select":
            self._select = attrs.get("name")
            self._form.selects[self._select] = []
        elif tag == "option" and self._select:
            self._form.selects[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and attrs.get("name"):
            self._form.textareas.append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


@dataclass
class Response:
    status: int
    headers: dict
    body: str
    url: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def json(self):
        return json.loads(self.body)

    def form(self, css_class: str) -> Form:
        parser = _FormParser()
        parser.feed(self.body)
        for form in parser.forms:
            if css_class in form.css_class.split():
                return form
        raise AssertionError(f"no form with class {css_class!r} on {self.url}")


class Browser:
    """A small HTTP client with a cookie jar, like a browser without JavaScript (stdlib only)."""

    def __init__(self, site_url: str):
        self.site_url = site_url
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _KeepAllResponses
        )

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def get(self, url: str) -> Response:
        return self._send(urllib.request.Request(self._absolute(url)))

    def post(self, url: str, data: dict) -> Response:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self._absolute(url), data=body, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        request.add_header("Origin", self.site_url)
        return self._send(request)

    def _absolute(self, url: str) -> str:
        return urllib.parse.urljoin(self.site_url + "/", url)

    def _send(self, request: urllib.request.Request) -> Response:
        request.add_header("User-Agent", "Mozilla/5.0 (campaign end-to-end test)")
        request.add_header("Accept-Language", "en")
        with self._opener.open(request, timeout=HTTP_TIMEOUT) as response:
            body = response.read().decode(response.headers.get_content_charset() or "utf-8")
            return Response(response.status, dict(response.headers), body, request.full_url)


# --- The stack ---------------------------------------------------------------------------------


@dataclass
class Stack:
    site_url: str
    mailbox: Mailbox
    web: Service
    worker: Service
    worker_name: str
    # The key the stack signs its mail with (DKIM), and the domain of its From and Message-IDs.
    dkim: "DkimKey"
    sender: Service


def _database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database the tests use (after set-up, NAME is the test database's)."""
    quote = urllib.parse.quote
    auth = quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        auth += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = quote(settings_dict["HOST"] or "localhost", safe="")
    port = settings_dict["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def _worker_answers(app, name: str) -> bool:
    try:
        return bool(app.control.ping(destination=[name], timeout=0.5))
    except Exception:  # the broker may not answer yet either
        return False


def _web_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="package")
def smtp_mailbox():
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


@pytest.fixture(scope="package")
def e2e_stack(django_db_setup, smtp_mailbox, tmp_path_factory):
    """gunicorn, a Celery worker and an outbox sender on the test database, Redis and the SMTP catcher.

    Depends on django_db_setup so that it stops before the test database is dropped. Package scope:
    the stack stops when the last end-to-end test has run, so its sender never claims the outbox
    rows of the tests that follow (they drain the outbox themselves and read Django's test mailbox).
    """
    import redis
    from django.conf import settings
    from django.db import connection

    from campaign.celery import app as celery_app
    from tests.factories import dkim_key

    mailbox, smtp_port = smtp_mailbox
    dkim = dkim_key()
    web_port = free_port()
    site_url = f"http://127.0.0.1:{web_port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "campaign.settings",
        "DJANGO_DEBUG": "1",
        # The same key as this process, so tokens made by the worker are the ones the tests read.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", "campaign-test"),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SITE_URL": site_url,
        # The sender's domain, as in production: it names the Message-IDs (the site is an IP here).
        "DEFAULT_FROM_EMAIL": f"Solidarity campaigns <no-reply@{dkim.domain}>",
        "DKIM_PRIVATE_KEY": dkim.private_pem,
        "DKIM_SELECTOR": dkim.selector,
        "DKIM_DOMAIN": dkim.domain,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_CSRF_TRUSTED_ORIGINS", None)
    log_dir = tmp_path_factory.mktemp("e2e-logs")
    worker_name = f"e2e-{uuid.uuid4().hex[:8]}@%h"

    # Messages left in this Redis database by an earlier run must not reach this worker.
    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).flushdb()

    services: list[Service] = []
    try:
        gunicorn = f"campaign.wsgi --bind 127.0.0.1:{web_port} --workers 2 --timeout 30"
        # --no-control-socket: its default socket is one path per user, which parallel runs would share.
        gunicorn += " --access-logfile - --no-control-socket"
        web = Service("gunicorn", [sys.executable, "-m", "gunicorn", *gunicorn.split()], env, log_dir)
        services.append(web)
        _RUNNING.append(web)
        # One process running one task at a time, in queue order: E2E.tally() relies on this to know
        # that every task queued before it has run. No gossip or mingle: this worker is alone.
        celery = f"-A campaign worker --pool=solo --loglevel=INFO -n {worker_name}"
        celery += " --without-gossip --without-mingle --without-heartbeat"
        worker = Service("celery-worker", [sys.executable, "-m", "celery", *celery.split()], env, log_dir)
        services.append(worker)
        _RUNNING.append(worker)
        # The outbox sender, as in production a Celery task on a worker of the "outbox" queue; one
        # sender for the whole session (beat would start one a minute).
        sender_name = f"e2e-sender-{uuid.uuid4().hex[:8]}@%h"
        celery = f"-A campaign worker --queues outbox --pool=solo --loglevel=INFO -n {sender_name}"
        celery += " --without-gossip --without-mingle --without-heartbeat"
        sender = Service("celery-sender", [sys.executable, "-m", "celery", *celery.split()], env, log_dir)
        services.append(sender)
        _RUNNING.append(sender)

        def web_ready():
            web.assert_running()
            return _web_answers(f"{site_url}/healthz")

        node = worker_name.replace("%h", socket.gethostname())

        def worker_ready():
            worker.assert_running()
            return _worker_answers(celery_app, node)

        wait_until(web_ready, what="gunicorn to answer /healthz", timeout=START_TIMEOUT, interval=0.2)
        wait_until(worker_ready, what="the Celery worker to answer a ping", timeout=START_TIMEOUT)
        day = 24 * 3600
        celery_app.send_task(
            "outbox.tasks.send_outbox", args=[day], queue="outbox", time_limit=day + 60, soft_time_limit=day
        )
        yield Stack(site_url, mailbox, web, worker, node, dkim, sender)
    finally:
        for service in reversed(services):
            service.stop()
            _RUNNING.remove(service)


class E2E:
    """What a test needs from the stack: browsers, the mailbox, and tasks run by the real worker."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.site_url = stack.site_url
        self.mailbox = stack.mailbox
        self._canary = None

    wait_until = staticmethod(wait_until)

    def browser(self) -> Browser:
        return Browser(self.site_url)

    def tally(self):
        """Run the tally on the worker, and wait until it has run.

        A canary signature on a statement of its own is confirmed first; once the tally has counted
        it, the run is over. The worker runs one task at a time in queue order, so this is also a
        barrier: every task queued before it has finished too.
        """
        from petitions.models import Statement
        from petitions.tasks import tally_all
        from tests.factories import ConfirmedSignatureFactory, StatementFactory

        if self._canary is None:
            self._canary = StatementFactory(slug="e2e-canary", title="Canary")
        before = Statement.objects.values_list("signature_count", flat=True).get(pk=self._canary.pk)
        ConfirmedSignatureFactory(statement=self._canary)
        tally_all.delay()

        def counted():
            self.stack.worker.assert_running()
            count = Statement.objects.values_list("signature_count", flat=True).get(pk=self._canary.pk)
            return count > before

        wait_until(counted, what="the worker to run tally_all")


@pytest.fixture
def e2e(e2e_stack, settings):
    """The running stack, an empty mailbox, and Celery calls from this process sent to the broker.

    Mail this process puts in the outbox is left to the stack's sender, as the site's would be.
    """
    from campaign.celery import app as celery_app

    settings.OUTBOX_SEND_ON_COMMIT = False
    e2e_stack.mailbox.clear()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield E2E(e2e_stack)
    finally:
        celery_app.conf.task_always_eager = eager


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        for service in _RUNNING:
            report.sections.append((f"{service.name} log (last lines)", service.tail()))
    return report
