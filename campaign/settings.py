"""Settings, read from the environment (12-factor).

With nothing set, the site runs embedded: SQLite, Celery tasks run in-process, emails printed to the
console. Set DATABASE_URL, REDIS_URL and EMAIL_URL to run on PostgreSQL, Redis/Celery and SMTP.
"""

from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from campaign import esp

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

# Reading order: the site; apps and middleware; database, Redis and Celery; email; accounts;
# languages and static files; security; then each domain (signing, events, updates, funds, outbox,
# API); operations (logs, probes, metrics, errors); and last the one schedule of periodic tasks.


# --- The site: mode, secret key, addresses -------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Required in production mode by the web server and the Celery processes (campaign.startup), not by
# management commands that sign nothing: createsuperuser, migrate, setup_moderators… run without it.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-only-for-DJANGO_DEBUG"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The platform's name, as account emails, their subjects and authenticator apps show it.
SITE_NAME = env.str("SITE_NAME", default="Solidarity campaigns")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[SITE_URL])


# --- Apps, middleware, URLs, templates -----------------------------------------------------------
INSTALLED_APPS = [
    # The admin, with the moderation queues' counts on its index (moderation/admin_site.py).
    "moderation.admin_site.ModerationAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django_countries",
    "anymail",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # The project itself: settings, URLs, the shared helpers, the project-wide commands (demo).
    "campaign",
    "outbox",
    "campaigns",
    "safety",
    "petitions",
    "organisers",
    "events",
    "monitoring",
    "moderation",
    "updates",
    "privacy",
    "funds",
    "sharing",
    # Only for its bundled Swagger UI files: the API's schema page loads nothing from a CDN.
    "ninja",
    "api",
]

MIDDLEWARE = [
    # First, so that every later reader of REMOTE_ADDR (signing, allauth's rate limits) gets the client.
    "safety.abuse.TrustedProxyMiddleware",
    "monitoring.middleware.ProbeMiddleware",
    "monitoring.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "campaign.middleware.UnstorableQueryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "campaign.i18n.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "organisers.middleware.StaffMFAMiddleware",
    "campaign.middleware.DatabaseUnavailableMiddleware",
    # Logs every request made with an API key (after the answer, so with its status).
    "api.middleware.KeyUseLogMiddleware",
]

ROOT_URLCONF = "campaign.urls"
WSGI_APPLICATION = "campaign.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "campaign.context_processors.site",
                "campaign.context_processors.languages",
            ],
        },
    },
]


# --- Database, Redis, Celery ---------------------------------------------------------------------
# PostgreSQL from DATABASE_URL, else an embedded SQLite file in var/.
_database_url = env.str("DATABASE_URL", default="")
if not _database_url:
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": environ.Env.db_url_config(_database_url or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections: opening one per request costs 3-4x on the signing path.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis carries the Celery broker, the cache and the rate limits.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis outage makes the cache answer as if empty instead of failing requests.
            "BACKEND": "campaign.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="campaign"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery. Without a broker the tasks run in-process, so the embedded site works alone.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queueing a task tries the broker once (max_retries 0): otherwise kombu retries the connection
# for broker_connection_timeout (4 s) while Redis is down. No mail depends on it (see the outbox).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2, "max_retries": 0}
# Keep the worker's database connection between tasks (the Django fix-up closes it otherwise).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# Outbox senders have a queue of their own (a worker with `-Q outbox`).
CELERY_TASK_ROUTES = {"outbox.tasks.send_outbox": {"queue": "outbox"}}


# --- Email ---------------------------------------------------------------------------------------
# Email: an email provider's API (campaign/esp.py), SMTP, or any backend from EMAIL_URL; else
# printed to the console running the site.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
_provider = esp.provider(EMAIL_URL)
_email = {"EMAIL_BACKEND": _provider.backend} if _provider else environ.Env.email_url_config(EMAIL_URL)
_email_options = {}
# Bounce and complaint webhooks (/anymail/<provider>/tracking/) answer only with this HTTP Basic
# "user:password", and are not routed at all without it: forged bounces would silence addresses.
ANYMAIL = {
    **(_provider.anymail if _provider else {}),
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default=""),
}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _email["EMAIL_BACKEND"] = "outbox.backends.SMTPBackend"
    _email_options = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"] or None,
        "password": _email["EMAIL_HOST_PASSWORD"] or None,
        "use_tls": bool(_email.get("EMAIL_USE_TLS")),
        "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
        "timeout": 10,
    }
