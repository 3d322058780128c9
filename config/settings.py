"""Django settings for Warrant.

Every setting that differs between a laptop and production is read from the
environment (see README, "Configuration"). Defaults are safe: DEBUG is off
unless asked for, and production hardening follows from DEBUG being off.
"""

import secrets
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_networks,
    env_seconds_list,
    env_str,
    env_time_zone,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
# load_demo makes three accounts it prints the passwords of, one a superuser: for a
# development machine, or a demo server that says so.
DEMO_DATA = env_bool("DEMO_DATA", default=DEBUG)


def _secret_key() -> str:
    """SECRET_KEY from the environment; for local runs, one kept in var/."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. On your own machine, put DEBUG=true before "
            "the command (DEBUG=true .venv/bin/python manage.py ...); in production, set SECRET_KEY "
            "(README, Configuration)."
        )
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "archive.admin_site.WarrantAdminConfig",  # django.contrib.admin, with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "archive",
    # After archive: its db_worker (which first reclaims dead workers' jobs) wins.
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "archive.views.form_input.FormInputMiddleware",
    "archive.views.conflicts.ConflictMiddleware",
    "archive.views.unavailable.QueueUnavailableMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "archive.views.caching.PrivatePagesMiddleware",
    "archive.views.downloads.ApiTokenDownloadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "archive.views.context_processors.unread_alerts",
                "archive.views.context_processors.review_waiting",
                "archive.views.jobs.job_status",
                "archive.views.context_processors.session_end",
            ],
        },
    },
]

# Checks a deployment means to skip, e.g. archive.W002 to run on SQLite on purpose.
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])

# --- Database -------------------------------------------------------------
# SQLite by default (no server to install); PostgreSQL via DATABASE_URL.
# Health checks: a persistent connection the server dropped is replaced before
# a request uses it, instead of failing that request.
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait
        # (busy_timeout) instead of failing mid-transaction with "locked".
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "PREPARED_STATEMENTS", True
):
    # Values bound on the server, and a statement prepared once its
    # connection has run it twice: planning search's statements cost more
    # than running them, and a create runs fifteen. Django leaves this off
    # for poolers in transaction mode (PgBouncer before 1.21): turn it off
    # behind one.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "archive:home"
LOGOUT_REDIRECT_URL = "login"

# Behind a proxy that sets X-Forwarded-Proto and X-Forwarded-For and strips them from clients.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)

# Failed logins: lock a username, and separately an address (the client's, not a proxy's), after N failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = "archive.core.client.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "archive.core.client.client_address"
AXES_USERNAME_CALLABLE = "archive.core.client.counted_username"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# A lockout's log line names the client's address, for an operator to find an attacker by;
# the username stays masked: people type their password into it by mistake.
AXES_SENSITIVE_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 60 * 60, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A session ends SESSION_COOKIE_AGE after sign-in; pages warn SESSION_WARNING_SECONDS
# before, and "Stay signed in" moves the end to SESSION_COOKIE_AGE from then, never past
# SESSION_MAX_AGE after sign-in (archive/core/sessions.py). The default cap lets the end
# move more than ten times (WCAG 2.2.1) and bounds the life of a stolen session.
SESSION_ENGINE = "archive.core.sessions"
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_SECONDS", 5 * 60, minimum=0)
SESSION_MAX_AGE = env_int("SESSION_MAX_AGE", 7 * 24 * 60 * 60, minimum=SESSION_COOKIE_AGE)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "archive.views.refusals.csrf_failure"

# --- Security headers (production hardening follows from DEBUG off) -------
SECURE = not DEBUG
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SECURE)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SECURE)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script or style anywhere: every page must work under this policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_time_zone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Originals are stored here under generated names and served only through a
# permission-checked view, never by the static file server.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The first refuses a multipart form field that is not UTF-8 (Django would
# replace the bytes); the others are Django's own.
FILE_UPLOAD_HANDLERS = [
    "archive.views.form_input.StrictMultipart",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Importing and capturing sources (archive/importing, archive/sources/importing/capture.py)
# One limit for what the archive takes in: the largest file or capture
# imported, and the largest request body (a source's text sent as JSON to the
# API must fit as well as an uploaded file does). A JSON body over it is
# refused with 413 naming the limit (archive.core.json_input).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES
CAPTURE_TIMEOUT_SECONDS = env_int("CAPTURE_TIMEOUT_SECONDS", 20, minimum=1)
CAPTURE_MAX_REDIRECTS = env_int("CAPTURE_MAX_REDIRECTS", 5, minimum=0)
# Captures refuse private, loopback and link-local addresses, so the archive
# cannot be pointed at internal services; list CIDR networks to allow anyway.
CAPTURE_ALLOWED_PRIVATE_NETWORKS = env_networks("CAPTURE_ALLOWED_PRIVATE_NETWORKS")

# --- E-mail (alerts for members who opt in: archive/monitoring/alerts.py) --
# Without EMAIL_HOST nothing is sent: mail goes to the console when DEBUG is on, nowhere otherwise.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.dummy.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "warrant@localhost")

# --- Evidence packages (archive/findings) --------------------------------
# An RFC 3161 time-stamping authority (TSA), e.g. https://freetsa.org/tsr. When
# set, every evidence package carries the TSA's time-stamp of its signature,
# and a package the TSA cannot stamp is not built (the export names the
# failure) rather than handed out silently without one. Empty: no time-stamps.
EVIDENCE_TSA_URL = env_url("EVIDENCE_TSA_URL")
EVIDENCE_TSA_TIMEOUT_SECONDS = env_int("EVIDENCE_TSA_TIMEOUT_SECONDS", 10, minimum=1)
# Who publishes the fact-checks (a ClaimReview's `author`): the organisation's name and
# address. Empty: each workspace's name, and no address.
CLAIMREVIEW_PUBLISHER = env_str("CLAIMREVIEW_PUBLISHER")
CLAIMREVIEW_PUBLISHER_URL = env_url("CLAIMREVIEW_PUBLISHER_URL")
# --- Background jobs (archive/jobs) ----------------------------------------
# Django's Tasks API (django-tasks). The database backend is the default: the queue is
# a table, so SQLite serves `make run` and PostgreSQL any number of `db_worker`
# processes on any number of machines. TASKS_BACKEND=rq puts the queue on Redis
# (django-tasks-rq; workers: `manage.py rqworker`) for heavy queues.
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL}}
# django-tasks-rq's job class for every `rqworker`: RQ's own cannot run a task.
RQ = {"JOB_CLASS": "django_tasks_rq.Job"}

# --- Caches ----------------------------------------------------------------
# "reading": the reading page's rendered text and sidebar (archive/reading/cached.py),
# a few MB per long source and reader. In memory, each worker process keeps its own
# copy (and builds it once); READING_CACHE=redis shares one on REDIS_URL between
# workers and machines. Entries are keyed by the workspace's ledger head, so none
# is ever served stale, whichever backend.
_READING_CACHE = env_str("READING_CACHE", "memory")
if _READING_CACHE not in ("memory", "redis"):
    raise ImproperlyConfigured("READING_CACHE must be memory or redis.")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "reading": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "reading",
        }
        if _READING_CACHE == "redis"
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "reading",
            "OPTIONS": {"MAX_ENTRIES": env_int("READING_CACHE_ENTRIES", 64, minimum=1)},
        }
    ),
}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")  # its queues, `rqworker` and admin dashboard
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND is 'database' or 'rq', not {TASKS_BACKEND!r}.")
# Which of TASKS the archive's jobs go to (tests send some to a real queue).
JOBS_TASK_BACKEND = "default"
# A job that failed on the network is tried again after each of these delays (seconds).
JOBS_RETRY_DELAYS = env_seconds_list("JOBS_RETRY_DELAYS", [5, 30, 120])
# A running job whose worker stopped answering for this long is queued again
# (a worker on this machine that is gone is noticed at once).
JOBS_STALE_AFTER_SECONDS = env_int("JOBS_STALE_AFTER_SECONDS", 15 * 60, minimum=60)
# Text corrections of sources with more passages than this re-anchor them in a job.
JOBS_INLINE_PASSAGES = env_int("JOBS_INLINE_PASSAGES", 500, minimum=0)

# --- API (archive/api, archive/w3c) --------------------------------------
# Token first: its WWW-Authenticate header makes anonymous requests 401, not 403.
# SessionAuthentication enforces CSRF on unsafe methods for browser sessions.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "archive.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Size, depth, number range, surrogates and NUL checked (archive.core.json_input).
    "DEFAULT_PARSER_CLASSES": ["archive.api.parsing.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "archive.api.filters.StrictOrdering",
    ],
    "DEFAULT_PAGINATION_CLASS": "archive.api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "archive.api.schema.ResourceSchema",
    "EXCEPTION_HANDLER": "archive.api.errors.exception_handler",
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Warrant API",
    "DESCRIPTION": "Workspaces, sources, passages, annotations, claims and evidence, with their history.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # An operation's summary is a button: a deep link inside it would nest one control in another.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Ids in paths (archive.core.paths.Int64Converter) are integers, as with Django's own.
    "PATH_CONVERTER_OVERRIDES": {"int64": int},
    # POST /api/token/ also takes a username and password as HTTP Basic credentials.
    "APPEND_COMPONENTS": {"securitySchemes": {"basicAuth": {"type": "http", "scheme": "basic"}}},
}

# --- History --------------------------------------------------------------
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "archive.core.logs.RefusalsWithoutTraceback"}},
    # A 4xx is logged as one line, a 5xx keeps its traceback: on the handler, since Django
    # logs a refused Host or a bad signature to a child of django.security.
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]),
    },
    "loggers": {
        # (And on Django's request logger itself, for whatever handler is added to it.)
        "django.request": {"filters": ["refusals"]},
        # Everything reaches the root's console once: Django's own console handler
        # (under DEBUG) printed each record a second time.
        "django": {"handlers": []},
    },
}
