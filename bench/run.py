"""`make bench`: the signing path under load, with the machine's own ceilings measured in the same run.

Everything runs on loopback. The bench uses the machine's PostgreSQL (127.0.0.1:5432, user postgres)
and Redis (127.0.0.1:6379) unless BENCH_DATABASE_URL / BENCH_REDIS_URL say otherwise, starting them
if they are not running. Its database (campaign_bench) is dropped and recreated, and its Redis
database (9) flushed, on every run. It starts, and always stops again: gunicorn as deployed
(campaign.wsgi, 4 sync workers, DJANGO_DEBUG=0, persistent connections), a Celery worker with two
processes, beat, and an SMTP catcher. Load comes from wrk (installed with apt-get if missing) or, failing
that, from a slower Python generator.

It prints a table and writes bench/results.json. Knobs: BENCH_DURATION (seconds per load run, 15),
BENCH_CONNECTIONS (64), BENCH_PAGE_ROWS (1,000,000), BENCH_MAILS (3,000), BENCH_EXPORT_ROWS (1,000,000),
BENCH_KEEP_DATABASE=1 (keep the database afterwards for a look).

`--signing` runs the two ceilings and the signing surge only (about a minute; nothing is written);
`--profile` also records the gunicorn workers with py-spy during the surge (bench/profile.py,
`make profile`). `--mail` runs the bare-insert ceiling, the signing surge with the senders running
(its mail latency) and the confirmation mail phase only, with the CPU each mail takes in the
senders, PostgreSQL and the SMTP catcher (about a minute and a half; nothing is written); with
`--profile` it records the Celery worker running the senders during the mail phase. `--page` runs
the hello ceiling and the statement page only (about a minute), on a statement with few
signatures: the page is served from the app's copies, so its cost does not depend on the total.
"""

import argparse
import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import api as api_bench  # noqa: E402
from bench import proxy  # noqa: E402
from bench.data import drop_database, insert_signatures, recreate_database  # noqa: E402
from bench.load import (  # noqa: E402
    CONNECTIONS,
    Load,
    ensure_wrk,
    http_request,
    python_get,
    python_post,
    run_wrk,
    signing_form,
)
from bench.profile import Profiler  # noqa: E402
from bench.system import (  # noqa: E402
    BenchError,
    CpuWatch,
    MailCounter,
    Service,
    children,
    free_port,
    machine,
    memory_kb,
    port_open,
    reset_peak_memory,
    say,
    wait_until,
)
from bench.system import elapsed as since_start  # noqa: E402

BENCH_DIR = ROOT / "bench"
RESULTS = BENCH_DIR / "results.json"
DURATION = int(os.environ.get("BENCH_DURATION", "15"))
PAGE_ROWS = int(os.environ.get("BENCH_PAGE_ROWS", "1000000"))
EXPORT_ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", str(PAGE_ROWS)))
MAILS = int(os.environ.get("BENCH_MAILS", "3000"))
WEB_WORKERS = 4
WORKER_PROCESSES = 2
# Outbox senders beat starts (OUTBOX_SENDERS), each in a worker process of its own.
SENDERS = 2
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/campaign_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"

# (figure, target description, check) — from the issue; `r` holds the results.
TARGETS = [
    ("ceiling_sign_per_s", "", None),
    ("ceiling_hello_per_s", "", None),
    ("sign_per_s", ">= 0.6 x ceiling_sign", lambda r: r["sign_per_s"] >= 0.6 * r["ceiling_sign_per_s"]),
    ("sign_p99_ms", "<= 1.5 x its p99", lambda r: r["sign_p99_ms"] <= 1.5 * r["ceiling_sign_p99_ms"]),
    ("sign_mail_deferred_per_s", "(worker paused: no target)", None),
    ("sign_errors", "= 0", lambda r: r["sign_errors"] == 0),
    ("sign_lost", "= 0", lambda r: r["sign_lost"] == 0),
    ("mail_latency_p95_s", "<= 5", lambda r: r["mail_latency_p95_s"] <= 5),
    ("page_per_s", ">= 0.6 x ceiling_hello", lambda r: r["page_per_s"] >= 0.6 * r["ceiling_hello_per_s"]),
    ("page_p99_ms", "<= 1.5 x its p99", lambda r: r["page_p99_ms"] <= 1.5 * r["ceiling_hello_p99_ms"]),
    ("page_proxy_per_s", "(through nginx: no target)", None),
    ("page_proxy_p99_ms", "(through nginx: no target)", None),
    ("count_freshness_s", "<= 5", lambda r: r["count_freshness_s"] <= 5),
    ("mail_per_s", ">= 0.6 x ceiling_sign", lambda r: r["mail_per_s"] >= 0.6 * r["ceiling_sign_per_s"]),
    ("export_rows", f"= {EXPORT_ROWS:,}", lambda r: r["export_rows"] == EXPORT_ROWS),
    ("export_s", "<= 20", lambda r: r["export_s"] <= 20),
    ("export_peak_mb", "<= 50", lambda r: r["export_peak_mb"] <= 50),
    *api_bench.TARGETS,
]
# Which ceiling each figure is compared with.
CEILINGS = {
    "sign_per_s": "ceiling_sign_per_s",
    "sign_p99_ms": "ceiling_sign_p99_ms",
    "sign_mail_deferred_per_s": "ceiling_sign_per_s",
    "page_per_s": "ceiling_hello_per_s",
    "page_p99_ms": "ceiling_hello_p99_ms",
    "page_proxy_per_s": "ceiling_hello_per_s",
    "page_proxy_p99_ms": "ceiling_hello_p99_ms",
    "api_page_p99_ms": "api_hello_p99_ms",
    "mail_per_s": "ceiling_sign_per_s",
}

