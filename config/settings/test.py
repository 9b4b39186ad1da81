"""Test overrides: only what tests need to differ from the base."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DEBUG", "1")

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
SECURE_SSL_REDIRECT = False
# Throttles stay installed but count nothing unless a test sets a rate (they read it lazily).
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"burst": None, "sustained": None}  # noqa: F405

# Two suites running at once (parallel sessions) each get their own test database.
if os.environ.get("TEST_DB_SUFFIX"):
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": f"test_portal_{os.environ['TEST_DB_SUFFIX']}"
    }
