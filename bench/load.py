"""Load generators (wrk, or a slower Python stand-in) and the HTTP the bench needs."""

import asyncio
import http.client
import json
import os
import re
import shutil
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .system import BenchError, say

LUA_DIR = Path(__file__).resolve().parent / "lua"
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))


@dataclass
class Load:
    requests: int
    duration_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[int, int]
    socket_errors: int
    generator: str

    @property
    def per_s(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    def errors(self, expected: int) -> int:
        return self.socket_errors + sum(n for status, n in self.statuses.items() if status != expected)


def ensure_wrk() -> str | None:
    path = shutil.which("wrk")
    if path or os.environ.get("BENCH_NO_INSTALL") == "1":
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing wrk (apt-get install wrk)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        result = subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True, check=False
        )
        if result.returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=False)
            subprocess.run(
                ["apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True, check=False
            )
    return shutil.which("wrk")


def run_wrk(wrk: str, url: str, script: str, args: list[str], duration: int) -> Load:
    threads = max(1, min(os.cpu_count() or 1, 4))
    command = [wrk, f"-t{threads}", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    command += ["-s", str(LUA_DIR / script), url]
    if args:
        command += ["--", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH-JSON ")), None)
    if result.returncode != 0 or line is None:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    data = json.loads(line.removeprefix("BENCH-JSON "))
    errors = data["errors"]
    return Load(
        requests=data["requests"],
        duration_s=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        statuses={int(k): v for k, v in data["statuses"].items()},
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        generator="wrk",
    )


async def _python_load(host, port, make_request, duration: float) -> Load:
    """A slower stand-in for wrk: CONNECTIONS asyncio clients, one HTTP/1.1 request per connection."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    socket_errors = 0
    deadline = time.monotonic() + duration

    async def client(number: int):
        nonlocal socket_errors
        sequence = 0
        while time.monotonic() < deadline:
            sequence += 1
            raw = make_request(number, sequence)
            started = time.monotonic()
            try:
                reader, writer = await asyncio.open_connection(host, port)
                writer.write(raw)
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                match = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
                if match:
                    await reader.readexactly(int(match.group(1)))
                else:
                    await reader.read()
                writer.close()
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                socket_errors += 1
                continue
            latencies.append(time.monotonic() - started)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(CONNECTIONS)))
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else 0.0

    return Load(len(latencies), elapsed, pct(0.5), pct(0.99), pct(1.0), statuses, socket_errors, "python")


def python_get(url: str, duration: int) -> Load:
    parts = urllib.parse.urlsplit(url)
    raw = (
        f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUser-Agent: Mozilla/5.0 (make bench)\r\n"
        "Accept-Language: en\r\nConnection: close\r\n\r\n"
    ).encode()
    return asyncio.run(_python_load(parts.hostname, parts.port, lambda n, s: raw, duration))


def python_post(url: str, cookie: str, prefix: str, run_id: str, duration: int) -> Load:
    parts = urllib.parse.urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"

    def make(number, sequence):
        # As the wrk script: a unique address and client IP per request.
        domain = f"d{sequence}-{number}.bench.example.org" if sequence % 5 == 0 else "gmail.com"
        email = f"b{run_id}-{number}-{sequence}%40{domain}"
        body = f"{prefix}name=Bench+Signer+{sequence}&email={email}".encode()
        client = f"10.{(number * 16 + sequence // 65536) % 256}.{sequence // 256 % 256}.{sequence % 256}"
        head = (
            f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nOrigin: {origin}\r\nCookie: {cookie}\r\n"
            f"X-Forwarded-For: {client}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "User-Agent: Mozilla/5.0 (make bench)\r\n"
            f"Accept-Language: en\r\nConnection: close\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    return asyncio.run(_python_load(parts.hostname, parts.port, make, duration))


def http_request(url: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


class _SignFormParser(HTMLParser):
    """The sign form's inputs: what a browser would send with nothing typed in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_form = False
        self.fields: dict[str, str] = {}
        self.checkboxes: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "form" and "sign-form" in attrs.get("class", "").split():
            self.in_form = True
        elif self.in_form and tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind == "checkbox":
                self.checkboxes.add(attrs["name"])
            elif kind == "radio":
                if "checked" in attrs:
                    self.fields[attrs["name"]] = attrs.get("value", "")
            elif kind not in ("submit", "button"):
                self.fields[attrs["name"]] = attrs.get("value", "")
        elif self.in_form and tag in ("select", "textarea") and attrs.get("name"):
            self.fields.setdefault(attrs["name"], "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def signing_form(site_url: str, path: str) -> tuple[str, str]:
    """GET the statement page once: the form body a signer would send.

    The page is the same for everyone and carries no CSRF token: the POST is checked by its Origin
    (which every POST here sends). Returns (cookie header, url-encoded body prefix without name and
    email); the page sets no cookie, so the cookie header is empty.
    """
    status, headers, body = http_request(site_url + path, headers={"Accept-Language": "en"})
    if status != 200:
        raise BenchError(f"GET {path} answered {status}")
    if any(name.lower() == "set-cookie" for name, _value in headers):
        raise BenchError("the statement page set a cookie: shared caches would not keep it")
    parser = _SignFormParser()
    parser.feed(body.decode())
    fields = dict(parser.fields)
    if "started" not in fields:
        raise BenchError("the statement page has no sign form")
    fields.pop("name", None)
    fields.pop("email", None)
    fields["country"] = "PE"
    fields.update({"show_publicly": "on"} if "show_publicly" in parser.checkboxes else {})
    fields.update({"consent_contact": "on"} if "consent_contact" in parser.checkboxes else {})
    prefix = urllib.parse.urlencode(fields) + "&"
    return "", prefix
