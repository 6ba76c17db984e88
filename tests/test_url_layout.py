"""The URL space: every app's pages are named in its own namespace, and the addresses already sent
in emails, embedded on other sites or shared as short links keep opening the same pages, whatever
prefix an app's URLs get later (a moved page needs a redirect from its old address)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

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