elif _email["EMAIL_BACKEND"].endswith("console.EmailBackend"):
    _email["EMAIL_BACKEND"] = "outbox.backends.ReadableConsoleBackend"
elif _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    _email_options = {"file_path": _email["EMAIL_FILE_PATH"]}
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# DKIM signing by the platform (all three set): the PEM private key (or a file holding it), the
# selector and the domain of the DNS record `<selector>._domainkey.<domain>` with the public key.
DKIM_PRIVATE_KEY = env.str("DKIM_PRIVATE_KEY", default="")
DKIM_SELECTOR = env.str("DKIM_SELECTOR", default="")
DKIM_DOMAIN = env.str("DKIM_DOMAIN", default="")


# --- Accounts (allauth), organisers, two-factor authentication ----------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
SITE_ID = 1
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"

ACCOUNT_ADAPTER = "organisers.adapter.AccountAdapter"
# allauth's login rate limits (ACCOUNT_RATE_LIMITS) stay at their defaults: never set it to False.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# Staff (moderators, admins) must have TOTP turned on before they can use admin or the dashboard.
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=True)
# Anyone may create an organiser account; otherwise only people holding a valid invitation.
ORGANISER_SIGNUP_OPEN = env.bool("ORGANISER_SIGNUP_OPEN", default=False)
ORGANISER_INVITATION_DAYS = 7
# Statements created by organisers who are not staff stay off the public site until approved.
ORGANISER_CONTENT_NEEDS_APPROVAL = env.bool("ORGANISER_CONTENT_NEEDS_APPROVAL", default=True)
# Paper signatures: the largest CSV file accepted, and the most rows in one file.
PAPER_IMPORT_MAX_BYTES = 2 * 1024 * 1024
PAPER_IMPORT_MAX_ROWS = 10_000


# --- Languages, time, static files ---------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}


# --- Security: request limits, Content Security Policy, cookies, HTTPS ---------------------------
# Request body limit: a signature is a few hundred bytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=256 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# Content Security Policy (Django's built-in): no inline scripts or styles anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# --- Signing: confirmation, mail caps, totals, abuse controls ------------------------------------
# How long a confirmation link stays valid, and how often one signature may be mailed.
CONFIRM_TOKEN_MAX_AGE = env.int("CONFIRM_TOKEN_MAX_AGE", default=30 * 24 * 3600)
MAX_MAILS_PER_SIGNATURE = 3
# Mails to one address about one statement in a day, whatever was submitted: the only thing that
# keeps the owner of an address from getting the mail for a submission in their name.
MAX_MAILS_PER_ADDRESS_PER_DAY = 3
# Key for hashing signers' IP addresses; the addresses themselves are never stored.
IP_HASH_KEY = env.str("IP_HASH_KEY", default=SECRET_KEY)

# The tally adds new confirmations to the totals this often; the recount redoes them from scratch.
TALLY_INTERVAL_SECONDS = env.float("TALLY_INTERVAL_SECONDS", default=2.0)
RECOUNT_INTERVAL_SECONDS = env.float("RECOUNT_INTERVAL_SECONDS", default=24 * 3600.0)
# In-process mode has no beat: the tally runs right after each confirmation instead.
TALLY_ON_CONFIRM = CELERY_TASK_ALWAYS_EAGER
# The statement page from the cache (petitions/pagecache.py): anonymous visitors get a copy up to
# this many seconds old without a database query (the total lags the tally by as much anyway). 0 in
# DEBUG: edits show at once.
STATEMENT_PAGE_FRESH_SECONDS = 0 if DEBUG else 2
# How long a shared cache (the compose file's nginx, a CDN) may serve the anonymous statement page
# (Cache-Control s-maxage). Short: the total shown lags by as much, and the form's start time
# (the minimum fill time) is that of the cached copy, so it can be up to this much too early.
STATEMENT_PAGE_SHARED_SECONDS = 5

# How many reverse proxies in front of the site append to X-Forwarded-For. 0: the header is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# A signing form sent back faster than this (seconds after it was rendered) is flagged for moderators.
SIGNING_MIN_FILL_SECONDS = env.float("SIGNING_MIN_FILL_SECONDS", default=3.0)
# Per statement, in Redis: "attempts/seconds" windows; over any of them the signature is held.
# Modelled on the UK Parliament petitions site: a short burst, then a few more per five minutes.
SIGNING_RATE_LIMITS_ENABLED = env.bool("SIGNING_RATE_LIMITS_ENABLED", default=True)


def _windows(value: str) -> list[tuple[int, int]]:
    return [tuple(int(n) for n in window.split("/")) for window in value.split(",") if window.strip()]