# --- The run -------------------------------------------------------------------------------------


@dataclass
class Bench:
    log_dir: Path
    services: list[Service] = field(default_factory=list)
    cleanups: list = field(default_factory=list)
    results: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def start(self, name: str, args: list[str], env: dict) -> Service:
        service = Service(name, args, env, self.log_dir)
        self.services.append(service)
        return service

    def close(self) -> None:
        for service in reversed(self.services):
            service.stop()
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as exc:  # noqa: BLE001 - clean up the rest regardless
                say(f"clean-up step failed: {exc}")


def ensure_postgres(bench: Bench, database_url: str) -> None:
    parts = urllib.parse.urlsplit(database_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5432
    if port_open(host, port):
        return
    if "BENCH_DATABASE_URL" in os.environ or not shutil.which("pg_ctlcluster"):
        raise BenchError(f"PostgreSQL is not reachable on {host}:{port}")
    version = sorted(os.listdir("/etc/postgresql"))[0]
    say(f"starting the machine's PostgreSQL {version} (stopped again at the end)")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True)
    bench.cleanups.append(
        lambda: subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "stop"], check=False
        )
    )
    wait_until(lambda: port_open(host, port), "PostgreSQL")


def ensure_redis(bench: Bench, redis_url: str) -> str:
    parts = urllib.parse.urlsplit(redis_url)
    if port_open(parts.hostname or "127.0.0.1", parts.port or 6379):
        return redis_url
    if "BENCH_REDIS_URL" in os.environ or not shutil.which("redis-server"):
        raise BenchError(f"Redis is not reachable at {redis_url}")
    port = free_port()
    say(f"starting a Redis of our own on 127.0.0.1:{port}")
    bench.start(
        "redis",
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        dict(os.environ),
    )
    wait_until(lambda: port_open("127.0.0.1", port), "Redis")
    return f"redis://127.0.0.1:{port}{parts.path or '/9'}"


def main() -> int:
    parser = argparse.ArgumentParser(description="make bench: the signing path under load")
    parser.add_argument("--signing", action="store_true", help="the ceilings and the signing surge only")
    parser.add_argument(
        "--mail",
        action="store_true",
        help="the bare-insert ceiling, the surge's mail latency and the mail phase only",
    )
    parser.add_argument(
        "--page",
        action="store_true",
        help="the hello ceiling and the statement page only (a statement with few signatures: the page"
        " is served from cached copies, so the total does not change its cost)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="py-spy on the web workers during the surge (with --mail: on the senders)",
    )
    options = parser.parse_args()
    log_dir = Path(tempfile.mkdtemp(prefix="campaign-bench-"))
    bench = Bench(log_dir)

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        modes = {"signing": options.signing, "mail": options.mail, "page": options.page}
        mode = next((name for name, chosen in modes.items() if chosen), "all")
        run(bench, mode=mode, profile=options.profile)
    except (BenchError, KeyboardInterrupt) as exc:
        say(f"bench failed: {exc or 'interrupted'}")
        for service in bench.services:
            if service.process.poll() is not None or isinstance(exc, BenchError):
                say(f"--- {service.name} log (last lines) ---\n{service.tail()}")
        return 1
    finally:
        say("stopping everything the bench started")
        bench.close()
        say(f"logs kept in {log_dir}")
    return 0


