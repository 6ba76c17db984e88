"""What the web server and the Celery processes need before they start serving.

In production mode (DJANGO_DEBUG off) the settings load without DJANGO_SECRET_KEY, so that
management commands which sign nothing (migrate, createsuperuser, setup_moderators, demo, …) run
with only the database configured. Anything that signs (sessions, confirmation links, password
resets) needs the key: the processes that do so refuse to start without it.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING = "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production mode)."


def require_secret_key() -> None:
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to read an empty SECRET_KEY
        key = ""
    if not key:
        raise ImproperlyConfigured(MISSING)