SIGNING_RATE_LIMITS_PER_IP = _windows(env.str("SIGNING_RATE_LIMITS_PER_IP", default="5/60,10/300"))
SIGNING_RATE_LIMITS_PER_DOMAIN = _windows(env.str("SIGNING_RATE_LIMITS_PER_DOMAIN", default="30/60,100/300"))
# Mails one IP address may make the platform send by anonymous submissions (signing, event sign-ups)
# in a rolling hour, whatever the addresses; further submissions are held for a moderator, unmailed.
# Many people can share one address (offices, mobile carriers): their releases mail them. 0: no cap.
MAIL_CAP_PER_IP_PER_HOUR = env.int("MAIL_CAP_PER_IP_PER_HOUR", default=30)
# Big webmail providers: rate limited per IP only, never per domain.
# fmt: off
RATE_LIMIT_DOMAIN_ALLOWLIST = frozenset([
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.es",
    "outlook.es", "live.com", "msn.com", "yahoo.com", "yahoo.co.uk", "yahoo.es", "icloud.com",
    "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "web.de", "mail.ru",
    "yandex.ru", "btinternet.com", "sky.com", "virginmedia.com",
])
# fmt: on
# The admin's trending view lists, per statement, the last hour's IPs and domains at or over these.
TRENDING_MIN_PER_IP = 5
TRENDING_MIN_PER_DOMAIN = 20


# --- Events: reminders, mail cap, tally -----------------------------------------------------------
# Reminders before an event starts, in minutes (24 hours and 1 hour), unless the event sets its own.
EVENT_REMINDER_OFFSETS_MINUTES = [24 * 60, 60]
# How far ahead the reminder task looks (the longest reminder an event may set).
EVENT_REMINDER_MAX_DAYS = 31
# How often one attendee's "your place" email may be sent again by signing up again.
MAX_MAILS_PER_ATTENDEE = 3
# How long a place is kept for someone who signed up, while their confirmation email is pending.
EVENT_PLACE_HOLD_MINUTES = env.int("EVENT_PLACE_HOLD_MINUTES", default=15)
# The tally recounts an event again this long after its last change (changes still committing).
EVENT_TALLY_LAG_SECONDS = 30


# --- Updates to signers, and signers' data rights -------------------------------------------------
# Updates fall due in the outbox this many emails every UPDATES_BATCH_SECONDS (a throttle that keeps
# within the mail server's and receiving providers' limits): 50 per 10 s is 18,000 an hour.
UPDATES_BATCH_SIZE = 50
UPDATES_BATCH_SECONDS = 10.0
# Closed statements have their signers' personal data replaced this many days after closing.
ANONYMISE_AFTER_DAYS = 183
# Shown on the privacy page for requests about personal data; nothing is shown if empty.
PRIVACY_CONTACT_EMAIL = ""


# --- Fighting funds, sharing, short links and the embeddable widget ---------------------------
# Sites that may frame the widget (/c/<campaign>/<statement>/embed/…); no other page may be framed.
EMBED_FRAME_ANCESTORS = ["*"]
# How long a widget's signing form stays valid (its own signed, single-use token: see sharing.widgets).
WIDGET_FORM_MAX_AGE = 2 * 3600
# Stripe Checkout / Payment Links: the webhook endpoint's signing secret ("whsec_…"); without it
# the webhook URL answers 404 and online donations are recorded by hand like any other.
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_WEBHOOK_TOLERANCE = 300


# --- The outbox: how every email leaves the platform (outbox/) -----------------------------------
# Senders are Celery tasks on the "outbox" queue (run a worker with `-Q outbox`); beat starts
# OUTBOX_SENDERS of them every OUTBOX_SENDER_SECONDS, each sending for that long.
OUTBOX_SENDERS = env.int("OUTBOX_SENDERS", default=2)
OUTBOX_SENDER_SECONDS = env.float("OUTBOX_SENDER_SECONDS", default=60.0)
# An idle sender looks for due mail this often (the signing request never wakes it: no broker there).
OUTBOX_POLL_SECONDS = env.float("OUTBOX_POLL_SECONDS", default=0.5)
# A claimed row is the sender's for this long; if the sender dies it becomes claimable again after.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=120)
# How many due mails a sender claims at a time (a busy sender keeps its SMTP connection across batches).
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=100)
# Temporary failures are retried after 30 s, 60 s, 120 s, ... at most an hour apart, 10 times.
OUTBOX_RETRY_SECONDS = 30
OUTBOX_RETRY_MAX_SECONDS = 3600
OUTBOX_MAX_ATTEMPTS = 10
# Sent, failed and dropped messages are deleted this many days after they were queued (at least 2);
# the dashboard's and /metrics' counts keep them (outbox.PurgedCount). Beat purges every hour.
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=30)
# Embedded mode has no workers: mail is sent in-process right after the commit that enqueued it.
OUTBOX_SEND_ON_COMMIT = not REDIS_URL