def run(bench: Bench, *, mode: str = "all", profile: bool = False) -> None:
    results = bench.results
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    ensure_postgres(bench, database_url)
    redis_url = ensure_redis(bench, redis_url)
    wrk = ensure_wrk()
    if not wrk:
        bench.notes.append(
            "wrk not available: load from the Python generator (slower; figures are lower bounds)"
        )
        say(bench.notes[-1])

    say("recreating the database and flushing the Redis database")
    recreate_database(database_url)
    if os.environ.get("BENCH_KEEP_DATABASE") != "1":
        bench.cleanups.append(lambda: drop_database(database_url))
    import redis

    redis.Redis.from_url(redis_url, socket_connect_timeout=2).flushdb()
    bench.cleanups.append(lambda: redis.Redis.from_url(redis_url, socket_connect_timeout=2).flushdb())

    from aiosmtpd.controller import Controller

    mails = MailCounter()
    smtp = Controller(mails, hostname="127.0.0.1", port=free_port())
    smtp.start()
    bench.cleanups.append(smtp.stop)

    web_port = free_port()
    site_url = f"http://127.0.0.1:{web_port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(32),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # The load generator plays the reverse proxy: each signer comes from an address of their own.
        "TRUSTED_PROXY_COUNT": "1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "campaign-bench",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "SITE_URL": site_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        "OUTBOX_SENDERS": str(SENDERS),
    }
    env.pop("DJANGO_CSRF_TRUSTED_ORIGINS", None)
    os.environ.update(env)

    import django

    django.setup()
    from django.core.management import call_command

    say("migrating and collecting static files")
    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)

    from campaigns.models import Campaign
    from petitions.models import Statement

    campaign = Campaign.objects.create(slug="bench", title="Bench campaign", summary="For make bench.")
    body = (ROOT / "README.md").read_text()[:3000] if (ROOT / "README.md").exists() else "Bench statement."

    def statement(slug: str, title: str) -> Statement:
        return Statement.objects.create(
            campaign=campaign,
            slug=slug,
            title=title,
            body=body,
            status=Statement.Status.OPEN,
            target=2_000_000,
        )

    sign_statement = statement("sign", "Signing surge")
    page_statement = statement("page", "A statement with a million signatures")
    mail_statement = statement("mail", "Confirmation mail")
    fresh_statement = statement("fresh", "Count freshness")

    python = sys.executable
    web = bench.start(
        "gunicorn",
        [
            python, "-m", "gunicorn", "campaign.wsgi", "--bind", f"127.0.0.1:{web_port}",
            "--workers", str(WEB_WORKERS), "--worker-class", "sync", "--worker-tmp-dir", "/dev/shm",  # noqa: S108 - as in the Dockerfile
            "--timeout", "60", "--backlog", "2048", "--no-control-socket",
        ],
        env,
    )  # fmt: skip
    worker_name = f"bench-{secrets.token_hex(3)}@{socket.gethostname()}"
    # The outbox senders (beat starts OUTBOX_SENDERS for mail, one for webhooks) get processes of
    # their own.
    worker = bench.start(
        "celery-worker",
        [
            python, "-m", "celery", "-A", "campaign", "worker", "--loglevel", "WARNING",
            "--queues", "celery,outbox", "--concurrency", str(WORKER_PROCESSES + SENDERS + 1),
            "-n", worker_name, "--without-gossip", "--without-mingle",
        ],
        env,
    )  # fmt: skip
    beat_started = time.monotonic()
    beat = bench.start(
        "celery-beat",
        [
            python, "-m", "celery", "-A", "campaign", "beat", "--loglevel", "WARNING",
            "--schedule", str(bench.log_dir / "beat-schedule"),
        ],
        env,
    )  # fmt: skip

    from campaign.celery import app as celery_app

    def web_ready():
        web.check()
        with contextlib.suppress(OSError):
            return http_request(site_url + "/healthz")[0] == 200
        return False

    def worker_ready():
        worker.check()
        with contextlib.suppress(Exception):
            return bool(celery_app.control.ping(destination=[worker_name], timeout=0.5))
        return False

    say(
        f"starting gunicorn ({WEB_WORKERS} sync workers), a Celery worker "
        f"({WORKER_PROCESSES} processes) and beat"
    )
    wait_until(web_ready, "gunicorn to answer /healthz")
    wait_until(worker_ready, "the Celery worker to answer a ping")
    beat.check()
    web_workers = wait_until(
        lambda: len(children(web.pid)) == WEB_WORKERS and children(web.pid), "gunicorn workers"
    )
    if mode not in ("signing", "page"):
        start_senders(celery_app, worker, worker_name, beat_started)

    database_name = urllib.parse.unquote(urllib.parse.urlsplit(database_url).path.lstrip("/"))
    others_cpu = results.setdefault("other_cpu_share", {})
    # CPU time per request of gunicorn's workers and of our PostgreSQL backends: unlike the rates,
    # these hardly change when other work shares the machine.
    cpu_per_request = results.setdefault("cpu_ms_per_request", {})

    def load(
        name: str,
        kind: str,
        path: str,
        *,
        cookie: str = "",
        prefix: str = "",
        profiled: bool = False,
        base: str = "",
        machine: bool = False,
    ) -> Load:
        """With `machine`, also where the whole machine's CPU went per request: the senders (the
        Celery worker) and the SMTP catcher apart, and the rest (the load generator, Redis)."""
        url = (base or site_url) + path
        profiler = Profiler(name, web.pid) if profiled else contextlib.nullcontext()
        catcher = ThreadCpu(smtp._thread.native_id) if machine else contextlib.nullcontext()
        watching = CpuWatch(database_name, web.pid, senders_pid=worker.pid if machine else 0)
        with watching as watch, catcher, profiler:
            if wrk:
                if kind == "get":
                    result = run_wrk(wrk, url, "get.lua", [], DURATION)
                else:
                    args = [path, cookie, prefix, secrets.token_hex(3)]
                    result = run_wrk(wrk, url, "post.lua", args, DURATION)
            elif kind == "get":
                result = python_get(url, DURATION)
            else:
                result = python_post(url, cookie, prefix, secrets.token_hex(3), DURATION)
        web.check()
        others_cpu[name] = round(watch.others_share, 2)
        if result.requests:
            cpu_per_request[name] = {
                "web_ms": round(1000 * watch.web_cpu_s / result.requests, 3),
                "db_ms": round(1000 * watch.db_cpu_s / result.requests, 3),
            }
        if machine and result.requests:
            spent = {
                "web": watch.web_cpu_s,
                "database": watch.db_cpu_s,
                "senders": watch.senders_cpu_s,
                "SMTP catcher": catcher.cpu_s,
            }
            spent["the rest (wrk, Redis, the bench)"] = max(0.0, watch.ours_cpu_s - sum(spent.values()))
            per = {what: round(1000 * cpu_s / result.requests, 2) for what, cpu_s in spent.items()}
            total = sum(per.values())
            results[f"{name}_machine_cpu_ms"] = {**per, "total": round(total, 2)}
            say(
                f"  the machine's CPU per request: {total:.2f} ms = "
                + " + ".join(f"{what} {ms:.2f}" for what, ms in per.items())
                + f" ({os.cpu_count()} cores: at most {1000 * (os.cpu_count() or 1) / total:,.0f}/s)"
            )
        say(
            f"  {kind.upper()} {path}: {result.per_s:,.0f}/s, p99 {result.p99_ms:.1f} ms, "
            f"statuses {result.statuses}, socket errors {result.socket_errors}; CPU per request: "
            f"web {1000 * watch.web_cpu_s / max(1, result.requests):.2f} ms, "
            f"database {1000 * watch.db_cpu_s / max(1, result.requests):.2f} ms; "
            f"other processes used {watch.others_share:.0%} of the machine"
        )
        if watch.others_share > 0.1:
            bench.notes.append(
                f"{name}: other processes on this machine used {watch.others_share:.0%} of its CPU "
                "during the run; the figure is lower than the machine can do"
            )
        return result

    # Warm every worker up (imports, templates, connections) before measuring anything.
    sign_path = sign_statement.get_absolute_url()
    for _ in range(4 * WEB_WORKERS):
        http_request(site_url + sign_path)
        http_request(site_url + "/bench/hello")
    cookie, prefix = signing_form(site_url, sign_path)

    # Ceilings.
    if mode != "mail":
        say(f"ceiling: a bare view returning a tiny page, {CONNECTIONS} connections, {DURATION} s")
        hello = load("ceiling_hello", "get", "/bench/hello")
        results["ceiling_hello_per_s"] = round(hello.per_s, 1)
        results["ceiling_hello_p99_ms"] = round(hello.p99_ms, 1)
    if mode == "page":
        page_path = page_statement.get_absolute_url()
        for _ in range(4 * WEB_WORKERS):
            http_request(site_url + page_path)
        say("statement page (few signatures: served from the app's copies all the same)")
        page = load("page", "get", page_path, profiled=profile)
        results.update(
            page_per_s=round(page.per_s, 1), page_p99_ms=round(page.p99_ms, 1), page_errors=page.errors(200)
        )
        print_against_ceiling(results, "page", "hello", "statement page", "hello")
        return
    say("ceiling: a bare view inserting one row from a POST")
    ceiling = load("ceiling_sign", "post", "/bench/insert", cookie=cookie, prefix=prefix, machine=True)
    results["ceiling_sign_per_s"] = round(ceiling.per_s, 1)
    results["ceiling_sign_p99_ms"] = round(ceiling.p99_ms, 1)

    # The signing surge: the real form, CSRF on, unique emails, the senders mailing as it goes.
    say(
        "signing surge: the real signing form"
        + ("" if mode == "signing" else f", {SENDERS} outbox senders running")
    )
    mails_before = mails.count
    sign = load(
        "sign",
        "post",
        sign_path,
        cookie=cookie,
        prefix=prefix,
        profiled=profile and mode != "mail",
        machine=True,
    )
    surge_done = time.monotonic()
    # Requests still in the listen backlog when wrk stopped are served after it: count once settled.
    stored, previous = sign_statement.signatures.count(), -1
    while stored != previous:
        time.sleep(1)
        stored, previous = sign_statement.signatures.count(), stored
    answered = sign.statuses.get(303, 0)
    results.update(
        sign_per_s=round(sign.per_s, 1),
        sign_p99_ms=round(sign.p99_ms, 1),
        sign_errors=sign.errors(303),
        sign_lost=max(0, answered - stored),
        sign_answered_303=answered,
        sign_stored=stored,
    )
    if mode == "signing":
        print_against_ceiling(results, "sign", "sign", "signing surge", "the bare insert")
        return

    from outbox.models import OutboxMessage

    def mailed(statement):
        def done():
            worker.check()
            return not OutboxMessage.objects.filter(
                statement_id=statement.pk, status=OutboxMessage.Status.PENDING
            ).exists()

        return done

    # Its mail, before anything else happens: signed -> accepted by the SMTP catcher, each signature.
    say("waiting for the senders to mail the surge")
    wait_until(mailed(sign_statement), "the surge's confirmation mails", timeout=300, interval=0.2)
    results["surge_mails"] = mails.count - mails_before
    results["mail_latency_p95_s"] = mail_latency_p95(sign_statement, mails)
    # From the end of the surge to the last of its mails accepted: the backlog left when it ended.
    results["surge_mail_drain_s"] = round(max(0.0, mails.last_at - surge_done), 1)
    say(
        f"  {results['surge_mails']:,} mails, p95 signed -> accepted {results['mail_latency_p95_s']} s; "
        f"the last one {results['surge_mail_drain_s']} s after the surge ended"
    )

    if mode == "all":
        # The same surge with the worker paused, its mail sent afterwards: how much of the machine
        # the confirmation mail takes from signing while both run on it.
        say("signing surge again, the Celery worker paused (its mail is sent after)")
        os.killpg(worker.pid, signal.SIGSTOP)
        try:
            deferred = load("sign_mail_deferred", "post", sign_path, cookie=cookie, prefix=prefix)
        finally:
            os.killpg(worker.pid, signal.SIGCONT)
        results["sign_mail_deferred_per_s"] = round(deferred.per_s, 1)
        results["sign_mail_deferred_p99_ms"] = round(deferred.p99_ms, 1)

        # A statement with a million confirmed signatures, while the worker mails the paused surge.
        say(
            f"inserting {PAGE_ROWS:,} confirmed signatures (INSERT ... SELECT generate_series) and recounting"
        )
        started = time.monotonic()
        insert_signatures(page_statement.pk, PAGE_ROWS, status="confirmed")
        from petitions import services

        services.recount(page_statement.pk)
        results["page_rows"] = PAGE_ROWS
        results["page_setup_s"] = round(time.monotonic() - started, 1)

        say("waiting for the senders to mail the paused surge")
        wait_until(mailed(sign_statement), "the paused surge's confirmation mails", timeout=300, interval=0.5)
    # Repeat mails to one address: a confirmation sent twice (none expected).
    results["surge_mail_duplicates"] = mails.duplicates

    # Confirmation mail: MAILS pending signatures whose outbox rows become due at once. The CPU it
    # takes: the Celery worker's processes (the senders), our PostgreSQL backends, and the SMTP
    # catcher's thread in this process.
    say(f"confirmation mail: {MAILS:,} pending signatures due at once, {SENDERS} outbox senders")
    mails.reset()
    catcher = ThreadCpu(smtp._thread.native_id)
    profiler = (
        Profiler("mail", worker.pid, what="Celery worker process (outbox senders) during the mail phase")
        if profile
        else contextlib.nullcontext()
    )
    # The bench's own connection inserts the mails' rows: its backend's CPU is not the senders'.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        inserting = ProcessCpu(cursor.fetchone()[0])
    with CpuWatch(database_name, web.pid, senders_pid=worker.pid) as watch, catcher, profiler, inserting:
        started = time.monotonic()
        insert_signatures(mail_statement.pk, MAILS, status="pending", mail_due=True, age_s=3600)
        wait_until(
            lambda: worker.check() or mails.count >= MAILS,
            "the confirmation mails",
            timeout=300,
            interval=0.05,
        )
        finished = mails.last_at
    results["mail_count"] = mails.count
    results["mail_duplicates"] = mails.duplicates
    results["mail_per_s"] = round(MAILS / (finished - started), 1)
    results["mail_cpu_ms"] = {
        "senders": round(1000 * watch.senders_cpu_s / MAILS, 2),
        "database": round(1000 * (watch.db_cpu_s - inserting.cpu_s) / MAILS, 2),
        "catcher": round(1000 * catcher.cpu_s / MAILS, 2),
    }
    others_cpu["mail"] = round(watch.others_share, 2)
    cpu = results["mail_cpu_ms"]
    say(
        f"  {MAILS:,} mails in {finished - started:.1f} s: {results['mail_per_s']:,.1f}/s; CPU per mail: "
        f"senders {cpu['senders']:.2f} ms, PostgreSQL {cpu['database']:.2f} ms, "
        f"SMTP catcher {cpu['catcher']:.2f} ms; other processes used {watch.others_share:.0%} of the machine"
    )
    if mode == "mail":
        print_mail(results)
        return

    # The statement page with a million signatures.
    page_path = page_statement.get_absolute_url()
    for _ in range(4 * WEB_WORKERS):
        http_request(site_url + page_path)
    say(f"statement page with {PAGE_ROWS:,} signatures")
    page = load("page", "get", page_path)
    results.update(
        page_per_s=round(page.per_s, 1), page_p99_ms=round(page.p99_ms, 1), page_errors=page.errors(200)
    )
    # The same page through the compose file's proxy, which keeps it for its s-maxage: what a surge
    # of readers costs behind it. An extra figure, without a target.
    if proxy.nginx_binary():
        proxy_port, proxy_dir = free_port(), bench.log_dir / "nginx"
        proxy_dir.mkdir(exist_ok=True)
        nginx = bench.start("nginx", proxy.command(proxy_dir, proxy_port, f"127.0.0.1:{web_port}"), env)

        def proxy_ready():
            nginx.check()
            return port_open("127.0.0.1", proxy_port)

        wait_until(proxy_ready, "nginx to listen")
        say("statement page through the compose file's proxy (proxy/nginx.conf, Debian's nginx)")
        proxied = load("page_proxy", "get", page_path, base=f"http://127.0.0.1:{proxy_port}")
        results.update(
            page_proxy_per_s=round(proxied.per_s, 1),
            page_proxy_p99_ms=round(proxied.p99_ms, 1),
            page_proxy_errors=proxied.errors(200),
        )
        nginx.stop()
    else:
        bench.notes.append("nginx is not installed: no figure for the statement page through the proxy")

    # Count freshness: confirm through the real link, then poll count.json until it shows it.
    say("count freshness: confirmation link, then count.json until the total shows it (beat running)")
    results["count_freshness_s"] = count_freshness(site_url, fresh_statement)

    # Export.
    export(bench, site_url, campaign, page_statement, web)

    # The organisers' API: a sync walking the same million signatures page by page (bench/api.py).
    say("the organisers' API: one client walking every signature, following next links")
    api_bench.measure(results, site_url, campaign, page_statement, web.pid, PAGE_ROWS)

    results["load_generator"] = sign.generator
    results["duration_s"] = DURATION
    results["connections"] = CONNECTIONS
    results["web_workers"] = WEB_WORKERS
    results["worker_processes"] = WORKER_PROCESSES
    results["machine"] = machine()
    results["notes"] = bench.notes
    results["total_s"] = round(since_start(), 1)
    del web_workers
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    say(f"wrote {RESULTS.relative_to(ROOT)}")


