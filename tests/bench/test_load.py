"""The wrk scripts (bench/lua) against a tiny local server: each counts answers by status and prints
the one line run_wrk reads; the POST script signs as many people from many addresses."""

import shutil
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.load import run_wrk
from tests.conftest import STRICT


class Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[str, str, str]] = []

    def do_GET(self):
        self._answer(200)

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        email = urllib.parse.parse_qs(body)["email"][0]
        self.seen.append((self.headers["X-Forwarded-For"], email, self.headers["Cookie"]))
        self._answer(303)

    def _answer(self, status):
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Recorder.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def wrk():
    found = shutil.which("wrk")
    if not found:
        message = "wrk is not installed (make bench installs it)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_the_get_script_counts_answers_by_status(wrk, server):
    load = run_wrk(wrk, server, "get.lua", [], 1)

    assert load.requests > 0
    assert load.statuses == {200: load.requests}
    assert load.socket_errors == 0


def test_the_post_script_signs_as_many_people_from_many_addresses(wrk, server):
    load = run_wrk(wrk, server, "post.lua", ["/sign/", "csrftoken=x", "title=On&", "run1"], 1)

    assert load.statuses == {303: load.requests}
    addresses, emails, cookies = zip(*Recorder.seen, strict=True)
    assert len(set(emails)) == len(emails) >= load.requests
    assert len(set(addresses)) > len(addresses) / 2
    assert set(cookies) == {"csrftoken=x"}
