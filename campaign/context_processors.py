from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info

from petitions.signup import TRACKING_PARAMETERS

from .i18n import is_language_neutral


def site(request):
    return {"SITE_URL": settings.SITE_URL, "ORGANISER_SIGNUP_OPEN": settings.ORGANISER_SIGNUP_OPEN}


def alternates(request) -> list[dict]:
    """This page in each language: code, local name, path, absolute URL, and whether it is shown.

    Empty for pages whose URL carries no language (the dashboard, accounts): the language switch
    there sets the language cookie instead.
    """
    if is_language_neutral(request.path):
        return []
    paths = {code: translate_url(request.path, code) for code, _name in settings.LANGUAGES}
    if len(set(paths.values())) < len(paths):
        return []
    # The switch keeps the query (a search, a page number) but not where the visitor came from,
    # which the statement page gets per visitor: so that page stays the same for every visitor.
    kept = request.GET.copy()
    for name in TRACKING_PARAMETERS:
        kept.pop(name, None)
    query = kept.urlencode()
    current = get_language()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "path": f"{path}?{query}" if query else path,
            "url": settings.SITE_URL + path,
            "current": code == current,
        }
        for code, path in paths.items()
    ]


def languages(request):
    return {"language_alternates": SimpleLazyObject(lambda: alternates(request))}
