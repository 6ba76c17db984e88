"""Share actions on the statement, campaign and check-your-email pages: one link per channel, each
with its own utm_source, through the short link where there is one, in the page's language."""

from html import unescape
from urllib.parse import quote

import pytest

from petitions.models import Signature
from sharing.models import ShortLink
from sharing.services import CHANNELS

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


@pytest.fixture
def link(statement):
    return ShortLink.objects.create(slug="peru", statement=statement)


def _shared(html: str, url: str) -> bool:
    # Shared URLs are written plainly (copy link) or percent-encoded inside a channel's URL.
    return url in html or quote(url, safe="") in html


@pytest.mark.parametrize(
    "page", ["/c/peru/statement/", "/c/peru/statement/check-your-email/"], ids=["statement", "check-email"]
)
def test_a_statement_is_shared_by_its_short_link_with_one_source_per_channel(client, link, page):
    html = unescape(client.get(page).content.decode())

    for channel in CHANNELS:
        assert _shared(html, f"{SITE}/s/peru?utm_source={channel}"), channel
    for service in ("https://wa.me/?text=", "https://t.me/share/url?url=", "https://x.com/intent/post?"):
        assert service in html
    assert "https://www.facebook.com/sharer/sharer.php?u=" in html and "mailto:?subject=" in html


def test_a_spanish_page_shares_the_spanish_short_link(client, link):
    html = unescape(client.get("/es/c/peru/statement/").content.decode())

    assert _shared(html, f"{SITE}/es/s/peru?utm_source=whatsapp")
    assert "Compartir" in html


def test_without_a_short_link_the_page_itself_is_shared(client, statement):
    html = unescape(client.get("/c/peru/statement/").content.decode())

    assert _shared(html, f"{SITE}/c/peru/statement/?utm_source=telegram")


def test_the_campaign_page_shares_the_campaign(client, statement):
    html = unescape(client.get("/c/peru/").content.decode())

    assert _shared(html, f"{SITE}/c/peru/?utm_source=facebook")


def test_the_spanish_short_link_leads_to_the_spanish_page_keeping_the_channel(client, link):
    response = client.get("/es/s/peru?utm_source=whatsapp")

    assert response["Location"].startswith("/es/c/peru/statement/?")
    assert "utm_source=whatsapp" in response["Location"]


def test_a_signature_from_a_shared_link_records_its_channel(client, link, django_capture_on_commit_callbacks):
    page = client.get(client.get("/s/peru?utm_source=whatsapp")["Location"]).content.decode()
    assert 'name="utm_source" value="whatsapp"' in page

    data = {"name": "Rosa", "email": "rosa@example.pe", "country": "PE", "kind": "individual"}
    client.post("/c/peru/statement/", {**data, "utm_source": "whatsapp", "src": "shortlink"})

    assert Signature.objects.get().utm_source == "whatsapp"


def test_organisers_see_confirmed_signatures_by_channel(client, statement):
    from campaigns.models import Membership, Role
    from tests.factories import ConfirmedSignatureFactory
    from tests.organisers.conftest import make_user

    bob = make_user("bob@example.org")
    Membership.objects.create(campaign=statement.campaign, user=bob, role=Role.ORGANISER)
    client.force_login(bob)
    for _ in range(2):
        ConfirmedSignatureFactory(statement=statement, utm_source="whatsapp")
    ConfirmedSignatureFactory(statement=statement, utm_source="telegram")

    html = client.get("/dashboard/c/peru/s/statement/sharing/").content.decode()

    assert '<th scope="row">whatsapp</th><td class="num">2</td>' in html
    assert '<th scope="row">telegram</th><td class="num">1</td>' in html
