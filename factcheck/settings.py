"""Settings for the fact-check workbench.

Everything a deployment changes comes from the environment through the small typed
helpers below; the defaults give a working local set-up on SQLite.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    value = os.getenv(name)
    return int(value) if value else default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def read_env_file(path: str) -> None:
    """Take KEY=VALUE lines from `path`, if it exists, for variables the environment lacks.

    `make run` writes .make-run.env (DEBUG on, its PORT in the public URLs), so that every
    command the README shows (`.venv/bin/python manage.py changepassword admin`, exports)
    runs in the clone as the server does, without exporting anything. The environment
    always wins; the test settings read no file.
    """
    if not path or not os.path.isfile(path):
        return
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            key, sep, value = line.strip().partition("=")
            if sep and key and not key.startswith("#"):
                os.environ.setdefault(key.strip(), value.strip())


read_env_file(os.getenv("FACTCHECK_ENV_FILE", str(BASE_DIR / ".make-run.env")))

DEBUG = envbool("DEBUG", "false")

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only ever used with DEBUG on, on a developer's own machine.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Always installed: it imports and runs on SQLite too; search.py decides per vendor.
    "django.contrib.postgres",
    "django_filters",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "quotes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "quotes.middleware.busy_database_middleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"

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
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "factcheck.wsgi.application"

# SQLite in the project folder by default, so a fresh checkout runs with no set-up;
# DATABASE_URL=postgres://... switches to PostgreSQL, the production database.
DATABASES = {
    # an empty DATABASE_URL means "not set", as it does in most shells' env files
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several reviewers save at once. A deferred transaction that reads, then writes, fails
    # at once with "database is locked" when another holds the write lock (SQLite cannot
    # wait there without risking a deadlock); IMMEDIATE takes the write lock at BEGIN, so
    # every transaction waits its turn, up to the busy timeout (seconds).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=envint("SQLITE_BUSY_TIMEOUT", 20), transaction_mode="IMMEDIATE"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock an account/IP pair after repeated failures.
AXES_ENABLED = envbool("AXES_ENABLED", "true")
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
# Username and address together: a wrong password from one address never locks the account
# for the others.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind a reverse proxy, the header in which it names the client (e.g. X-Forwarded-For), and
# how many proxies append to it. Empty: the header is ignored (a client could forge it).
CLIENT_IP_HEADER = os.getenv("CLIENT_IP_HEADER", "").strip()
TRUSTED_PROXY_COUNT = max(1, envint("TRUSTED_PROXY_COUNT", 1))
AXES_CLIENT_IP_CALLABLE = "factcheck.client_ip.client_ip"

# Django 6's default, opted into now: a URL typed without a scheme is taken as https.
FORMS_URLFIELD_ASSUME_HTTPS = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.getenv("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Files the app writes: reports rendered in the background. Workers on other machines
# need the same directory (a shared volume), or another storage backend in STORAGES.
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"  # never served directly: downloads go through a permission check

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Without collectstatic (tests, `make run`), let WhiteNoise find files where they live.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Largest article a user may import (characters); documented in the README.
MAX_ARTICLE_CHARS = envint("MAX_ARTICLE_CHARS", 2_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# The fact-checking organisation named as author in ClaimReview exports.
FACTCHECK_ORG_NAME = os.getenv("FACTCHECK_ORG_NAME", "Factcheck Workbench")
FACTCHECK_ORG_URL = os.getenv("FACTCHECK_ORG_URL", "http://127.0.0.1:8000/")
# Seconds a web worker may take to answer (gunicorn's --timeout in `make serve`): an export
# that would take longer is prepared in the background instead (quotes/exports/timing.py).
WEB_WORKER_TIMEOUT = envint("WEB_WORKER_TIMEOUT", 30)
# Where PDFs too large to render within a request are written by the background job.
REPORTS_DIR = Path(os.getenv("REPORTS_DIR", str(BASE_DIR / "var" / "reports")))
# Absolute base for public permalinks in exports (no trailing slash).
PUBLIC_BASE_URL = os.getenv("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Fetching articles and feeds from the web (quotes/fetch.py): limits of the security boundary.
FETCH_CONNECT_TIMEOUT = float(os.getenv("FETCH_CONNECT_TIMEOUT", "5"))
FETCH_READ_TIMEOUT = float(os.getenv("FETCH_READ_TIMEOUT", "10"))
FETCH_TOTAL_TIMEOUT = float(os.getenv("FETCH_TOTAL_TIMEOUT", "20"))
FETCH_MAX_BYTES = envint("FETCH_MAX_BYTES", 5 * 1024 * 1024)
# Hosts ("name" or "name:port") fetched even though they resolve to private or loopback
# addresses: tests' local servers, a newsroom's intranet. Empty by default.
FETCH_ALLOWED_HOSTS = envlist("FETCH_ALLOWED_HOSTS", "")
# How often celery beat polls the feeds; a failing feed waits twice as long after each
# failure, up to FEED_MAX_BACKOFF_MINUTES.
FEED_POLL_MINUTES = envint("FEED_POLL_MINUTES", 15)
FEED_MAX_BACKOFF_MINUTES = envint("FEED_MAX_BACKOFF_MINUTES", 24 * 60)

# Background work (factcheck/celery.py). With no broker, tasks run inline in the process
# that sends them, so `make run` needs nothing but Python.
CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = os.getenv("CELERY_QUEUE", "factcheck")
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is run again (tasks are idempotent)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 540)
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Without a broker, a report too large for one request (quotes/tasks.send_report) renders in
# a thread of the web process, after the request has answered: inline, it would run inside
# the request and be cut off by gunicorn's timeout. The tests render inline (test_settings).
REPORTS_IN_THREAD = os.getenv("REPORTS_IN_THREAD", "1") not in ("0", "false", "False", "")
CELERY_BEAT_SCHEDULE = {
    "poll-feeds": {"task": "quotes.tasks.poll_feeds", "schedule": FEED_POLL_MINUTES * 60.0},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Content-Security-Policy (django-csp 4): no inline script or style anywhere;
# htmx is served from static files and scripts carry the nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Production hardening; off with DEBUG so local http://127.0.0.1:8000 keeps working.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false" if DEBUG else "true")
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "false" if DEBUG else "true")
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", "false" if DEBUG else "true")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}
