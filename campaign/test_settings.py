"""Test settings: the real settings, with the environment's services, plus a few test-only choices."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("CACHE_KEY_PREFIX", "campaign-test")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Unit tests run tasks in-process; the end-to-end tests switch this off and use a real worker.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Tests log staff in with force_login; the two-factor rule for staff has its own tests, which turn it on.
MFA_REQUIRED_FOR_STAFF = False

# Moderation: unit tests sign many times from one address within milliseconds of rendering; the
# tests of the abuse controls turn them on. Set in the environment so the end-to-end servers agree.
os.environ.setdefault("SIGNING_MIN_FILL_SECONDS", "0")
os.environ.setdefault("SIGNING_RATE_LIMITS_ENABLED", "0")
SIGNING_MIN_FILL_SECONDS = float(os.environ["SIGNING_MIN_FILL_SECONDS"])
SIGNING_RATE_LIMITS_ENABLED = os.environ["SIGNING_RATE_LIMITS_ENABLED"] == "1"
# Tests sign from one address all session long; the tests of the cap turn it on.
os.environ.setdefault("MAIL_CAP_PER_IP_PER_HOUR", "0")
MAIL_CAP_PER_IP_PER_HOUR = int(os.environ["MAIL_CAP_PER_IP_PER_HOUR"])
# Unit tests send outbox mail in-process after each commit, whatever REDIS_URL says.
OUTBOX_SEND_ON_COMMIT = True
