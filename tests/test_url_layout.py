"""The URL space: every app's pages are named in its own namespace, and the addresses already sent
in emails, embedded on other sites or shared as short links keep opening the same pages, whatever
prefix an app's URLs get later (a moved page needs a redirect from its old address)."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, converters, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils import translation

from campaign import urls as site_urls
from tests.test_import_graph import APPS

TOKEN = "AbC.dEf-123_x:y"


@pytest.mark.parametrize(
    ("path", "view"),
    [
        # In confirmation, update and event emails.
        (f"/confirm/{TOKEN}/", "petitions:confirm"),
        (f"/withdraw/{TOKEN}/", "privacy:withdraw"),
        (f"/unsubscribe/{TOKEN}/", "updates:unsubscribe"),
        (f"/my-place/confirm/{TOKEN}/", "events:confirm"),
        (f"/my-place/{TOKEN}/", "events:attendee"),
        (f"/my-place/{TOKEN}/calendar.ics", "events:attendee_ics"),
        (f"/my-place/{TOKEN}/cancel/", "events:attendee_cancel"),
        ("/privacy/", "privacy:policy"),
        ("/dashboard/invitations/6f1c2b9e-58a4-4d6b-9f5e-2b1f3c4d5e6f/", "organisers:accept_invitation"),
        # Shared, linked and embedded elsewhere.
        ("/c/peru/", "petitions:campaign"),
        ("/c/peru/democracy/", "petitions:statement"),
        ("/c/peru/democracy/count.json", "petitions:statement_count"),
        ("/c/peru/democracy/signatories/", "petitions:signatories"),
        ("/c/peru/events/rally/", "events:event"),
        ("/s/peru", "sharing:short_link"),
        ("/c/peru/share.png", "sharing:campaign_image"),
        ("/c/peru/democracy/share.png", "sharing:statement_image"),
        ("/c/peru/democracy/embed/", "sharing:widget"),
        ("/c/peru/democracy/embed/counter/", "sharing:widget_counter"),
        # The same public pages in Spanish.
        (f"/es/confirm/{TOKEN}/", "petitions:confirm"),
        ("/es/c/peru/democracy/", "petitions:statement"),
        ("/es/c/peru/events/rally/", "events:event"),
    ],
)
def test_addresses_already_sent_keep_opening_their_page(path, view):
    assert resolve(path).view_name == view


def _named_patterns(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else namespace
            yield from _named_patterns(pattern.url_patterns, inner or pattern.namespace or "")
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace, pattern


def test_every_apps_pages_are_named_in_a_namespace():
    unnamespaced = [
        f"{pattern.callback.__module__}: {pattern.name}"
        for namespace, pattern in _named_patterns(get_resolver().url_patterns)
        if not namespace and pattern.callback.__module__.split(".")[0] in APPS
    ]

    # The probes (healthz, readyz, metrics) keep plain names: machines read them, not people.
    assert [entry for entry in unnamespaced if not entry.startswith("monitoring.")] == []


# Where each app lives is said once, in campaign/urls.py: a namespace, and each of the app's URL
# lists under a prefix. Outside that table: the probes (monitoring), the mail provider's webhooks
# (outbox), the admin site's pages (admin/) and the API itself (api/, django-ninja's).
SITE_LEVEL = {"monitoring", "outbox"}
# No campaign, statement or event may take a slug that is a literal segment of a route (campaign.slugs),
# so one sample slug stands for every real one.
SAMPLES = {
    converters.SlugConverter: "sample-slug",
    converters.UUIDConverter: uuid.UUID("6f1c2b9e-58a4-4d6b-9f5e-2b1f3c4d5e6f"),
    converters.StringConverter: TOKEN,
    converters.IntConverter: 7,
}
TABLE = {**site_urls.DASHBOARD_APPS, **site_urls.PUBLIC_APPS}
TABLE_LISTS = [part for parts in TABLE.values() for part in parts]


def _app(view) -> str:
    return view.__module__.split(".")[0]


def _leaves(patterns, route="", mounts=()):
    """(route from the site's root, the table's lists it sits in with their routes, pattern) for every
    page; the language prefix counts as no route (English)."""
    for pattern in patterns:
        if isinstance(pattern.pattern, LocalePrefixPattern):
            here = route
        else:
            here = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inside = [(here, urls) for _prefix, urls in TABLE_LISTS if pattern.url_patterns is urls]
            yield from _leaves(pattern.url_patterns, here, (*mounts, *inside))
        else:
            yield here, mounts, pattern


def test_each_namespace_holds_one_apps_pages():
    for namespace, parts in TABLE.items():
        apps = {_app(pattern.callback) for _prefix, urls in parts for pattern in urls}
        assert len(apps) == 1, f"{namespace} holds the pages of {sorted(apps)}"


def test_each_apps_pages_are_mounted_only_under_the_prefixes_the_table_gives_it():
    seen = []
    for route, mounts, pattern in _leaves(get_resolver().url_patterns):
        app = _app(pattern.callback)
        if app not in APPS or app in SITE_LEVEL or route.startswith("admin/"):
            continue
        assert len(mounts) == 1, f"{route} ({app}) is mounted outside campaign/urls.py's table"
        ((mounted_at, urls),) = mounts
        assigned = [prefix for prefix, listed in TABLE_LISTS if listed is urls]
        assert mounted_at == assigned[0], f"{route} is mounted at {mounted_at}, not {assigned[0]}"
        seen.append(urls)
    # Every list of the table is mounted, each once.
    for prefix, urls in TABLE_LISTS:
        assert sum(1 for listed in seen if listed is urls) == len(urls), prefix


def _named_pages():
    """(namespace:name, app, sample kwargs) for every named page of the table."""
    for route, _mounts, pattern in _leaves(get_resolver().url_patterns):
        for namespace, parts in TABLE.items():
            if pattern.name and any(pattern in urls for _prefix, urls in parts):
                kwargs = {
                    name: SAMPLES[type(converter)]
                    for name, converter in RoutePattern(route).converters.items()
                }
                yield f"{namespace}:{pattern.name}", _app(pattern.callback), kwargs


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_apps_page_is_shadowed_by_another_apps_pattern(language):
    pages = list(_named_pages())
    assert len(pages) > 60

    with translation.override(language):
        for name, app, kwargs in pages:
            found = resolve(reverse(name, kwargs=kwargs))

            assert found.view_name == name
            assert _app(found.func) == app
            assert {key: found.kwargs[key] for key in kwargs} == kwargs