def start_senders(celery_app, worker: Service, worker_name: str, beat_started: float) -> None:
    """Have the outbox senders running before anything is measured, as on a site that has been up.

    Beat starts OUTBOX_SENDERS senders on each tick, the first one OUTBOX_SENDER_SECONDS after it
    starts: a minute into the bench. Until then the bench queues the same task beat would have,
    each sender living until beat's first tick, so that the senders run as they do on a deployment
    that has been up a while (a generation at a time) and the first surge is mailed as it goes.
    """
    from django.conf import settings

    first_tick = beat_started + settings.OUTBOX_SENDER_SECONDS
    for _ in range(SENDERS):
        celery_app.send_task(
            "outbox.tasks.send_outbox",
            kwargs={"seconds": max(1.0, first_tick - time.monotonic())},
            queue="outbox",
        )

    def running() -> bool:
        worker.check()
        with contextlib.suppress(Exception):
            active = celery_app.control.inspect(destination=[worker_name], timeout=0.5).active() or {}
            tasks = [task for found in active.values() for task in found]
            return sum(task["name"] == "outbox.tasks.send_outbox" for task in tasks) >= SENDERS
        return False

    wait_until(running, f"{SENDERS} outbox senders to run", interval=0.5)


class ThreadCpu:
    """CPU time one thread of this process (the SMTP catcher's event loop) spends in a block."""

    def __init__(self, native_id: int, stat: str = ""):
        self.stat = Path(stat or f"/proc/self/task/{native_id}/stat")
        self.ticks_per_s = os.sysconf("SC_CLK_TCK")
        self.cpu_s = 0.0

    def _ticks(self) -> int:
        rest = self.stat.read_text().rsplit(")", 1)[1].split()
        return int(rest[11]) + int(rest[12])

    def __enter__(self):
        self.before = self._ticks()
        return self

    def __exit__(self, *exc):
        self.cpu_s = (self._ticks() - self.before) / self.ticks_per_s
        return False


