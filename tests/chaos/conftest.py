"""Fault tests: the whole stack on its own PostgreSQL and Redis, which the tests stop and kill.

The machine's shared PostgreSQL and Redis are never touched. Each session creates a PostgreSQL
cluster with initdb in a temporary directory (Debian's binaries, run as the `postgres` user when the
tests run as root; default durability settings, fsync on) and its own redis-server (no persistence,
like a cache that loses its queue on restart), both on free loopback ports. On them run gunicorn,
Celery workers and beat as subprocesses, with an SMTP catcher in this process.

The tests themselves talk to the stack only from outside: HTTP to gunicorn, tasks through the broker,
SQL to read what PostgreSQL holds, and the mails the SMTP catcher received.
"""

import asyncio
import collections
import glob
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.conftest import Browser, Mailbox, Service, free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60
CHAOS_DIR = Path(__file__).resolve().parent


RUNS_LAST = CHAOS_DIR / "test_recount_after_faults.py"


def pytest_collection_modifyitems(config, items):
    """The recount check runs last: it checks the state every other fault test left behind."""
    last = [item for item in items if item.path == RUNS_LAST]
    for item in last:
        items.remove(item)
        items.append(item)


# --- Own PostgreSQL and Redis -------------------------------------------------------------------


def _pg_bin() -> Path:
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    if not pg_ctl:
        pytest.fail("no PostgreSQL server binaries (initdb, pg_ctl) found; set PG_BINDIR")
    return Path(pg_ctl).parent


