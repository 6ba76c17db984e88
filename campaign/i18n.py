"""The language of a page, from its URL: /es/c/peru/ is Spanish, /c/peru/ English.

Django's i18n_patterns(prefix_default_language=False) gives this for public pages. Two things it
does not: the dashboard, accounts and admin (whose URLs carry no language) read the visitor's
choice from the language cookie; and an organiser's page reached from a public app's URLs
(/dashboard/c/peru/events/) resolves whatever language is active, with or without a prefix.
"""

import functools

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import LocalePrefixPattern, Resolver404, URLResolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import translation
from django.utils.module_loading import import_string


class LanguagePrefix(LocalePrefixPattern):
    """Reversed with the active language's prefix ("es/", none for English); resolves either."""

    def __init__(self):
        super().__init__(prefix_default_language=False)

    def match(self, path):
        for code, _name in settings.LANGUAGES:
            if code != settings.LANGUAGE_CODE and path.startswith(f"{code}/"):
                return path.removeprefix(f"{code}/"), (), {}
        return path, (), {}


def language_patterns(*urls) -> list[URLResolver]:
    return [URLResolver(LanguagePrefix(), list(urls))]


def _prefixes(patterns) -> list[str]:
    """The fixed start of each pattern's route, looking into includes mounted at "" (an app's namespace)."""
    prefixes = []
    for pattern in patterns:
        route = str(pattern.pattern).split("<")[0] if isinstance(pattern.pattern, RoutePattern) else ""
        if route:
            prefixes.append(route)
        elif isinstance(pattern, URLResolver):
            prefixes.extend(_prefixes(pattern.url_patterns))
    return prefixes


@functools.cache
def _neutral(urlconf: str) -> tuple[tuple[str, ...], URLResolver]:
    patterns = import_string(urlconf + ".language_neutral")
    return tuple(_prefixes(patterns)), URLResolver(RegexPattern(r"^/"), patterns)


def is_language_neutral(path: str) -> bool:
    """Whether the path is a page whose URL carries no language (ROOT_URLCONF.language_neutral):
    one of those, or under one of their prefixes (/dashboard/… pages of the public apps)."""
    prefixes, resolver = _neutral(settings.ROOT_URLCONF)
    if path.lstrip("/").startswith(prefixes):
        return True
    try:
        resolver.resolve(path)
    except Resolver404:
        return False
    return True


@functools.lru_cache(maxsize=512)
def _neutral_path(urlconf: str, path: str) -> bool:
    """is_language_neutral() for a path asked about before: the middleware asks twice a request, and
    for a public page the answer takes a failed resolve among the language-neutral URLs."""
    return is_language_neutral(path)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Public pages take their language from the URL; the dashboard, accounts and admin from the
    language cookie or the browser (Django's own middleware would make every unprefixed URL English,
    leaving organisers no way to read the dashboard in Spanish)."""

    def process_request(self, request):
        if translation.get_language_from_path(request.path_info) or not _neutral_path(
            settings.ROOT_URLCONF, request.path_info
        ):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        # A public page's language is its URL's, whatever the browser asks for: no Vary:
        # Accept-Language, which would make a shared cache keep a copy per browser language.
        if _neutral_path(settings.ROOT_URLCONF, request.path_info):
            return super().process_response(request, response)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