def mail_latency_p95(statement, mails: MailCounter) -> float:
    """Signed (the signature row's time) to accepted by the SMTP catcher, for the surge with the
    senders running: the 95th percentile, in seconds."""
    latencies = sorted(
        mails.accepted_at[email] - created_at.timestamp()
        for email, created_at in statement.signatures.values_list("email", "created_at")
        if email in mails.accepted_at
    )
    if not latencies:
        raise BenchError("no confirmation of the surge reached the SMTP catcher")
    return round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))], 2)


def count_freshness(site_url: str, statement, trials: int = 3) -> float:
    from django.urls import reverse

    from petitions.models import Signature
    from petitions.tokens import make_confirm_token

    count_url = site_url + reverse(
        "petitions:statement_count", args=[statement.campaign.slug, statement.slug]
    )

    def shown() -> int:
        status, _, body = http_request(count_url)
        return json.loads(body)["signature_count"] if status == 200 else -1

    worst = 0.0
    for trial in range(trials):
        time.sleep(random.uniform(0, 2))  # land anywhere between two beat ticks
        before = shown()
        signature = Signature.objects.create(
            statement=statement,
            name=f"Fresh {trial}",
            email=f"fresh-{trial}-{secrets.token_hex(4)}@bench.example.org",
            email_normalized=f"fresh-{trial}-{secrets.token_hex(4)}@bench.example.org",
            country="PE",
        )
        token = make_confirm_token(signature)
        status, _, _ = http_request(site_url + reverse("petitions:confirm", args=[token]))
        confirmed = time.monotonic()
        if status != 200:
            raise BenchError(f"the confirmation link answered {status}")
        wait_until(
            lambda before=before: shown() > before,
            "count.json to show the confirmation",
            timeout=60,
            interval=0.02,
        )
        worst = max(worst, time.monotonic() - confirmed)
    return round(worst, 2)