class OwnPostgres:
    """A PostgreSQL cluster of our own: initdb into a temporary directory, on a free port."""

    def __init__(self, root: Path):
        self.bin = _pg_bin()
        self.root = root
        self.data = root / "data"
        self.log = root / "postgres.log"
        self.port = free_port()
        self.dbname = "campaign"
        # initdb refuses to run as root: run the server as the postgres user then.
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(root, "postgres")

    def _run(self, *args: str, timeout: float = 60):
        result = subprocess.run(
            [*self._as, *args], capture_output=True, text=True, timeout=timeout, cwd=self.root
        )
        if result.returncode:
            pytest.fail(f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}\n{self.tail()}")
        return result

    def init(self):
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-instructions",
        )
        self.start()
        self._run(
            str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", self.dbname
        )

    def _pg_ctl(self, *args: str):
        # The options go with every start: without them the server would try the default port.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.data}"
            " -c shared_buffers=16MB -c max_connections=60"
        )
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, *args)

    def start(self):
        self._pg_ctl("-w", "start")

    def stop(self, mode: str = "fast"):
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "fast"):
        self._pg_ctl("-m", mode, "-w", "restart")

    def destroy(self):
        subprocess.run(
            [*self._as, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=30,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.dbname}"

    def sql(self, query: str, params=()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class OwnRedis:
    """A redis-server of our own, without persistence: stopping it loses everything queued."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.log_dir = log_dir
        self.service: Service | None = None
        self.starts = 0

    def start(self):
        self.starts += 1
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--daemonize", "no"]
        self.service = Service(f"redis-{self.starts}", args, dict(os.environ), self.log_dir)
        wait_until(self.answers, what="redis-server to answer", timeout=10)

    def stop(self):
        if self.service:
            self.service.stop()
            self.service = None

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


# --- The SMTP catcher -----------------------------------------------------------------------------


class SlowMailbox(Mailbox):
    """The end-to-end mailbox, able to answer MAIL FROM slowly, and to say who is waiting on it.

    The delay comes before DATA: a sender killed while waiting has not handed its message over.
    """

    def __init__(self):
        super().__init__()
        self.delay = 0.0
        self.waiting = 0  # sessions inside the delay right now
        self._last_handover = 0.0  # when a session last left the delay or had a message accepted

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.delay:
            self.waiting += 1
            try:
                await asyncio.sleep(self.delay)
            finally:
                self.waiting -= 1
                self._last_handover = time.monotonic()
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        self._last_handover = time.monotonic()
        return answer

    def only_waiting(self, quiet: float = 0.1) -> bool:
        """A sender waits in the delay and none has handed a message over for `quiet` seconds.

        A kill then finds every sender either waiting before DATA or done with its last message
        (its "sent" mark written within microseconds of the server's 250): the moment the fault
        tests kill at. A kill within the instant between a 250 and its mark sends that message
        again (README: "What can still be sent twice"), which these tests do not aim at.
        """
        return self.waiting >= 1 and time.monotonic() - self._last_handover >= quiet

    def per_recipient(self, domain: str) -> collections.Counter:
        return collections.Counter(
            recipient for mail in self.mails for recipient in mail.recipients if recipient.endswith(domain)
        )


# --- The stack ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    email: str
    status: int  # 0: no answer (connection refused or timed out)
    seconds: float
    body: str = ""
    at: float = 0.0  # time.monotonic() when the request was sent


@dataclass
class Stack:
    postgres: OwnPostgres
    redis: OwnRedis
    mailbox: SlowMailbox
    env: dict
    log_dir: Path
    site_url: str
    services: list[Service] = field(default_factory=list)
    web: Service | None = None
    worker: Service | None = None
    sender: Service | None = None
    beat: Service | None = None
    _counter: int = 0

    # Processes

    def start(self, name: str, args: list[str], env: dict | None = None) -> Service:
        self._counter += 1
        service = Service(f"{name}-{self._counter}", args, {**self.env, **(env or {})}, self.log_dir)
        self.services.append(service)
        return service

    def stop(self, service: Service | None):
        if service is not None:
            service.stop()
            if service in self.services:
                self.services.remove(service)

    def start_web(self):
        args = [sys.executable, "-m", "gunicorn", "campaign.wsgi", "--bind", self.site_url.split("//")[1]]
        args += ["--workers", "3", "--timeout", "30", "--no-control-socket", "--access-logfile", "-"]
        self.web = self.start("gunicorn", args)
        wait_until(self._web_answers, what="gunicorn to answer /healthz", timeout=START_TIMEOUT, interval=0.2)

    def _web_answers(self) -> bool:
        self.web.assert_running()
        try:
            with urllib.request.urlopen(f"{self.site_url}/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def start_worker(self, concurrency: int = 3) -> Service:
        self.worker = self._start_celery_worker("celery-worker", concurrency)
        return self.worker

    def start_sender(self, processes: int = 3) -> Service:
        """A worker of the outbox queue, one process per sender beat starts (OUTBOX_SENDERS, 2, for
        mail and one for webhooks)."""
        self.sender = self._start_celery_worker("celery-sender", processes, queues="outbox")
        return self.sender

    def _start_celery_worker(self, what: str, concurrency: int, queues: str = "celery") -> Service:
        name = f"chaos-{what}-{uuid.uuid4().hex[:8]}@%h"
        args = [sys.executable, "-m", "celery", "-A", "campaign", "worker", "--loglevel=INFO", "-n", name]
        args += [f"--concurrency={concurrency}", "--queues", queues, "--without-gossip", "--without-mingle"]
        worker = self.start(what, args)
        node = name.replace("%h", os.uname().nodename)

        def answers():
            worker.assert_running()
            try:
                return bool(self.celery.control.ping(destination=[node], timeout=0.5))
            except Exception:  # noqa: BLE001 - the broker may not answer yet either
                return False

        wait_until(answers, what=f"the {what} to answer a ping", timeout=START_TIMEOUT)
        return worker

    def start_beat(self, **env) -> Service:
        schedule = self.log_dir / f"beat-schedule-{uuid.uuid4().hex[:8]}"
        args = [sys.executable, "-m", "celery", "-A", "campaign", "beat", "--loglevel=INFO"]
        args += ["--schedule", str(schedule)]
        return self.start("celery-beat", args, env={k: str(v) for k, v in env.items()})

    # Talking to it

    @property
    def celery(self):
        from celery import Celery

        if not hasattr(self, "_celery"):
            self._celery = Celery("chaos", broker=self.redis.url, set_as_current=False)
            self._celery.conf.broker_connection_retry_on_startup = False
            self._celery.conf.broker_transport_options = {"socket_connect_timeout": 2}
        return self._celery

    def run_task(self, name: str, *args, queue: str = "celery"):
        """Queue a task by name for the stack's workers (as beat would)."""
        self.celery.send_task(name, args=list(args), queue=queue)

    def django(self, code: str) -> str:
        """Run Python in a Django shell on the stack's settings and database; return what it printed."""
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode:
            pytest.fail(f"manage.py shell failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def sql(self, query: str, params=()) -> list[tuple]:
        return self.postgres.sql(query, params)

    def new_statement(self, slug: str) -> "StatementRef":
        code = (
            "from tests.factories import CampaignFactory, StatementFactory\n"
            f"c = CampaignFactory(slug='chaos-{slug}', title='Chaos {slug}')\n"
            f"s = StatementFactory(campaign=c, slug='{slug}', title='Statement {slug}', target=None)\n"
            "print(s.pk)\n"
        )
        pk = int(self.django(code).split()[-1])
        return StatementRef(pk, f"/c/chaos-{slug}/{slug}/", self)

    def browser(self) -> Browser:
        return Browser(self.site_url)

    def mail_every_kind(self, tag: str, each: int = 5) -> set[str]:
        """Make `each` mails of every kind the platform sends due, through the apps' own services
        where one exists, all to addresses @<tag>.test; return those addresses (one mail each)."""
        code = MAIL_EVERY_KIND.replace("TAG", tag).replace("EACH", str(each))
        addresses = {word for word in self.django(code).split() if word.endswith(f"@{tag}.test")}
        assert len(addresses) == 7 * each, addresses
        return addresses

    def logs(self) -> str:
        return "\n".join(f"--- {s.name}\n{s.tail(30)}" for s in self.services)


@dataclass
class StatementRef:
    pk: int
    url: str
    stack: Stack

    @property
    def domain(self) -> str:
        return f"@{self.url.strip('/').split('/')[-1]}.test"

    def sign_form(self) -> tuple[Browser, dict]:
        """A browser that has opened the statement page, and its form filled in (without the email)."""
        browser = self.stack.browser()
        page = browser.get(self.url)
        assert page.status == 200, page.body[:500]
        form = page.form("sign-form")
        fields = {"name": "Chaos Signer", "country": "PE"}
        if "kind" in form.fields():
            fields["kind"] = "individual"
        return browser, form.submission(**fields)

    def sign_many(
        self, count: int, *, workers: int = 6, prefix: str = "s", pause: float = 0.0
    ) -> list[Outcome]:
        """POST the signing form `count` times with unique emails, `workers` at a time."""
        local = threading.local()

        def one(n: int) -> Outcome:
            if not hasattr(local, "form"):
                local.form = self.sign_form()
            browser, data = local.form
            email = f"{prefix}{n}-{uuid.uuid4().hex[:6]}{self.domain}"
            begin = time.monotonic()
            try:
                response = browser.post(self.url, {**data, "email": email})
                status, body = response.status, response.body
            except OSError as exc:
                status, body = 0, str(exc)
            if pause:
                time.sleep(pause)
            return Outcome(email, status, time.monotonic() - begin, body, begin)

        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(one, range(count)))

    def stored_emails(self) -> set[str]:
        return {
            row[0]
            for row in self.stack.sql(
                "SELECT email FROM petitions_signature WHERE statement_id = %s", (self.pk,)
            )
        }

    def count_json(self) -> int:
        response = self.stack.browser().get(self.url + "count.json")
        assert response.status == 200, (response.status, response.body[:300])
        return response.json()["signature_count"]

    def confirmed(self) -> int:
        return self.stack.sql(
            "SELECT count(*) FROM petitions_signature WHERE statement_id = %s AND status = 'confirmed'",
            (self.pk,),
        )[0][0]

    def unmailed(self) -> int:
        """Mails about this statement still waiting in the outbox."""
        return self.stack.sql(
            "SELECT count(*) FROM outbox_outboxmessage WHERE statement_id = %s AND status = 'pending'",
            (self.pk,),
        )[0][0]


# Run in the stack's Django shell: prints every address that is owed exactly one mail.
MAIL_EVERY_KIND = """
from datetime import timedelta
from django.utils import timezone
from events import services as events
from organisers import services as organisers
from outbox.services import enqueue
from petitions import services as petitions
from tests.events.factories import AttendeeFactory, EventFactory
from tests.factories import CampaignFactory, ConfirmedSignatureFactory, SignatureFactory, StatementFactory
from updates import services as updates
from updates.models import Update

domain, n, week_ago = "@TAG.test", EACH, timezone.now() - timedelta(days=7)
campaign = CampaignFactory(slug="kinds-TAG")
statement = StatementFactory(campaign=campaign, slug="kinds-TAG")
owed = []
# Confirmations, and "you have already signed" (petitions.signature)
pending = [
    SignatureFactory(statement=statement, email=f"sig{i}{domain}", mails_requested=0) for i in range(n - 1)
]
petitions.request_confirmation_mail([s.pk for s in pending])
ConfirmedSignatureFactory(statement=statement, email=f"signed-again{domain}")
again = SignatureFactory(statement=statement, email=f"signed-again{domain}", mails_requested=0)
petitions.request_confirmation_mail([again.pk])
owed += [s.email for s in pending] + [again.email]
# "Your place" (events.attendee)
event = EventFactory(campaign=campaign)
for i in range(n):
    attendee = AttendeeFactory(event=event, email=f"place{i}{domain}")
    enqueue("events.attendee", attendee.email, ref=attendee.pk, coalesce=True)
    owed.append(attendee.email)
# Reminders an hour before (events.reminder)
soon = timezone.now() + timedelta(minutes=30)
reminded = EventFactory(campaign=campaign, starts_at=soon, ends_at=soon + timedelta(hours=1))
for i in range(n):
    owed.append(AttendeeFactory(event=reminded, email=f"remind{i}{domain}", confirmed_at=week_ago).email)
assert events.queue_due_reminders() >= n
# A cancellation notice (events.change)
cancelled = EventFactory(campaign=campaign)
owed += [AttendeeFactory(event=cancelled, email=f"change{i}{domain}").email for i in range(n)]
events.cancel_event(cancelled)
# An update to consenting signers (updates.update)
other = StatementFactory(campaign=campaign, slug="kinds-TAG-update")
owed += [
    ConfirmedSignatureFactory(statement=other, consent_contact=True, email=f"update{i}{domain}").email
    for i in range(n)
]
assert updates.start_sending(Update.objects.create(statement=other, subject="News", body="Hello"))
# Invitations to organise (organisers.invitation)
owed += [organisers.invite(campaign, f"invite{i}{domain}", "organiser", None).email for i in range(n)]
# Account emails, as rendered by allauth in a request (organisers.account)
for i in range(n):
    enqueue("organisers.account", f"account{i}{domain}", context={"subject": "Reset", "text": "A link"})
    owed.append(f"account{i}{domain}")
print(" ".join(owed))
"""

_STACK: list[Stack] = []


@pytest.fixture(scope="session")
def own_postgres():
    root = Path(tempfile.mkdtemp(prefix="campaign-chaos-pg-"))
    postgres = OwnPostgres(root)
    try:
        postgres.init()
        yield postgres
    finally:
        postgres.destroy()


@pytest.fixture(scope="session")
def own_redis(tmp_path_factory):
    redis = OwnRedis(tmp_path_factory.mktemp("chaos-redis"))
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture(scope="session")
def slow_mailbox():
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per SMTP command otherwise
    mailbox = SlowMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def chaos_stack(own_postgres, own_redis, slow_mailbox, tmp_path_factory):
    """gunicorn, a Celery worker, the outbox senders' worker and beat on our own PostgreSQL, Redis
    and SMTP catcher; migrated."""
    mailbox, smtp_port = slow_mailbox
    site_url = f"http://127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "campaign.settings",
            "DJANGO_DEBUG": "1",
            "DJANGO_SECRET_KEY": "chaos-" + uuid.uuid4().hex,
            "DATABASE_URL": own_postgres.url,
            "REDIS_URL": own_redis.url,
            "CACHE_KEY_PREFIX": "chaos",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "SITE_URL": site_url,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "WARNING",
            # The tally is frequent, as in production. Senders live and hold their leases for
            # seconds here rather than a minute or two, so that a killed one is replaced quickly.
            "TALLY_INTERVAL_SECONDS": "1",
            "OUTBOX_SENDER_SECONDS": "5",
            "OUTBOX_LEASE_SECONDS": "6",
            "OUTBOX_POLL_SECONDS": "0.1",
            # Small batches, so that several senders share a burst.
            "OUTBOX_BATCH_SIZE": "10",
            "HEARTBEAT_SECONDS": "1",
            # Every request comes from 127.0.0.1 at machine speed: no abuse controls here.
            "SIGNING_RATE_LIMITS_ENABLED": "0",
            "SIGNING_MIN_FILL_SECONDS": "0",
        }
    )
    log_dir = tmp_path_factory.mktemp("chaos-logs")
    stack = Stack(own_postgres, own_redis, mailbox, env, log_dir, site_url)
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if migrate.returncode:
        pytest.fail(f"migrate failed:\n{migrate.stdout}\n{migrate.stderr}")
    _STACK.append(stack)
    try:
        stack.start_web()
        stack.start_worker()
        stack.start_sender()
        stack.beat = stack.start_beat()
        yield stack
    finally:
        for service in reversed(list(stack.services)):
            stack.stop(service)
        _STACK.remove(stack)


@pytest.fixture
def chaos(chaos_stack):
    """The stack, checked to be whole before each test (a test that broke it must mend it)."""
    stack = chaos_stack
    if not stack.redis.answers():
        stack.redis.start()
    if stack.worker is None or stack.worker.process.poll() is not None:
        stack.stop(stack.worker)
        stack.start_worker()
    if stack.sender is None or stack.sender.process.poll() is not None:
        stack.stop(stack.sender)
        stack.start_sender()
    if stack.beat is None or stack.beat.process.poll() is not None:
        stack.stop(stack.beat)
        stack.beat = stack.start_beat()
    stack.web.assert_running()
    stack.mailbox.delay = 0.0
    yield stack
    stack.mailbox.delay = 0.0


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and item.path.parent == CHAOS_DIR:
        for stack in _STACK:
            for service in stack.services:
                report.sections.append((f"{service.name} log (last lines)", service.tail()))
            report.sections.append(("postgres log (last lines)", stack.postgres.tail()))
    return report
