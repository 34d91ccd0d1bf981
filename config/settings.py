"""Settings, read from the environment. One module for every environment; production differs only by
environment variables (see README: DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL)."""

import copy
import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1, not {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "config.views.csrf_failure"  # in Vietnamese; Django's own page is in English

INSTALLED_APPS = [
    "config.apps.AdminConfig",  # django.contrib.admin with the superusers-only site (config/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "centers",
    "courses",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.routers.ReadYourWrites",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "centers.middleware.ScopeMiddleware",
    "centers.middleware.SessionKeepAlive",
    "centers.middleware.AccountGate",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the user's place in the chain with the user (centers/auth.py).
    "centers.auth.StaffBackend",
]
# Login throttling: five wrong passwords for one user from one address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# A Content-Security-Policy without inline scripts: every script is a file under static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "centers.context_processors.scope",
            ],
        },
    },
]

# SQLite is the embedded default so the demo runs with nothing installed; PostgreSQL in production.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}
# A streaming replica for reads (config/routers.py): without one, the alias is the primary itself and no router.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"] if DATABASE_REPLICA_URL else []
REPLICA_LAG_SECONDS = int(os.environ.get("REPLICA_LAG_SECONDS", "10"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend with the year and quarter of a date computed by SQLite itself (config/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "config.sqlite"
    # Tests in memory, as Django does for its own SQLite engine (said here: pytest-django only knows that one by name).
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")
    # Several requests may write at once (runserver's threads, gunicorn's workers): a save must wait for the
    # other one and then go through, never fail with "database is locked" (a 500, and the form typed is lost).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # How long a save waits for the lock before giving up (SQLite's busy timeout, in seconds).
            "timeout": 20,
            # The timeout alone does not help: SQLite starts a transaction DEFERRED, as a reader, and every write
            # service reads (checks, the stamps) before it writes. When two such transactions both read and one
            # then writes, the other's upgrade from reader to writer would wait for the first, which waits for
            # the other's read lock to go: SQLite answers SQLITE_BUSY at once instead of waiting (and in WAL mode a
            # reader whose snapshot is older than the last commit can never write). Starting every transaction
            # as a writer (BEGIN IMMEDIATE) makes the second save wait at its BEGIN, where the timeout applies,
            # and then read what the first committed. Measured by tests/test_concurrent_saves.py: one save of
            # every pair failed without this (18 of 36), none with it. Django's transactions are all writes here
            # (page views read in autocommit), so this serialises only what SQLite serialises anyway.
            "transaction_mode": "IMMEDIATE",
            # WAL: readers never wait for a writer and a writer never waits for readers, so a page that counts a
            # province's figures does not hold a save back (nor the reverse). The mode is stored in the file: the
            # first connection converts it, later ones find it done. synchronous stays FULL, SQLite's default, said
            # here because NORMAL is often advised with WAL: it would skip the fsync at each commit (0,04 ms instead
            # of about 4 ms here; the old rollback journal took 19 ms) but a power cut could then undo a save the
            # user was told is recorded. Backups use SQLite's backup API, which reads through the WAL
            # (reports/backup.py); the -wal and -shm files beside db.sqlite3 are part of the database.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["replica"] = (
    dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    if DATABASE_REPLICA_URL
    else copy.deepcopy(DATABASES["default"])
)
DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # in tests, the replica is the test database itself
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese for everyone, whatever the browser asks for: figures must read 129.557 and 24/11/2026.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Vietnamese conventions: 129.557 and 12,5 and dd/mm/yyyy (Django's vi locale formats). Figures shown to people
# are grouped by `intcomma`; every other number (ids in form fields, sort keys, query strings) stays plain, so that
# record 1.234.567 posts back as 1234567.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["config.formats"]

# The first day of the reorganised chain (Nghị quyết 202/2025/QH15: 34 provinces, no districts, commune-level
# centers): a period reaching past it is shown in today's boundaries by default (centers/lineage.py).
REORGANISATION_DATE = datetime.date(2025, 7, 1)

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Uploads: workbooks up to 10 MB are accepted (the importer checks the limit itself with a clear message).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

# Mail (password links, reminders): the console backend prints messages in the demo; production sets SMTP from the
# environment (README: DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the EMAIL_* below).
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "baocao-llct@localhost")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
# Two-step sign-in (an authenticator app, centers/two_factor.py): optional for everyone; DJANGO_TWO_FACTOR_REQUIRED=1
# requires it of central and board staff (they are sent to set it up at their next sign-in).
TWO_FACTOR_REQUIRED = env_bool("DJANGO_TWO_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = "Báo cáo LLCT"

# A link to set or reset a password works once, for 72 hours (Django's token: it changes with the password).
PASSWORD_RESET_TIMEOUT = 72 * 60 * 60

SESSION_COOKIE_AGE = 30 * 60
# Database sessions, read with a query compiled once (centers/sessions.py).
SESSION_ENGINE = "centers.sessions"
# Idle sessions end after 30 minutes: centers.middleware.SessionKeepAlive renews the session at most once a
# minute instead of writing it on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Cached figures (reports/figures/cache.py) are keyed on data stamps read from the database, so a process-local
# cache is exact; each worker keeps its own.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "figures": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "figures",
        "TIMEOUT": 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# The read API (reports/api/): personal tokens or a session, the pages' Scope, paginated and throttled.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "centers.api_tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["reports.api.permissions.InScope"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": False,
}
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "1200/hour")
API_ANON_THROTTLE_RATE = os.environ.get("API_ANON_THROTTLE_RATE", "60/hour")
API_TOKENS_PER_USER = 5
SPECTACULAR_SETTINGS = {
    "TITLE": "API số liệu bồi dưỡng lý luận chính trị",
    "DESCRIPTION": "Chỉ đọc. Xác thực bằng mã truy cập cá nhân (trang Tài khoản của tôi): "
    "`Authorization: Bearer llct_…`. Mỗi mã chỉ đọc được số liệu trong phạm vi của tài khoản.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["reports.api.permissions.InScope"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Background jobs (centers/jobs.py, config/celery.py): Redis as the broker when CELERY_BROKER_URL is set (e.g.
# redis://127.0.0.1:6379/0); without it every task runs in the web process after its request commits.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE = {
    "sweep-jobs": {"task": "centers.sweep_jobs", "schedule": 300.0},
    "send-reminders": {"task": "reports.send_reminders", "schedule": crontab(hour=7, minute=30)},
    "warm-figures": {"task": "reports.warm_figures", "schedule": crontab(hour=2, minute=0)},
}
JOB_FILE_HOURS = 24
IMPORT_BACKGROUND_ROWS = 3000  # an upload of more enrolments than this is written by a background job
JOB_STALE_MINUTES = 15

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Only the loopback load test turns these off (plain http on 127.0.0.1); production keeps them on.
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