def export(bench: Bench, site_url: str, campaign, statement, web: Service) -> None:
    """Export a statement's signatures as CSV as an organiser, watching the serving worker's memory."""
    results = bench.results
    url = export_url(campaign, statement)
    if url is None:
        bench.notes.append("no organiser export URL found: export figures not measured")
        say(bench.notes[-1])
        results.update(export_rows=0, export_s=float("nan"), export_peak_mb=float("nan"))
        return
    cookie = organiser_session(campaign)
    say(f"export: {statement.signatures.count():,} signatures as CSV from {url}")
    pids = children(web.pid)
    baseline = {pid: memory_kb(pid, "VmRSS") for pid in pids}
    cleared = all(reset_peak_memory(pid) for pid in pids)
    peak = dict(baseline)
    sampling = True

    def sample():
        while sampling:
            for pid in pids:
                peak[pid] = max(peak[pid], memory_kb(pid, "VmRSS"))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    import http.client

    parts = urllib.parse.urlsplit(site_url + url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    started = time.monotonic()
    lines = 0
    try:
        connection.request("GET", url, headers={"Cookie": cookie, "Accept-Language": "en"})
        response = connection.getresponse()
        if response.status != 200:
            raise BenchError(f"the export answered {response.status}: {response.read(500)!r}")
        tail = b""
        while chunk := response.read(1 << 16):
            lines += chunk.count(b"\n")
            tail = chunk[-1:]
        if tail and tail != b"\n":
            lines += 1
    finally:
        connection.close()
        elapsed = time.monotonic() - started
        sampling = False
        sampler.join()
    if cleared:
        growth = max(memory_kb(pid, "VmHWM") - baseline[pid] for pid in pids)
    else:
        growth = max(peak[pid] - baseline[pid] for pid in pids)
    results.update(
        export_rows=lines - 1,  # the header line
        export_s=round(elapsed, 1),
        export_peak_mb=round(growth / 1024, 1),
        export_memory_method="VmHWM after clear_refs" if cleared else "RSS sampled every 20 ms",
    )


def export_url(campaign, statement) -> str | None:
    from django.urls import NoReverseMatch, reverse

    candidates = [
        ("organisers:statement_export", [campaign.slug, statement.slug]),
        ("organisers:export_signatures", [campaign.slug, statement.slug]),
        ("organisers:statement_signatures_csv", [campaign.slug, statement.slug]),
    ]
    for name, args in candidates:
        with contextlib.suppress(NoReverseMatch):
            return reverse(name, args=args)
    return None


def organiser_session(campaign) -> str:
    """A logged-in organiser of the campaign: the session cookie a browser would hold."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.create_user(
        username="bench-organiser", email="organiser@bench.example.org", password=secrets.token_urlsafe(16)
    )
    make_organiser(campaign, user)
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def make_organiser(campaign, user) -> None:
    from organisers import services as organiser_services

    organiser_services.add_organiser(campaign, user)


def print_against_ceiling(results: dict, name: str, ceiling_name: str, what: str, against: str) -> None:
    """A quick mode's figure against its ceiling of the same run: rate, p99 and CPU as ratios."""
    rate, ceiling = results[f"{name}_per_s"], results[f"ceiling_{ceiling_name}_per_s"]
    p99, ceiling_p99 = results[f"{name}_p99_ms"], results[f"ceiling_{ceiling_name}_p99_ms"]
    cpu, bare = results["cpu_ms_per_request"][name], results["cpu_ms_per_request"][f"ceiling_{ceiling_name}"]
    print()
    print(f"{what} {rate:,.1f}/s = {rate / ceiling:.2f} x {against} ({ceiling:,.1f}/s)")
    print(f"p99 {p99:.1f} ms = {p99 / ceiling_p99:.2f} x {against}'s ({ceiling_p99:.1f} ms)")
    print(
        f"web CPU per request {cpu['web_ms']:.2f} ms = {cpu['web_ms'] / bare['web_ms']:.2f} x {against}'s"
        f" ({bare['web_ms']:.2f} ms); database {cpu['db_ms']:.2f} ms against {bare['db_ms']:.2f} ms"
    )
    errors = f"errors {results[f'{name}_errors']}"
    if name == "sign":
        errors += f", lost {results['sign_lost']}"
    print(
        f"{errors}; other processes used {results['other_cpu_share'].get(name, 0):.0%} of the machine"
        " during the run"
    )


class ProcessCpu(ThreadCpu):
    """The same for another process (a PostgreSQL backend)."""

    def __init__(self, pid: int):
        super().__init__(0, f"/proc/{pid}/stat")


def print_mail(results: dict) -> None:
    """The mail figures against the bare insert of the same run (`--mail`): the ratios that compare."""
    rate, ceiling = results["mail_per_s"], results["ceiling_sign_per_s"]
    cpu = results["mail_cpu_ms"]
    total = cpu["senders"] + cpu["database"] + cpu["catcher"]
    print()
    print(
        f"confirmation mail {rate:,.1f}/s = {rate / ceiling:.2f} x the bare insert ({ceiling:,.1f}/s);"
        f" target >= 0.6 x"
    )
    print(
        f"surge: {results['sign_per_s']:,.1f} signatures/s = {results['sign_per_s'] / ceiling:.2f} x, "
        f"{results['surge_mails']:,} mails, p95 signed -> accepted {results['mail_latency_p95_s']} s "
        f"(target <= 5 s), the last {results['surge_mail_drain_s']} s after the surge"
    )
    print(
        f"CPU per mail {total:.2f} ms: senders {cpu['senders']:.2f} ms, PostgreSQL {cpu['database']:.2f} ms, "
        f"SMTP catcher {cpu['catcher']:.2f} ms ({os.cpu_count()} cores: at most "
        f"{1000 * (os.cpu_count() or 1) / total:,.0f} mails/s)"
    )
    print(
        f"duplicates {results['mail_duplicates']} (surge {results['surge_mail_duplicates']}); other processes"
        f" used {results['other_cpu_share'].get('mail', 0):.0%} of the machine during the mail phase"
    )


def print_table(results: dict) -> None:
    rows = [("figure", "value", "x ceiling", "target", "")]
    for key, target, check in TARGETS:
        value = results.get(key)
        if value is None:
            continue
        ceiling_key = CEILINGS.get(key)
        ratio = ""
        if ceiling_key and results.get(ceiling_key):
            ratio = f"{value / results[ceiling_key]:.2f}"
        verdict = ""
        if check is not None:
            try:
                verdict = "pass" if check(results) else "MISS"
            except (TypeError, KeyError):
                verdict = "n/a"
        shown = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
        rows.append((key, shown, ratio, target, verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    print()
    for number, row in enumerate(rows):
        print(
            "  ".join(
                cell.rjust(w) if 0 < i < 3 else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if number == 0:
            print("  ".join("-" * w for w in widths))
    m = results["machine"]
    print(f"\nmachine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gb']} GB")
    print(
        f"load: {results['load_generator']}, {results['connections']} connections "
        f"x {results['duration_s']} s; "
        f"gunicorn {results['web_workers']} sync workers; Celery {results['worker_processes']} processes"
    )
    print("CPU per request (gunicorn workers / our PostgreSQL backends):")
    for name, cpu in results.get("cpu_ms_per_request", {}).items():
        print(f"  {name:14s} web {cpu['web_ms']:6.2f} ms   database {cpu['db_ms']:5.2f} ms")
    if "mail_cpu_ms" in results:
        cpu = results["mail_cpu_ms"]
        print(
            f"CPU per confirmation mail: senders {cpu['senders']:.2f} ms, "
            f"PostgreSQL {cpu['database']:.2f} ms, SMTP catcher {cpu['catcher']:.2f} ms"
        )
    for note in results.get("notes", []):
        print(f"note: {note}")


if __name__ == "__main__":
    sys.exit(main())
