"""Settings for the test suite: the real settings, made fast and hermetic."""

import os
import tempfile
from pathlib import Path

# Tests run like production (DEBUG off), with a throwaway key.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment-0123456789")

from config.settings import *  # noqa: F403
from config.settings import LOGGING, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="warrant-test-media-"))
# Tests run over plain HTTP against the test client and a live server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# The real filters and loggers (tests check them), without the console.
LOGGING = {**LOGGING, "handlers": {}, "root": {"level": "WARNING"}}
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="warrant-test-static-"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Jobs run at once, inside the test, except in the tests of the queues themselves
# (tests/test_job_queues.py), which put the database or Redis queue in its place.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    # Keeps what is enqueued without running it: for tests of what a schedule starts.
    "dummy": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
}
JOBS_RETRY_DELAYS = [0.01, 0.01, 0.01]
# A Redis database of its own, for the test of the RQ backend.
RQ_QUEUES = {"default": {"URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")}}
