"""The organisers' API under a sync: one client pages through a million signatures.

A CRM's incremental sync walks `/api/v1/petitions/<id>/signatures` following `next` links (keyset
cursors). Measured: each page's latency (p50, p99, max; the first page also counts the rows),
the rows seen (every one, once), and the gunicorn workers' memory before and after the walk (it must
stay flat: no page holds more than per_page rows). The ceiling, in the same run and with the same
single client, is the bare hello view's latency.

Part of `make bench` (bench/run.py calls measure() on its million-signature statement), and
runnable on its own without disturbing it: `python bench/api.py` uses its own database
(BENCH_API_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/campaign_bench_api, recreated
and dropped) and its own gunicorn. Knobs: BENCH_API_ROWS (1,000,000), BENCH_API_PER_PAGE (500).
"""

import http.client
import json
import os
import secrets
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.data import drop_database, insert_signatures, recreate_database  # noqa: E402
from bench.system import (  # noqa: E402
    BenchError,
    CpuWatch,
    Service,
    children,
    free_port,
    memory_kb,
    say,
    wait_until,
)

ROWS = int(os.environ.get("BENCH_API_ROWS", "1000000"))
PER_PAGE = int(os.environ.get("BENCH_API_PER_PAGE", "500"))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/campaign_bench_api"
WEB_WORKERS = 4
HELLO_REQUESTS = 500


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Client:
    """One keep-alive connection, as a sync script would hold."""

    def __init__(self, site_url: str, key: str = ""):
        parts = urllib.parse.urlsplit(site_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.headers = {"OSDI-API-Token": key} if key else {}

    def get(self, url: str) -> tuple[int, bytes, float]:
        parts = urllib.parse.urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        started = time.perf_counter()
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        body = response.read()
        return response.status, body, (time.perf_counter() - started) * 1000

    def close(self):
        self.connection.close()


def _rss_kb(web_pid: int) -> int:
    return sum(memory_kb(pid, "VmRSS") for pid in children(web_pid))


def measure(results: dict, site_url: str, campaign, statement, web_pid: int, rows: int) -> None:
    """Walk every signature of `statement` through the API and put the figures in `results`."""
    from api import keys

    key = keys.create_key(campaign, None, "bench sync", "read").raw
    hello = Client(site_url)
    hello_ms = [hello.get(site_url + "/bench/hello")[2] for _ in range(HELLO_REQUESTS)]
    hello.close()

    client = Client(site_url, key)
    # Warm each worker (imports, first queries) so the walk measures the steady state.
    for _ in range(WEB_WORKERS * 2):
        client.get(f"{site_url}/api/v1/petitions/{statement.uuid}/signatures?per_page=1")
    rss_before = _rss_kb(web_pid)
    peak = [rss_before]
    stop = threading.Event()

    def sample():
        while not stop.wait(0.5):
            peak[0] = max(peak[0], _rss_kb(web_pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    url = f"{site_url}/api/v1/petitions/{statement.uuid}/signatures?per_page={PER_PAGE}"
    latencies, seen, last, total_records = [], 0, None, None
    from django.db import connection

    watch = CpuWatch(connection.settings_dict["NAME"], web_pid)
    started = time.monotonic()
    try:
        watch.__enter__()
        while url:
            status, body, ms = client.get(url)
            if status != 200:
                raise BenchError(f"API page answered {status}: {body[:300]!r}")
            page = json.loads(body)
            latencies.append(ms)
            total_records = total_records or page["total_records"]
            for item in page["_embedded"]["osdi:signatures"]:
                position = (item["modified_date"], item["identifiers"][0])
                if last is not None and position <= last:
                    raise BenchError(f"signatures out of order or repeated at {position}")
                last = position
                seen += 1
            url = page["_links"].get("next", {}).get("href")
    finally:
        watch.__exit__(None, None, None)
        stop.set()
        sampler.join()
        client.close()
    walk_s = time.monotonic() - started
    rss_after = _rss_kb(web_pid)
    results.update(
        {
            "api_rows": rows,
            "api_rows_seen": seen,
            "api_total_records": total_records,
            "api_per_page": PER_PAGE,
            "api_pages": len(latencies),
            "api_walk_s": round(walk_s, 1),
            "api_rows_per_s": round(seen / walk_s),
            "api_first_page_ms": round(latencies[0], 1),
            "api_page_p50_ms": round(statistics.median(latencies), 1),
            "api_page_p99_ms": round(_percentile(latencies, 0.99), 1),
            "api_page_max_ms": round(max(latencies), 1),
            "api_hello_p99_ms": round(_percentile(hello_ms, 0.99), 2),
            # CPU per page does not depend on what else the machine runs; latencies do.
            "api_web_cpu_ms_per_page": round(1000 * watch.web_cpu_s / len(latencies), 1),
            "api_db_cpu_ms_per_page": round(1000 * watch.db_cpu_s / len(latencies), 1),
            "api_other_cpu_share": round(watch.others_share, 2),
            "api_rss_before_mb": round(rss_before / 1024, 1),
            "api_rss_after_mb": round(rss_after / 1024, 1),
            "api_rss_peak_growth_mb": round((peak[0] - rss_before) / 1024, 1),
        }
    )
    results["api_page_p99_x_hello"] = round(
        results["api_page_p99_ms"] / max(results["api_hello_p99_ms"], 0.01), 1
    )


TARGETS = [
    ("api_rows_seen", "= rows", lambda r: r["api_rows_seen"] == r["api_rows"] == r["api_total_records"]),
    ("api_page_p99_ms", "< 50", lambda r: r["api_page_p99_ms"] < 50),
    ("api_rss_peak_growth_mb", "<= 20 (flat)", lambda r: r["api_rss_peak_growth_mb"] <= 20),
]


def print_table(results: dict) -> None:
    width = max(len(name) for name in results)
    for name, value in results.items():
        print(f"{name:<{width}}  {value}")
    for name, target, check in TARGETS:
        print(f"{name}: target {target}: {'met' if check(results) else 'MISSED'}")


def main() -> int:
    # Stopped with SIGTERM, still stop gunicorn and drop the database (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    database_url = os.environ.get("BENCH_API_DATABASE_URL", DEFAULT_DATABASE_URL)
    say(f"API bench on its own: recreating {database_url.rsplit('/', 1)[1]}")
    recreate_database(database_url)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    port = free_port()
    site_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(32),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "SITE_URL": site_url,
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    web = None
    try:
        call_command("migrate", "--noinput", verbosity=0)
        from campaigns.models import Campaign
        from petitions.models import Statement

        campaign = Campaign.objects.create(slug="bench-api", title="API bench")
        statement = Statement.objects.create(
            campaign=campaign, slug="sync", title="A million signatures", body="Bench.", status="open"
        )
        say(f"inserting {ROWS:,} confirmed signatures")
        insert_signatures(statement.pk, ROWS, status="confirmed")
        web = Service(
            "gunicorn",
            [
                sys.executable, "-m", "gunicorn", "campaign.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", str(WEB_WORKERS), "--worker-class", "sync", "--timeout", "60",
                "--no-control-socket",
            ],
            env,
            log_dir,
        )  # fmt: skip
        wait_until(
            lambda: (web.check() or True) and len(children(web.pid)) == WEB_WORKERS, "gunicorn workers"
        )
        wait_until(lambda: Client(site_url).get(site_url + "/healthz")[0] == 200, "gunicorn to answer")
        say(f"walking {ROWS:,} signatures, {PER_PAGE} a page")
        results: dict = {}
        measure(results, site_url, campaign, statement, web.pid, ROWS)
    finally:
        if web is not None:
            web.stop()
        from django.db import connections

        connections.close_all()
        drop_database(database_url)
    print_table(results)
    (ROOT / "bench" / "results-api.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(check(results) for _, _, check in TARGETS) else 1


if __name__ == "__main__":
    sys.exit(main())
