"""Reserved slugs: no campaign, statement, event or short link may take a name the site routes itself.

A statement called "events" would otherwise get /c/<campaign>/events/, where the event pages already
live, and its own pages would answer 404. The reserved words are read from the URL patterns
themselves (every literal path segment, and every language prefix), so a page added later is
protected without anyone remembering to list it here.
"""

import functools
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils.translation import gettext_lazy as _

_CONVERTER = re.compile(r"<[^>]+>")
_LITERAL = re.compile(r"^[\w.-]+$")
_ALTERNATIVES = re.compile(r"\(\?P<\w+>([\w|.-]+)\)")


def url_pattern_chains(patterns=None, prefix=()):
    """Every routed URL pattern, as the chain of patterns from the root that leads to it."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from url_pattern_chains(entry.url_patterns, (*prefix, entry.pattern))
        else:
            yield (*prefix, entry.pattern)


def pattern_segments(pattern) -> set[str]:
    """The literal path segments one pattern matches (lower case)."""
    if isinstance(pattern, LocalePrefixPattern):
        return {code.lower() for code, _name in settings.LANGUAGES}
    if isinstance(pattern, RoutePattern):
        parts = _CONVERTER.sub("", str(pattern)).split("/")
        return {part.lower() for part in parts if part and "<" not in part}
    # A regular expression (the admin's): its plain segments and the words of (?P<x>a|b) groups.
    words = {word.lower() for group in _ALTERNATIVES.findall(str(pattern)) for word in group.split("|")}
    text = str(pattern).removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    words |= {part.lower() for part in text.split("/") if _LITERAL.fullmatch(part)}
    return words


@functools.cache
def reserved() -> frozenset[str]:
    words = {
        segment
        for chain in url_pattern_chains()
        for pattern in chain
        for segment in pattern_segments(pattern)
    }
    words |= {code.lower() for code, _name in settings.LANGUAGES}
    for url in (settings.STATIC_URL, getattr(settings, "MEDIA_URL", "")):
        words |= {part.lower() for part in (url or "").split("/") if part and ":" not in part}
    return frozenset(words)


def is_reserved(slug: str) -> bool:
    return (slug or "").strip().lower() in reserved()


def validate_not_reserved(slug: str) -> None:
    if is_reserved(slug):
        raise ValidationError(
            _("“%(slug)s” is the address of one of the site's own pages. Choose another."),
            code="reserved",
            params={"slug": slug},
        )


class ReservedSlugMixin:
    """For models with a `slug` field: full_clean() (so every model form, the admin's included) refuses
    a reserved slug next to the field, whenever the form edits the slug."""

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "slug" not in (exclude or ()) and "slug" not in errors:
            try:
                validate_not_reserved(self.slug)
            except ValidationError as error:
                errors["slug"] = error.error_list
        if errors:
            raise ValidationError(errors)


def free_slug(base: str, taken) -> str:
    """`base`, or `base-2`, `base-3`… : the first that is neither reserved nor taken(slug)."""
    slug, n = base, 2
    while is_reserved(slug) or taken(slug):
        slug = f"{base}-{n}"
        n += 1
    return slug
