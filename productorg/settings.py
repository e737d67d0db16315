"""Django settings, driven by the environment and failing loudly on a bad value.

Every variable is listed in the README. `PRODUCTORG_ENV=production` turns on the production
settings: no generated secret, hosts and database from the environment, secure cookies.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from error


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_secret(name: str) -> str:
    """A secret from `NAME`, or from the file named by `NAME_FILE` (Docker/systemd secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE cannot be read: {error}") from error
    return os.environ.get(name, "")


PRODUCTORG_ENV = env_str("PRODUCTORG_ENV", "development")
if PRODUCTORG_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"PRODUCTORG_ENV must be development or production, not {PRODUCTORG_ENV!r}"
    )
PRODUCTION = PRODUCTORG_ENV == "production"

VAR_DIR = Path(env_str("PRODUCTORG_VAR_DIR", str(BASE_DIR / "var")))


def _local_secret_key() -> str:
    # Generated once per checkout and kept under var/, so sessions survive restarts.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production")
    SECRET_KEY = _local_secret_key()

# Off unless asked for, in development too: the demo `make run` serves is the product's first
# impression, and Django's technical 404 and 500 pages would show it every URL pattern.
DEBUG = env_bool("DEBUG", default=False)

if PRODUCTION:
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
else:
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_htmx",
    "csp",
    "axes",
    "productorg.accounts",
    "productorg.people",
    "productorg.strategy",
    "productorg.planning",
    "productorg.reports",
    "productorg.function",
    "productorg.function.surveys",
    "productorg.interchange",
    "productorg.api",
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control: no-store on everything but static files (productorg/middleware.py).
    "productorg.middleware.NoStoreMiddleware",
    # 413 for a body larger than its view takes, before the CSRF check or a view reads it.
    "productorg.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy (below), and the Permissions-Policy Django has no setting for.
    "csp.middleware.CSPMiddleware",
    "productorg.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Signs out a session idle too long or older than its absolute limit (before the login
    # check, so the request goes on as anonymous and is sent to the sign-in page).
    "productorg.middleware.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks, so it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "productorg.urls"
WSGI_APPLICATION = "productorg.wsgi.application"
ASGI_APPLICATION = "productorg.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "productorg" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "productorg.accounts.context_processors.role",
            ],
            "builtins": ["productorg.text"],
        },
    },
]
# No maxlength on inputs: a too-long text gets the form's error, not the browser's silent cut.
FORM_RENDERER = "productorg.pages.FormRenderer"


def sqlite_database(path: Path | str) -> dict:
    """SQLite settings that let several processes write at once without 'database is locked'.

    WAL lets readers run beside the writer; BEGIN IMMEDIATE takes the write lock at the start
    of a transaction, so a read-then-write never has to upgrade a lock (the upgrade is what
    fails at once, whatever the timeout); the timeout lets writers queue instead of failing.
    """
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # A kept connection keeps SQLite's page cache warm between requests.
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32000;"
            ),
        },
    }


DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        _database = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be understood: {error}") from error
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        _database = sqlite_database(_database["NAME"])
    else:
        _database["CONN_HEALTH_CHECKS"] = True
    DATABASES = {"default": _database}
elif PRODUCTION:
    raise ImproperlyConfigured("DATABASE_URL must be set in production")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": sqlite_database(VAR_DIR / "productorg.sqlite3")}

# "markdown": rendered Markdown kept in each process by the hash of its text and the renderer's
# version (productorg/text.py), so a page renders a text once, not on every view; memory-only,
# so nothing to migrate or share, at most about 1,000 × 50 kB.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "markdown": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "markdown",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "productorg.accounts.backends.UsernameOrEmailBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: five wrong passwords for one username from one address lock it for a while.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Attempts refused during a lock-out do not restart its clock, so it ends when it said it would.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Guesses at one account from many addresses: after LOGIN_ACCOUNT_FAILURE_LIMIT failures within
# LOGIN_ACCOUNT_WINDOW_MINUTES, from any address, the username waits a short cool-off after each
# further failure (productorg/accounts/lockout.py counts axes' failure log). Short on purpose:
# anyone can make these failures, so they must not lock the real user out for long.
AXES_HANDLER = "productorg.accounts.lockout.AccountThrottleHandler"
AXES_USERNAME_CALLABLE = "productorg.accounts.lockout.login_username"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
_window_minutes = env_int("LOGIN_ACCOUNT_WINDOW_MINUTES", 15)
_cooloff_minutes = env_int("LOGIN_ACCOUNT_COOLOFF_MINUTES", 3)
if min(LOGIN_ACCOUNT_FAILURE_LIMIT, _window_minutes, _cooloff_minutes) < 1:
    raise ImproperlyConfigured(
        "LOGIN_ACCOUNT_FAILURE_LIMIT, LOGIN_ACCOUNT_WINDOW_MINUTES and "
        "LOGIN_ACCOUNT_COOLOFF_MINUTES must be at least 1"
    )
