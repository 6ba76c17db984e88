from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import IntegrityError

from petitions.models import Signature
from sharing.models import ShortLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(statement):
    return ShortLink.objects.create(slug="peru", statement=statement)


def _query(response):
    return parse_qs(urlsplit(response["Location"]).query)


def test_it_redirects_to_the_statement(client, link):
    response = client.get("/s/peru")

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/c/peru/statement/"


def test_it_keeps_utm_parameters_and_drops_the_rest(client, link):
    response = client.get("/s/peru?utm_source=guardian&utm_medium=article&utm_campaign=may&fbclid=x")

    query = _query(response)
    assert query["utm_source"] == ["guardian"]
    assert query["utm_medium"] == ["article"]
    assert query["utm_campaign"] == ["may"]
    assert "fbclid" not in query
    assert query["src"] == ["shortlink"]


def test_slugs_are_case_insensitive(client, link):
    assert client.get("/s/PERU").status_code == 302
    assert client.get("/s/Peru/").status_code == 302


def test_a_slug_is_unique_whatever_its_case(statement, link):
    with pytest.raises(IntegrityError):
        ShortLink.objects.create(slug="PERU", statement=statement)


def test_an_unknown_short_link_is_404(client, db):
    assert client.get("/s/nowhere").status_code == 404


def test_a_link_to_a_draft_statement_is_404(client, link, statement):
    statement.status = statement.Status.DRAFT
    statement.save()

    assert client.get("/s/peru").status_code == 404


def test_it_redirects_to_an_event(client, event):
    ShortLink.objects.create(slug="rally", event=event)

    response = client.get("/s/rally?utm_source=leaflet")

    location = urlsplit(response["Location"])
    assert location.path == event.get_absolute_url()
    assert parse_qs(location.query) == {"utm_source": ["leaflet"]}


def test_the_statement_page_carries_the_source_into_the_form(client, link):
    page = client.get(client.get("/s/peru?utm_source=guardian")["Location"])

    html = page.content.decode()
    assert 'name="src" value="shortlink"' in html
    assert 'name="utm_source" value="guardian"' in html


def _sign(client, statement, **extra):
    data = {"name": "Ana", "email": "ana@example.org", "country": "PE", "kind": "individual"}
    return client.post(statement.get_absolute_url(), {**data, **extra})


def test_a_signature_after_a_short_link_is_recorded_as_such(client, statement):
    response = _sign(client, statement, src="shortlink", utm_source="guardian")

    assert response.status_code == 303
    signature = Signature.objects.get()
    assert signature.source == Signature.Source.SHORT_LINK
    assert signature.utm_source == "guardian"


def test_a_visitor_cannot_claim_another_source(client, statement):
    _sign(client, statement, src="embed")

    assert Signature.objects.get().source == Signature.Source.WEB


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("mod", "mod@example.org", "pw"))
    return client


def test_a_moderator_sets_a_short_link_in_admin(admin_client, statement):
    data = {"slug": "Peru-Now", "statement": statement.pk}

    response = admin_client.post("/admin/sharing/shortlink/add/", data)

    assert response.status_code == 302
    link = ShortLink.objects.get()
    assert (link.slug, link.campaign) == ("peru-now", statement.campaign)


def test_admin_refuses_a_link_to_both_a_statement_and_an_event(admin_client, statement, event):
    response = admin_client.post(
        "/admin/sharing/shortlink/add/", {"slug": "both", "statement": statement.pk, "event": event.pk}
    )

    assert response.status_code == 200
    assert not ShortLink.objects.exists()


def test_admin_refuses_a_taken_slug_in_another_case(admin_client, statement, link):
    response = admin_client.post("/admin/sharing/shortlink/add/", {"slug": "PERU", "statement": statement.pk})

    assert response.status_code == 200
    assert "This short link is taken." in response.content.decode()
