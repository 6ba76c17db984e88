"""The platform as account emails name it: its name and address come from SITE_NAME and SITE_URL.

Never from the request: a request may arrive with any Host the site answers to (DJANGO_ALLOWED_HOSTS),
and a password reset link must not point wherever the person who asked for it chose.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings

# Context keys in allauth's account emails that hold an absolute link.
LINK_KEYS = ("activate_url", "password_reset_url", "signup_url")


def domain() -> str:
    return urlsplit(settings.SITE_URL).netloc or "localhost"


def current_site() -> SimpleNamespace:
    """What allauth's templates read as `current_site` (name and domain), from the settings."""
    return SimpleNamespace(name=settings.SITE_NAME, domain=domain())


def on_site(url: str) -> str:
    """The same path and query on SITE_URL, whatever scheme and host the link was built with."""
    bits = urlsplit(url)
    return settings.SITE_URL + bits.path + (f"?{bits.query}" if bits.query else "")


def account_mail_context(context: dict) -> dict:
    """An account email's context with the platform's name and every link on SITE_URL."""
    context = {**context, "current_site": current_site()}
    for key in LINK_KEYS:
        if context.get(key):
            context[key] = on_site(context[key])
    return context


def sync_site(using: str = "default", **_kwargs) -> None:
    """Make the Site record (SITE_ID) carry SITE_URL's host and the platform's name.

    Runs after every `migrate` (post_migrate), so a changed SITE_URL is picked up at the next deploy.
    """
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain()[:100], "name": settings.SITE_NAME[:50]}
    )
    Site.objects.clear_cache()
