"""The language of a page, from its URL: /es/c/peru/ is Spanish, /c/peru/ English.

Django's i18n_patterns(prefix_default_language=False) gives this for public pages. Two things it
does not: the dashboard, accounts and admin (whose URLs carry no language) read the visitor's
choice from the language cookie; and an organiser's page reached from a public app's URLs
(/dashboard/c/peru/events/) resolves whatever language is active, with or without a prefix.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import LocalePrefixPattern, URLResolver
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


def is_language_neutral(path: str) -> bool:
    """Whether the path is a page whose URL carries no language (ROOT_URLCONF.language_neutral)."""
    neutral = import_string(settings.ROOT_URLCONF + ".language_neutral")
    prefixes = tuple(str(pattern.pattern) for pattern in neutral)
    return path.lstrip("/").startswith(prefixes)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Public pages take their language from the URL; the dashboard, accounts and admin from the
    language cookie or the browser (Django's own middleware would make every unprefixed URL English,
    leaving organisers no way to read the dashboard in Spanish)."""

    def process_request(self, request):
        if translation.get_language_from_path(request.path_info) or not is_language_neutral(
            request.path_info
        ):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None
