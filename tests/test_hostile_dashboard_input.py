"""Hostile input on every organiser page and every admin list: never a 500, never a NUL stored.

Property-based (hypothesis), over HTTP as an owner of the campaign (or a superuser in the admin).
The pages are not listed by hand: every URL pattern under dashboard/ is walked, its forms are read
from the page a browser would get, and their fields (plus the query string) are filled with NUL
bytes, lone surrogates, huge and repeated values. In the admin, every registered model's list is
read for its filter and search parameters and sent hostile values for them. The Django test client
re-raises what a view lets escape, so a 500 fails with its traceback.
"""

import datetime
import html.parser
import re
import urllib.parse
import uuid
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.models import ApiKey, Webhook
from campaigns.models import Membership, Role
from events.models import Attendee, Event
from funds.models import Donation
from organisers.models import Invitation, PaperImport
from petitions.models import Signature
from sharing.models import ShortLink
from tests.events.factories import AttendeeFactory, EventFactory
from tests.factories import ConfirmedSignatureFactory
from tests.funds.factories import DonationFactory, FundFactory
from tests.organisers.conftest import _empty_cache, alice  # noqa: F401
from tests.test_hostile_input import NASTY
from tests.updates.factories import UpdateFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.text(st.characters(codec="utf-8"), max_size=80).map(lambda s: s[:40] + "\x00" + s[40:]),
    st.builds(lambda c, n: c * n, st.sampled_from("a\x00 "), st.integers(100, 3000)),
    st.sampled_from(["2026-11-30", "2026-11-30T10:00", "12", "-1", "1e9", "Europe/London", "PE", "on"]),
)
values = st.one_of(hostile, st.lists(hostile, min_size=2, max_size=3))  # a list is a repeated key


def _dashboard_routes(resolver=None, prefix=""):
    """(route, name) for every URL pattern under dashboard/, whichever app adds it."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            for route, name in _dashboard_routes(pattern, prefix + str(pattern.pattern)):
                yield route, namespace + name
        elif isinstance(pattern, URLPattern) and pattern.name:
            route = prefix + str(pattern.pattern)
            if route.startswith("dashboard/"):
                yield route, pattern.name


DASHBOARD = sorted({name for _route, name in _dashboard_routes()})


class _Forms(html.parser.HTMLParser):
    """The forms on a page: their method, action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.forms.append({"method": method, "action": attrs.get("action"), "fields": {}})
        elif tag in ("input", "select", "textarea", "button") and self.forms and attrs.get("name"):
            self.forms[-1]["fields"].setdefault(attrs["name"], attrs.get("type") or tag)


def _forms(page: str) -> list[dict]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


@pytest.fixture
def objects(campaign, statement, alice):  # noqa: F811
    bob = get_user_model().objects.create_user("bob", "bob@example.org", "pw")
    membership = Membership.objects.create(campaign=campaign, user=bob, role=Role.ORGANISER)
    event = EventFactory(campaign=campaign, slug="rally", capacity=50)
    fund = FundFactory(campaign=campaign)
    ConfirmedSignatureFactory(statement=statement, name="Ana Torres", show_publicly=True)
    return {
        "campaign_slug": campaign.slug,
        "statement_slug": statement.slug,
        "event_slug": event.slug,
        "attendee_uuid": AttendeeFactory(event=event, name="Ana Torres").uuid,
        "batch_uuid": PaperImport.objects.create(statement=statement, filename="rally.csv").uuid,
        "update_uuid": UpdateFactory(statement=statement).uuid,
        "donation_uuid": DonationFactory(fund=fund, amount=Decimal("10")).uuid,
        "member_uuid": membership.uuid,
        "invitation_uuid": Invitation.objects.create(
            campaign=campaign,
            email="dora@example.org",
            role=Role.ORGANISER,
            expires_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7),
        ).uuid,
        "slug": ShortLink.objects.create(slug="peru-now", campaign=campaign, statement=statement).slug,
        "key_uuid": ApiKey.objects.create(campaign=campaign, name="CRM", prefix="ck_1", digest="d" * 64).uuid,
        "webhook_uuid": Webhook.objects.create(campaign=campaign, url="https://hooks.example.org/x").uuid,
    }