LOGIN_ACCOUNT_WINDOW = timedelta(minutes=_window_minutes)
LOGIN_ACCOUNT_COOLOFF = timedelta(minutes=_cooloff_minutes)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "productorg.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

LANGUAGE_CODE = "en-gb"
# ISO input formats first, so date inputs render values browsers accept (productorg/formats/).
FORMAT_MODULE_PATH = ["productorg.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "productorg" / "static"]
# WhiteNoise serves static files whatever DEBUG says: in development straight from the apps,
# picking up edits; in production from collectstatic's copy.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

SESSION_COOKIE_HTTPONLY = True
# A session ends SESSION_DAYS after sign-in whatever happens, and after
# SESSION_IDLE_TIMEOUT_MINUTES without a request (productorg.middleware.SessionTimeoutMiddleware).
_session_days = env_int("SESSION_DAYS", 14)
_idle_minutes = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 480)
if min(_session_days, _idle_minutes) < 1:
    raise ImproperlyConfigured("SESSION_DAYS and SESSION_IDLE_TIMEOUT_MINUTES must be at least 1")
SESSION_COOKIE_AGE = _session_days * 24 * 60 * 60
SESSION_IDLE_TIMEOUT = timedelta(minutes=_idle_minutes)

# Content-Security-Policy: the app's own files only, no inline script or style (templates carry
# none; htmx is told not to inject its indicator style, base.html). Violations are refused by
# the browser; the API's interactive page (/api/v1/docs) loads ninja's bundled files, also 'self'.
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
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Headers check --deploy does not ask for: referrers stay on this site, pages open no
# cross-origin window handle, and no page may use the camera, microphone, location or payments.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"
# The OpenAPI schema and /api/v1/docs answer without signing in only when this is on (in
# development, where tests and tools read the schema); in production they need a session or token.
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", not PRODUCTION)
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Background jobs (plans of the portfolio planner): django-tasks' database backend, run by
# `productorg worker` (which `make run` starts beside the server).
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Mail (survey links): printed to the console in development, SMTP in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ProductOrg <productorg@localhost>")

# The alignment check calls work in progress stale after this many days without a status update.
# Uploads through the import page; the CLI (`productorg import`) has no limit.
IMPORT_MAX_UPLOAD_MB = env_int("IMPORT_MAX_UPLOAD_MB", 20)
if not 1 <= IMPORT_MAX_UPLOAD_MB <= 2048:
    raise ImproperlyConfigured("IMPORT_MAX_UPLOAD_MB must be between 1 and 2048")
# Where an uploaded export waits between its dry run and the confirmed import.
IMPORT_DIR = VAR_DIR / "imports"
# Request bodies (productorg/middleware.py answers 413 past these by Content-Length). Forms and
# the API's JSON take at most 2.5 MB; only views marked `takes_upload` take more, for their
# file. Files above 2.5 MB go to a temporary file, not memory, as several workers may read
# uploads at once. Every upload form has one file; the largest forms (team maps, capacity
# grids) have a few hundred fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 5

STALE_UPDATE_DAYS = env_int("STALE_UPDATE_DAYS", 14)
if not 1 <= STALE_UPDATE_DAYS <= 365:
    raise ImproperlyConfigured("STALE_UPDATE_DAYS must be between 1 and 365")

# Demo accounts share one password so the README can list them.
DEMO_PASSWORD = "productorg-demo"  # noqa: S105 - public by design, printed by `make run`