# --- The organisers' API (OSDI 1.1) and its keys ---------------------------------------------------
# Largest page a client may ask for with per_page; OSDI's default page is 25.
API_MAX_PER_PAGE = 500
# How long a webhook receiver has to answer a delivery before it is retried later.
WEBHOOK_TIMEOUT_SECONDS = 5
# Only for tests and local development: lets webhooks go to http:// and private addresses.
WEBHOOKS_ALLOW_LOCAL = False


# --- Operations: logs, probes, metrics, errors (monitoring/) --------------------------------------
# Logs go to stderr; with LOG_JSON, one JSON object per line with the request id (or Celery task
# id), plus one line per request (method, route pattern, status, duration) for log pipelines.
LOG_JSON = env.bool("LOG_JSON", default=False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "monitoring.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "monitoring.logs.JsonLogFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if LOG_JSON else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "monitoring.requests": {"level": "INFO" if LOG_JSON else "WARNING"},
    },
}
# The worker keeps these handlers instead of installing its own plain ones.
CELERY_WORKER_HIJACK_ROOT_LOGGER = not LOG_JSON

# Beat queues a heartbeat this often; a worker records it in Redis for /readyz.
HEARTBEAT_SECONDS = env.float("HEARTBEAT_SECONDS", default=30.0)
# /readyz fails when the last heartbeat is older than this (beat or every worker stopped) ...
READYZ_BEAT_MAX_AGE = env.int("READYZ_BEAT_MAX_AGE", default=120)
# ... or when a mail has been due and unsent for longer than this (senders stopped or too slow).
READYZ_MAIL_MAX_AGE = env.int("READYZ_MAIL_MAX_AGE", default=900)
# /metrics answers a bearer METRICS_TOKEN, or clients in METRICS_ALLOWED_IPS (addresses or networks,
# after TRUSTED_PROXY_COUNT); with neither set, nobody. Everyone else gets a 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
# Errors go to Sentry when SENTRY_DSN is set, without signers' emails or IPs (monitoring/sentry.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from monitoring.sentry import init as init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )


# --- Periodic tasks: the one schedule beat runs (exactly one beat per deployment) -----------------
CELERY_BEAT_SCHEDULE = {
    "tally-signatures": {
        "task": "petitions.tasks.tally_all",
        "schedule": TALLY_INTERVAL_SECONDS,
        "options": {"expires": 10},
    },
    "recount-signatures": {"task": "petitions.tasks.recount_all", "schedule": RECOUNT_INTERVAL_SECONDS},
    "events-queue-due-reminders": {
        "task": "events.tasks.queue_due_reminders",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "events-release-expired-places": {
        "task": "events.tasks.release_expired_places",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    "events-tally": {"task": "events.tasks.tally_all", "schedule": 10.0, "options": {"expires": 30}},
    "events-recount": {"task": "events.tasks.recount_all", "schedule": RECOUNT_INTERVAL_SECONDS},
    "privacy-anonymise-closed-statements": {
        "task": "privacy.tasks.anonymise_closed_statements",
        "schedule": 3600.0,
        "options": {"expires": 600},
    },
    "tally-funds": {"task": "funds.tasks.tally_all", "schedule": 10.0, "options": {"expires": 30}},
    "outbox-start-senders": {
        "task": "outbox.tasks.start_senders",
        "schedule": OUTBOX_SENDER_SECONDS,
        "options": {"expires": OUTBOX_SENDER_SECONDS},
    },
    "outbox-purge-finished": {
        "task": "outbox.tasks.purge_finished",
        "schedule": 3600.0,
        "options": {"expires": 600},
    },
    # Webhooks go through the outbox on their own channel: beat starts a sender for it like for mail.
    "api-webhook-sender": {
        "task": "outbox.tasks.send_outbox",
        "schedule": OUTBOX_SENDER_SECONDS,
        "kwargs": {"channel": "webhook"},
        "options": {"expires": OUTBOX_SENDER_SECONDS},
    },
    "monitoring-heartbeat": {
        "task": "monitoring.tasks.heartbeat",
        "schedule": HEARTBEAT_SECONDS,
        "options": {"expires": HEARTBEAT_SECONDS},
    },
}