def _url(name: str, objects: dict) -> str:
    """The page's address for the objects above; a page added later for other objects gets ids that
    match nothing (a 404 is still an answer to test) until this fixture learns about it."""
    route = next(route for route, n in _dashboard_routes() if n == name)
    kwargs = {}
    for key in re.findall(r"<\w+:(\w+)>", route):
        if key in objects:
            kwargs[key] = objects[key]
        elif f"<uuid:{key}>" in route:
            kwargs[key] = uuid.uuid4()
        else:
            kwargs[key] = "nothing-here"
    return reverse(name, kwargs=kwargs)


def _hostile_csv(data) -> SimpleUploadedFile:
    cells = data.draw(st.lists(hostile, min_size=3, max_size=8))
    header = data.draw(st.sampled_from(["name,email,country", "name,country,consent,signed on", ""]))
    body = header + "\n" + ",".join(cell.replace(",", " ") for cell in cells) + "\n"
    return SimpleUploadedFile("paper.csv", body.encode("utf-8", "surrogatepass"), content_type="text/csv")


def _assert_nothing_stored_with_a_nul():
    for model, fields in [
        (Signature, ["name", "organisation", "role", "location", "email"]),
        (Event, ["title", "description", "venue_name", "address"]),
        (Attendee, ["name", "email"]),
        (Donation, ["reference", "donor_name"]),
    ]:
        for row in model.objects.values_list(*fields):
            assert not any("\x00" in (value or "") for value in row), row


@pytest.mark.parametrize("name", DASHBOARD)
@FUZZ
@given(data=st.data())
def test_it_never_fails_on_hostile_input_to_a_dashboard_page(client, objects, alice, name, data):  # noqa: F811
    client.force_login(alice)
    url = _url(name, objects)
    params = st.sampled_from(["q", "kind", "status", "page", "x"])
    query = data.draw(st.dictionaries(params, values, max_size=3))
    page = client.get(url, query)
    assert page.status_code < 500
    forms = _forms(page.content.decode()) if page.get("Content-Type", "").startswith("text/html") else []
    if not forms:
        body = data.draw(st.dictionaries(st.sampled_from(["q", "x", "confirm"]), values))
        response = client.post(url, body)
        assert response.status_code < 500
    for form in forms:
        fields = {
            field: data.draw(values)
            for field, kind in form["fields"].items()
            if field != "csrfmiddlewaretoken" and kind != "file"
        }
        for field, kind in form["fields"].items():
            if kind == "file":
                fields[field] = _hostile_csv(data)
        action = form["action"] or url
        if form["method"] == "post":
            response = client.post(action, fields)
        else:
            response = client.get(action, fields)
        assert response.status_code < 500, (action, response.status_code)
    _assert_nothing_stored_with_a_nul()


ADMIN_MODELS = sorted(f"{model._meta.app_label}.{model._meta.model_name}" for model in admin.site._registry)


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.params: set[str] = set()

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith("?"):
            self.params.update(urllib.parse.parse_qs(href[1:], keep_blank_values=True))


@pytest.mark.parametrize("label", ADMIN_MODELS)
@FUZZ
@given(data=st.data())
def test_it_never_fails_on_hostile_admin_filters_and_searches(admin_client, objects, settings, label, data):
    settings.MFA_REQUIRED_FOR_STAFF = False
    app_label, model_name = label.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    page = admin_client.get(url)
    assert page.status_code == 200
    links = _Links()
    links.feed(page.content.decode())
    params = sorted(links.params | {"q", "o", "p", "e", "_facets"})
    query = data.draw(st.dictionaries(st.sampled_from(params), values, min_size=1, max_size=3))

    response = admin_client.get(url, query)
    action = admin_client.post(
        url,
        {"action": data.draw(values), "_selected_action": data.draw(values), "index": "0"},
    )

    assert response.status_code < 500
    assert action.status_code < 500


def test_it_searches_the_door_list_as_if_the_nul_were_not_there(client, objects, alice):  # noqa: F811
    client.force_login(alice)

    response = client.get("/dashboard/c/peru/events/rally/check-in/?q=Ana%00%20Torr%00es")

    assert response.status_code == 200
    assert response.context["query"] == "Ana Torres"
    assert [attendee.name for attendee in response.context["attendees"]] == ["Ana Torres"]


def test_it_filters_and_searches_the_admin_lists_with_a_nul_in_the_value(admin_client, objects, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False

    filtered = admin_client.get("/admin/petitions/signature/?status__exact=confirm%00ed")
    searched = admin_client.get("/admin/safety/auditentry/?q=a%00b&action=x%00")

    assert (filtered.status_code, searched.status_code) == (200, 200)
    assert [signature.name for signature in filtered.context["cl"].result_list] == ["Ana Torres"]
