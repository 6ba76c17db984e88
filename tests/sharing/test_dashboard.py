import pytest

from campaigns.models import Membership, Role
from petitions.models import Signature
from sharing.models import ShortLink
from tests.factories import ConfirmedSignatureFactory
from tests.organisers.conftest import make_user

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/c/peru/s/statement/sharing/"


@pytest.fixture
def as_bob(client, campaign):
    bob = make_user("bob@example.org")
    Membership.objects.create(campaign=campaign, user=bob, role=Role.ORGANISER)
    client.force_login(bob)
    return client


@pytest.fixture
def as_charlie(client, db):
    client.force_login(make_user("charlie@example.org"))
    return client


def test_an_organiser_sets_a_short_link(as_bob, statement):
    response = as_bob.post(f"{PAGE}links/", {"slug": "Peru"})

    assert response.status_code == 303
    link = ShortLink.objects.get()
    assert (link.slug, link.statement, link.campaign) == ("peru", statement, statement.campaign)


def test_a_taken_short_link_is_refused_next_to_the_field(as_bob, statement):
    ShortLink.objects.create(slug="peru", statement=statement)

    response = as_bob.post(f"{PAGE}links/", {"slug": "PERU"})

    assert response.status_code == 400
    assert "This short link is taken." in response.content.decode()


def test_a_malformed_short_link_is_refused(as_bob, statement):
    response = as_bob.post(f"{PAGE}links/", {"slug": "-bad slug-"})

    assert response.status_code == 400
    assert not ShortLink.objects.exists()


def test_an_organiser_removes_a_short_link(as_bob, statement):
    ShortLink.objects.create(slug="peru", statement=statement)

    response = as_bob.post(f"{PAGE}links/peru/remove/")

    assert response.status_code == 303
    assert not ShortLink.objects.exists()


def test_the_statement_dashboard_shows_sources_links_and_the_snippet(as_bob, statement):
    ShortLink.objects.create(slug="peru", statement=statement)
    ConfirmedSignatureFactory.create_batch(2, statement=statement, source=Signature.Source.EMBED)
    ConfirmedSignatureFactory(statement=statement, source=Signature.Source.SHORT_LINK)

    response = as_bob.get("/dashboard/c/peru/s/statement/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="row">Embedded widget</th><td class="num">2</td>' in html
    assert '<th scope="row">Short link</th><td class="num">1</td>' in html
    assert "/s/peru" in html
    assert "&lt;iframe src=&quot;http://127.0.0.1:8000/c/peru/statement/embed/&quot;" in html


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", PAGE), ("post", f"{PAGE}links/"), ("post", f"{PAGE}links/peru/remove/")],
)
def test_outsiders_get_404(as_charlie, statement, method, path):
    ShortLink.objects.create(slug="peru", statement=statement)

    response = getattr(as_charlie, method)(path, {"slug": "mine"})

    assert response.status_code == 404
    assert list(ShortLink.objects.values_list("slug", flat=True)) == ["peru"]


@pytest.mark.parametrize("slug", ["events", "dashboard", "admin", "es"])
def test_a_short_link_the_site_uses_is_refused_next_to_the_field(as_bob, statement, slug):
    response = as_bob.post(f"{PAGE}links/", {"slug": slug})

    assert response.status_code == 400
    assert "is the address of one of the site&#x27;s own pages" in response.content.decode()
    assert not ShortLink.objects.exists()
