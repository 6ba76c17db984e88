"""The compose file's proxy, run: Debian's nginx with proxy/nginx.conf in front of the end-to-end gunicorn.

The config is the one docker-compose.yml mounts, with only what Docker provides replaced: the
listening port, the address of "web" and the cache's directory. Without nginx this test is skipped
(and fails under CAMPAIGN_STRICT=1; .ci/run installs Debian's nginx).
"""

import http.client
import re
import subprocess
import urllib.parse
from dataclasses import dataclass

import pytest
from django.test import Client

from bench import proxy as proxy_config
from petitions.models import Signature
from tests.conftest import STRICT
from tests.factories import CampaignFactory, StatementFactory

from .conftest import Browser, free_port, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def nginx_binary() -> str:
    found = proxy_config.nginx_binary()
    if not found:
        message = "nginx is not installed (apt-get install nginx; .ci/run does)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)
    return found


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def cache(self) -> str:
        return self.headers.get("X-Cache-Status", "")


@pytest.fixture(scope="module")
def proxy(e2e_stack, tmp_path_factory):
    """nginx on a free port, in front of the end-to-end stack's gunicorn; yields its base URL."""
    nginx_binary()
    work = tmp_path_factory.mktemp("nginx")
    port = free_port()
    web = urllib.parse.urlsplit(e2e_stack.site_url).netloc
    args = proxy_config.command(work, port, web)
    check = subprocess.run([*args, "-t"], capture_output=True)
    assert check.returncode == 0, check.stderr.decode()
    process = subprocess.Popen(
        args,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "stderr.log", "wb"),  # noqa: SIM115 - closed with the process
    )
    url = f"http://127.0.0.1:{port}"

    def answers():
        assert process.poll() is None, (work / "error.log").read_text()
        try:
            return get(url, "/healthz").status == 200
        except OSError:
            return False

    try:
        wait_until(answers, what="nginx to answer /healthz")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(base: str, path: str, headers: dict | None = None) -> Answer:
    return request(base, "GET", path, headers)


def request(base: str, method: str, path: str, headers: dict | None = None, body: str | None = None):
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers={"User-Agent": "proxy test", **(headers or {})})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read().decode())
    finally:
        connection.close()


@pytest.fixture
def statement():
    campaign = CampaignFactory(slug="surge", title="Surge")
    return StatementFactory(campaign=campaign, slug="read", title="A statement everyone reads")


def started(html: str) -> str:
    return re.search(r'name="started" value="([^"]*)"', html).group(1)


def test_the_second_anonymous_read_is_answered_by_the_proxy(e2e, proxy, statement):
    path = statement.get_absolute_url() + "?utm_source=first-read"

    first = get(proxy, path)
    second = get(proxy, path, {"Referer": "https://news.example/", "Accept-Language": "es"})
    count_json = [get(proxy, statement.get_absolute_url() + "count.json") for _ in range(2)]

    assert (first.status, first.cache) == (200, "MISS")
    assert (second.status, second.cache) == (200, "HIT")
    assert second.body == first.body  # the same bytes, the form's start time included
    assert 'value="first-read"' in second.body
    assert [answer.cache for answer in count_json] == ["MISS", "HIT"]
    # Each answer carries its own request's id, a cached one too; the app logs the one it was given.
    ids = {answer.headers["X-Request-ID"] for answer in (first, second)}
    assert len(ids) == 2 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_a_logged_in_read_is_never_answered_from_the_cache_nor_stored(e2e, proxy, statement):
    from tests.organisers.conftest import make_user

    client = Client()
    client.force_login(make_user("organiser@example.org"))
    session = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    path = statement.get_absolute_url() + "?utm_source=organiser"
    get(proxy, statement.get_absolute_url())  # an anonymous copy of the plain page is kept

    mine = get(proxy, statement.get_absolute_url(), session)
    first = get(proxy, path, session)
    anonymous = get(proxy, path)

    assert (mine.status, mine.cache) == (200, "BYPASS")
    assert "Organisers&#x27; dashboard" in mine.body or "Organisers' dashboard" in mine.body
    assert mine.headers["Cache-Control"] == "private, max-age=0"
    assert first.cache == "BYPASS"
    assert anonymous.cache == "MISS"  # the organiser's page was not stored
    assert "dashboard" not in anonymous.body.split("<footer")[1]


def test_a_signature_goes_through_the_proxy_and_confirms(e2e, proxy, statement):
    browser = Browser(proxy)  # posts with Origin: the proxy's URL, as a browser on it would
    get(proxy, statement.get_absolute_url())
    page = browser.get(statement.get_absolute_url())
    assert page.headers["X-Cache-Status"] == "HIT"
    form = page.form("sign-form")

    fields = {"kind": "individual", "country": "PE", "name": "Ana Torres", "email": "ana.proxy@example.org"}
    response = browser.post(form.action, form.submission(**fields))

    assert response.status == 303
    assert response.headers.get("X-Cache-Status", "") == ""  # a POST is never cached
    assert response.location == statement.get_absolute_url() + "check-your-email/"
    signature = Signature.objects.get(email_normalized="ana.proxy@example.org")
    assert signature.fill_ms is not None  # the shared copy's start time was read
    (mail,) = e2e.mailbox.wait_for(1, to="ana.proxy@example.org")
    (link,) = mail.links(f"{e2e.site_url}/confirm/")
    thanks = browser.get(link.replace(e2e.site_url, proxy))
    assert thanks.status == 200
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED


def test_a_post_from_another_site_is_refused_through_the_proxy(e2e, proxy, statement):
    body = urllib.parse.urlencode({"name": "Ana", "email": "victim@example.org", "country": "PE"})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"}

    response = request(proxy, "POST", statement.get_absolute_url(), headers, body)

    assert response.status == 403
    assert "This form was sent from another site" in response.body
    assert not Signature.objects.exists()


def test_the_proxy_hides_metrics(e2e, proxy):
    assert get(proxy, "/metrics").status == 404


def test_started_is_read_from_the_shared_copy(e2e, proxy, statement):
    path = statement.get_absolute_url() + "?utm_source=started"
    first, second = get(proxy, path), get(proxy, path)

    assert started(first.body) == started(second.body)
    wait_until(lambda: get(proxy, path).cache in {"EXPIRED", "UPDATING", "STALE"}, what="the copy to expire")
    wait_until(lambda: started(get(proxy, path).body) != started(first.body), what="a new copy")
