"""No slug an organiser or moderator can choose shadows another page of the site.

The walk below builds, for every routed URL pattern (with and without a language prefix), the address
one of its slugs would give, with that slug set to each word another page uses at the same place.
Wherever the address then reaches another page, that word must be refused as a slug.
"""

import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils import translation

from campaign.slugs import is_reserved, url_pattern_chains, validate_not_reserved
from campaigns.models import Campaign
from events.models import Event
from petitions.models import Statement
from sharing.models import ShortLink
from tests.factories import CampaignFactory, StatementFactory

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
SAMPLE = {"uuid": str(uuid.UUID(int=1)), "int": "1"}
SLUG_CONVERTERS = {None, "str", "slug"}


def _routes():
    """(route, [segments as written]) for every pattern whose chain is plain routes (not the admin's
    regular expressions), with the language prefix of the active language."""
    for chain in url_pattern_chains():
        parts = []
        for pattern in chain:
            if isinstance(pattern, LocalePrefixPattern):
                parts.append(pattern.language_prefix)
            elif isinstance(pattern, RoutePattern):
                parts.append(str(pattern))
            else:
                break
        else:
            route = "".join(parts)
            yield route, route.split("/")


def _fill(segments: list[str], index: int | None = None, word: str = "") -> str:
    def value(match):
        return SAMPLE.get(match.group(1), "x-sample")

    filled = [word if i == index else PARAMETER.sub(value, segment) for i, segment in enumerate(segments)]
    return "/" + "/".join(filled)


def _resolved_route(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _words_by_position(routes) -> dict[int, set[str]]:
    words: dict[int, set[str]] = {}
    for _route, segments in routes:
        for index, segment in enumerate(segments):
            if segment and "<" not in segment:
                words.setdefault(index, set()).add(segment)
    return words


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_routes_every_page_to_itself_when_its_slugs_are_not_reserved(language):
    with translation.override(language):
        routes = list(_routes())
    assert len(routes) > 50
    assert any(route.startswith("es/c/") for route, _segments in routes) == (language == "es")

    with translation.override(language):
        for route, segments in routes:
            assert _resolved_route(_fill(segments)) == route, route


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_refuses_every_slug_that_would_reach_another_page(language):
    with translation.override(language):
        routes = list(_routes())
        words = _words_by_position(routes)
        shadowing = set()
        for route, segments in routes:
            for index, segment in enumerate(segments):
                match = PARAMETER.fullmatch(segment)
                if not match or match.group(1) not in SLUG_CONVERTERS:
                    continue
                for word in words.get(index, ()):
                    if _resolved_route(_fill(segments, index, word)) not in (route, None):
                        shadowing.add(word)

    assert {"events", "new"} <= shadowing  # a statement "events", an event "new"
    assert not {word for word in shadowing if not is_reserved(word)}


def test_it_reserves_the_language_prefixes():
    assert is_reserved("es") and is_reserved("EN")


def test_it_leaves_ordinary_slugs_alone():
    for slug in ("peru", "free-the-detained", "rally-2026"):
        validate_not_reserved(slug)


@pytest.mark.parametrize("slug", ["events", "dashboard", "new", "es", "check-your-email"])
def test_a_campaign_statement_or_event_with_a_reserved_slug_is_refused_on_its_slug_field(db, slug):
    campaign = CampaignFactory(slug="peru")
    objects = [
        Campaign(slug=slug, title="A campaign"),
        Statement(campaign=campaign, slug=slug, title="A statement", body="Text"),
        Event(campaign=campaign, slug=slug, title="An event"),
    ]

    for instance in objects:
        with pytest.raises(ValidationError) as error:
            instance.full_clean()  # what the admin's and the dashboard's model forms call
        assert "site's own pages" in str(error.value.message_dict["slug"])


@pytest.mark.parametrize("slug", ["events", "admin", "dashboard", "es", "s"])
def test_a_short_link_with_a_reserved_slug_is_refused(db, slug):
    link = ShortLink(slug=slug, statement=StatementFactory())

    with pytest.raises(ValidationError) as error:
        link.full_clean()
    assert "site's own pages" in str(error.value.message_dict["slug"])
